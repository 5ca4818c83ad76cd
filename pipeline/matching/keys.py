"""Match keys: the normalised forms of titles, URLs and organisations that blocking and scoring compare.

Two implementations of the same rules live side by side:

* Python functions (:func:`norm_title`, :func:`title_core`, :func:`canonical_url`, :func:`url_slug`,
  :func:`org_key`) for single values, explanations and tests;
* the SQL model ``sql/matching/match_keys.sql``, which computes the same keys for a whole table
  inside DuckDB (parallel, no Python loop per record). ``tests/test_matching_keys.py`` checks that both agree.

Organisation keys are computed once per *distinct* organisation string in Python (there are thousands of
organisations, not millions), so the alias resolver can be any Python callable.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.normalise.organisations import resolve_organisation

# Separators after which a title carries a subtitle: "Data Science: Foundations", "Python - Part 1",
# "Marketing | Coursera", "Excel (2019 edition)". Kept identical to the SQL model.
SUBTITLE_RE = re.compile(r"\s*(:|\||\s[-\u2013\u2014]+\s|\(|\[).*$", re.S)
_NON_WORD_RE = re.compile(r"[\W_]+", re.U)

# Query parameters that never identify a listing.
TRACKING_PARAMS = re.compile(r"^(utm_.*|gclid|fbclid|mc_[a-z]+|ref|referrer|source|src|trk|campaign.*|aff.*|ranmid|raneaid|ransiteid|siteid|irclickid|clickid|_ga)$")
TRACKING_PARAMS_SQL = TRACKING_PARAMS.pattern

# Words that carry no identity in an organisation name.
ORG_STOPWORDS = {"the", "of", "and", "at", "for", "in", "inc", "ltd", "llc", "co", "corp", "corporation", "gmbh", "sa", "plc"}
ORG_ABBREVIATIONS = {"univ": "university", "uni": "university", "u": "university", "inst": "institute",
                     "tech": "technology", "coll": "college", "intl": "international", "natl": "national",
                     "dept": "department", "st": "saint", "&": "and"}

def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def norm_text(text: str | None) -> str:
    """Casefold, strip diacritics, '&' -> 'and', every run of punctuation/space -> one space."""
    if not text:
        return ""
    t = strip_diacritics(str(text)).lower().replace("&", " and ")
    return _NON_WORD_RE.sub(" ", t).strip()


AFFIX_FILE = Path(__file__).resolve().parent / "affixes.toml"


@dataclass(frozen=True)
class Affixes:
    """The affix rules of one run, as regular expressions valid in both Python ``re`` and DuckDB (RE2).

    ``prefix``/``suffix`` apply to the lower-cased, accent-free raw title (separators still present);
    ``boilerplate`` to the normalised title (a bare platform name or "online course" at its end).
    """

    prefix: str
    suffix: str
    boilerplate: str


def _alt(words) -> str:
    """Longest first, so that "free online course" wins over "free"; spaces match any run of spaces."""
    out = []
    for w in sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True):
        out.append(r"\s+".join(re.escape(p).replace(r"\-", "-") for p in w.split()))
    return "(?:" + "|".join(out) + ")"


_SEP = "[:|\u2013\u2014]"


def load_affixes(affix_files: list[str | Path] | None = None) -> Affixes:
    """The affix rules from ``affixes.toml``, extended by ``affix_files`` or ``$CREDCAT_MATCH_AFFIXES``."""
    files = [AFFIX_FILE, *(affix_files or [])]
    if not affix_files and os.environ.get("CREDCAT_MATCH_AFFIXES"):
        files.append(Path(os.environ["CREDCAT_MATCH_AFFIXES"]))
    lists: dict[str, list[str]] = {"platforms": [], "prefix_words": [], "suffix_words": []}
    for f in files:
        data = tomllib.loads(Path(f).read_text(encoding="utf-8"))
        unknown = set(data) - set(lists)
        if unknown:
            raise ValueError(f"{f}: unknown affix keys {sorted(unknown)}; expected {sorted(lists)}")
        for k in lists:
            lists[k].extend(str(w) for w in data.get(k, []))
    plat = _alt(lists["platforms"])
    pw = _alt(lists["prefix_words"] + lists["platforms"])
    sw = _alt(lists["suffix_words"] + lists["platforms"])
    prefix = (rf"^(?:\s*(?:[\[(]\s*{pw}(?:\s+{pw}){{0,4}}\s*[\])]\s*(?:{_SEP}|-)?"
              rf"|{pw}(?:\s+{pw}){{0,4}}\s*(?:{_SEP}|\s-\s|-\s)))+\s*")
    suffix = (rf"(?:\s*(?:(?:{_SEP}|,|\s-)\s*{sw}(?:\s+{sw}){{0,5}}|[\[(]\s*{sw}(?:\s+{sw}){{0,5}}\s*[\])]"
              rf"|\s(?:on|from|via|at)\s+{plat}|(?:\s+{sw}){{1,3}}\s*(?:{_SEP}|\s-)\s*{plat}))+\s*$")
    # also bare generic words a listing site appends without a separator ("Financial Markets Online")
    boiler = _alt(lists["platforms"] + ["free online course", "online course", "free course", "self paced",
                                        "course", "online"])
    boilerplate = r"( " + boiler.replace(r"\s+", " ") + r")+$"
    return Affixes(prefix, suffix, boilerplate)


AFFIXES = load_affixes()
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z]+);")
_ELLIPSIS = r"(\s*(\.\.\.|" + "\u2026" + r"))+\s*$"
_ELLIPSIS_RE = re.compile(_ELLIPSIS)
# spellings of one word that listings of one course use interchangeably: an abbreviation and British/American
# forms. (pattern, replacement) pairs valid in Python ``re`` (ASCII) and DuckDB (RE2), applied in order.
SPELLINGS = [
    (r"\bintro\b", "introduction"),
    (r"([a-z])isation(s|al)?\b", r"\1ization\2"),
    (r"\b(optimi|visuali|recogni|summari|speciali|digiti|moderni|standardi|categori|customi|personali|"
     r"prioriti|organi|utili|authori|synchroni|emphasi|characteri|reali|capitali|minimi|maximi|monetis?)"
     r"s(e|ed|es|ing|er|ers)\b", r"\1z\2"),
    (r"\b(behavio|colo|labo|favo|hono|neighbo|harbo|humo)ur(s|al|ed|ing)?\b", r"\1r\2"),
    (r"\b(cent|theat|met|fib)re(s?)\b", r"\1er\2"),
    (r"\bprogramme(s?)\b", r"program\1"),
    (r"\b(model|travel|label|cancel|fuel|signal)l(ing|ed|er|ers)\b", r"\1\2"),
    (r"\banalys(e|ed|es|ing)\b", r"analyz\1"),
    (r"\b(defen|licen|offen)ce\b", r"\1se"),
    (r"\b(catalog|dialog|analog)ue(s?)\b", r"\1\2"),
]
_SPELLINGS_RE = [(re.compile(p, re.ASCII), r) for p, r in SPELLINGS]
# one pass that says whether any spelling rule applies: most titles have none, and skip the ten passes
SPELLINGS_ANY = "|".join(f"(?:{p})" for p, _ in SPELLINGS)
_SPELLINGS_ANY_RE = re.compile(SPELLINGS_ANY, re.ASCII)


def clean_title(title: str | None, affixes: Affixes = AFFIXES) -> str:
    """Lower case, no accents, HTML entities decoded, listing labels and a trailing ellipsis removed, one
    spelling per word (``SPELLINGS``: "Intro" = "Introduction", British = American).

    ``"Free course: Éthique &amp; IA | Udemy"`` -> ``"ethique & ia"``. Mirrors ``match_clean_title`` (a macro the
    matcher registers in DuckDB from the same rules).
    """
    if not title:
        return ""
    t = strip_diacritics(str(title)).lower().replace("&amp;", "&")
    t = _ENTITY_RE.sub(" ", t)
    t = re.sub(affixes.prefix, "", t, count=1)
    t = re.sub(affixes.suffix, "", t, count=1)
    t = _ELLIPSIS_RE.sub("", t)
    if _SPELLINGS_ANY_RE.search(t):
        for rx, rep in _SPELLINGS_RE:
            t = rx.sub(rep, t)
    return t


def clean_title_macro(affixes: Affixes = AFFIXES) -> str:
    """DuckDB DDL of the macros ``match_clean_title(t)`` (:func:`clean_title` without the spellings) and
    ``match_fold_spellings(t)`` (the spellings, skipped by one regex test when none applies): the keys model
    applies the second to the first's materialised column, so that the cleaning is not expanded twice."""
    def lit(rx: str) -> str:
        return "'" + rx.replace("'", "''") + "'"
    body = "replace(lower(strip_accents(coalesce(t, ''))), '&amp;', '&')"
    body = f"regexp_replace({body}, {lit(_ENTITY_RE.pattern)}, ' ', 'g')"
    body = f"regexp_replace(regexp_replace({body}, {lit(affixes.prefix)}, ''), {lit(affixes.suffix)}, '')"
    body = f"regexp_replace({body}, {lit(_ELLIPSIS)}, '')"
    fold = "t"
    for rx, rep in SPELLINGS:
        fold = f"regexp_replace({fold}, {lit(rx)}, {lit(rep)}, 'g')"
    fold = f"case when regexp_matches(t, {lit(SPELLINGS_ANY)}) then {fold} else t end"
    boiler = f"regexp_replace(t, {lit(affixes.boilerplate)}, '')"
    return (f"create or replace temp macro match_clean_title(t) as {body};\n"
            f"create or replace temp macro match_fold_spellings(t) as {fold};\n"
            f"create or replace temp macro match_strip_boilerplate(t) as {boiler};")


def norm_title(title: str | None, affixes: Affixes = AFFIXES) -> str:
    """The normalised full title: ``"Free course: Éthique & IA: Part 1 | Coursera"`` -> ``"ethique and ia part 1"``."""
    return re.sub(affixes.boilerplate, "", norm_text(clean_title(title, affixes)))


def title_core(title: str | None, affixes: Affixes = AFFIXES) -> str:
    """The normalised title without its subtitle (text after ':', '|', ' - ', '(' or '[')."""
    if not title:
        return ""
    core = SUBTITLE_RE.sub("", clean_title(title, affixes))
    return norm_text(core) or norm_title(title, affixes)


def title_skeleton(norm: str) -> str:
    """The consonants of a normalised title's words of 4+ letters, sorted (a blocking key that survives swapped
    letters, a wrong vowel and a dropped "and"): ``"cities and the challenge"`` -> ``"ccghllnst"``. Mirrors
    ``title_skeleton`` in SQL."""
    return "".join(sorted(re.sub(r"[aeiouy]", "", "".join(w for w in norm.split() if len(w) >= 4))))


def canonical_url(url: str | None) -> str:
    """Scheme-less, lower-case, no ``www.``, no fragment, tracking parameters dropped, others sorted, no trailing '/'.

    ``HTTPS://www.Coursera.org/learn/ML/?utm_source=x#reviews`` -> ``coursera.org/learn/ml``. Broken separators
    as feeds print them are repaired first: spaces anywhere (``https: / / www.coursera.org / learn / ml``),
    commas or backslashes for slashes (``https://www.coursera.org,learn,ml``), encoded slashes (``%2F``),
    doubled slashes. A homepage (no path, no query) is no URL of a listing: ``""``.
    Mirrors the ``url_canon`` column of ``sql/matching/match_keys.sql``.
    """
    if not url or not str(url).strip():
        return ""
    u = re.sub(r"\s+", "", str(url).lower())
    u = u.replace("%2f", "/").replace("%3a", ":").replace("\\", "/")
    u = re.sub(r"^[a-z][a-z0-9+.-]*:/*", "", u)
    u = re.sub(r"^www\.", "", u)
    u = u.split("#", 1)[0]
    path, _, query = u.partition("?")
    path = re.sub(r"/+", "/", path.replace(",", "/")).rstrip("/")
    params = sorted(p for p in query.split("&") if p and not TRACKING_PARAMS.match(p.split("=", 1)[0]))
    if "/" not in path and not params:
        return ""
    return path + ("?" + "&".join(params) if params else "")


GENERIC_SEGMENTS = {"info", "home", "about", "overview", "index.html", "index", "course", "courses", "learn"}


def url_slug(url: str | None, *, keep_number: bool = False) -> str:
    """The last meaningful path segment, normalised: ``.../learn/machine-learning/`` -> ``machine learning``.

    Trailing numbers are dropped (``machine-learning-835``: an aggregator's id) unless ``keep_number``: the
    stripped slug only proposes candidates, the full slug is the evidence (``project-planning`` and
    ``project-planning-1`` are two courses). Empty unless it has at least 4 characters and a letter.
    """
    c = canonical_url(url)
    if not c:
        return ""
    segments = [s for s in c.split("?", 1)[0].split("/")[1:] if s and s not in GENERIC_SEGMENTS]
    if not segments:
        return ""
    slug = norm_text(segments[-1])
    if not keep_number:
        slug = re.sub(r"( [0-9]+)+$", "", slug)
    return slug if len(slug) >= 4 and re.search(r"[^\W\d_]", slug) else ""


def url_host(url: str | None) -> str:
    c = canonical_url(url)
    return c.split("/", 1)[0] if c else ""


def _org_tokens(name: str) -> list[str]:
    toks = [ORG_ABBREVIATIONS.get(t, t) for t in norm_text(name).split()]
    return [t for t in toks if t not in ORG_STOPWORDS]


def org_key(name: str | None, resolver: Callable[[str], str | None] | None = None) -> str:
    """A comparable organisation key.

    ``resolver`` maps a raw name to its canonical organisation; when it returns a value, that value is keyed.
    Then the one alias table (``pipeline/normalise/organisation_aliases.csv``, via ``resolve_organisation``),
    looked up as written and with abbreviations spelled out ("Univ." -> University), whole names only; then: casefold, diacritics, abbreviations (Univ. -> university), stop words ("The", "of") dropped.
    ``"The University of Michigan"`` and ``"Univ. of Michigan"`` both give ``"university michigan"``.
    """
    if not name or not str(name).strip():
        return ""
    raw = str(name)
    if resolver is not None:
        resolved = resolver(raw)
        if resolved:
            raw = resolved
    plain = norm_text(raw)
    expanded = " ".join(ORG_ABBREVIATIONS.get(t, t) for t in plain.split())
    for spelling in dict.fromkeys((raw, expanded)):
        known = resolve_organisation(spelling)
        # a whole-name alias only: a joint name ("Delft ...-Wageningen ...") keyed by one member would merge
        # every joint offering into that member's blocks
        if known.known and len(known.members) == 1 and not known.note:
            plain = norm_text(known.name)
            break
    toks = _org_tokens(plain)
    # word order is not identity: "Michigan University" ~ "University of Michigan" is settled by the scorer
    return " ".join(toks)


def org_acronym(key: str) -> str:
    """Initials of a multi-word organisation key: 'massachusetts institute technology' -> 'mit'."""
    toks = key.split()
    return "".join(t[0] for t in toks) if len(toks) >= 2 else ""


NUMBER_WORDS = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8",
                "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
# level words in a title: "Beginner" and "Advanced" versions of a course are siblings, not duplicates
LEVEL_WORDS = {"beginner": "lvbeginner", "beginners": "lvbeginner", "beginning": "lvbeginner",
               "introductory": "lvbeginner", "elementary": "lvbeginner", "basic": "lvbeginner",
               "intermediate": "lvintermediate", "advanced": "lvadvanced", "expert": "lvadvanced"}


# "Part I", "Calculus I": a lone "i" after a part word or at the end is the number one
_PART_I_RE = re.compile(r"\b(part|volume|vol|level|book|module|unit|chapter|course|season|grade|term) i\b")


def title_numbers(norm: str) -> str:
    """Sorted distinct markers of a normalised title: small numbers (up to 20; "Part II" = "Part 2") and levels
    ("Beginner" -> ``lvbeginner``). Two titles with different markers are different courses of a series."""
    out = set()
    norm = re.sub(r" i$", " 1", _PART_I_RE.sub(r"\1 1", norm))
    for t in norm.split():
        if re.fullmatch(r"[0-9]{1,2}", t):
            if int(t) <= 20:  # a series marker; "100% Practical", "Excel 2019" are words
                out.add(str(int(t)))
        elif t in NUMBER_WORDS and t not in {"i"}:
            out.add(NUMBER_WORDS[t])
        elif t in LEVEL_WORDS:
            out.add(LEVEL_WORDS[t])
    return " ".join(sorted(out))


def title_codes(norm: str) -> str:
    """Sorted distinct tokens of a normalised title that mix letters and digits ("cs50", "pslx350h")."""
    if not re.search(r"[0-9]", norm):
        return ""
    toks = {t for t in norm.split() if len(t) >= 3 and re.search(r"[0-9]", t) and re.search(r"[a-z]", t)}
    return " ".join(sorted(toks))


def run_markers(title: str | None, url: str | None) -> str:
    """Markers of a course run: a year in brackets in the title ("Excel (2024)") and edX run codes
    (``2T2023``) in title or URL. Two records with different markers are two runs of one course (an
    equivalence), never duplicates. A bare year is part of the name ("Horizon 2020", "Excel 2019") and counts
    as a number of the title. Mirrors ``run_key`` in the SQL model."""
    title_l = (title or "").lower()
    found = set(re.findall(r"[\(\[]\s*((?:19|20)[0-9][0-9])\s*[\)\]]", title_l))
    found |= set(re.findall(r"\b[1-4]t20[0-9][0-9]\b", f"{title_l} {(url or '').lower()}"))
    return " ".join(sorted(found))
