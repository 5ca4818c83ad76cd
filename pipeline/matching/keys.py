"""Match keys: the normalised forms of titles, URLs and organisations that blocking and scoring compare.

Two implementations of the same rules live side by side:

* Python functions (:func:`norm_title`, :func:`title_core`, :func:`canonical_url`, :func:`url_slug`,
  :func:`org_key`) for single values, explanations and tests;
* the SQL model ``sql/intermediate/int_match_keys.sql``, which computes the same keys for a whole table
  inside DuckDB (parallel, no Python loop per record). ``tests/test_matching_keys.py`` checks that both agree.

Organisation keys are computed once per *distinct* organisation string in Python (there are thousands of
organisations, not millions), so the alias resolver can be any Python callable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

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


# Endings that sources and aggregators append to titles ("... | Coursera", "... - Free Online Course",
# "... (Self-paced)"); applied to the normalised title, mirrored by $boilerplate in the SQL model.
BOILERPLATE_SQL = (r"( (free online course|online course|free course|self paced|mooc|coursera|edx|udemy|"
                   r"futurelearn|class central))+$")
_BOILERPLATE_RE = re.compile(BOILERPLATE_SQL)


def norm_title(title: str | None) -> str:
    """The normalised full title: ``"Éthique & IA: Part 1 | Coursera"`` -> ``"ethique and ia part 1"``."""
    return _BOILERPLATE_RE.sub("", norm_text(title))


def title_core(title: str | None) -> str:
    """The normalised title without its subtitle (text after ':', '|', ' - ', '(' or '[')."""
    if not title:
        return ""
    core = SUBTITLE_RE.sub("", str(title))
    return norm_text(core) or norm_title(title)


def canonical_url(url: str | None) -> str:
    """Scheme-less, lower-case, no ``www.``, no fragment, tracking parameters dropped, others sorted, no trailing '/'.

    ``HTTPS://www.Coursera.org/learn/ML/?utm_source=x#reviews`` -> ``coursera.org/learn/ml``.
    Mirrors the ``url_canon`` column of ``sql/intermediate/int_match_keys.sql``.
    """
    if not url or not str(url).strip():
        return ""
    u = str(url).strip().lower()
    u = re.sub(r"^[a-z][a-z0-9+.-]*://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = u.split("#", 1)[0]
    path, _, query = u.partition("?")
    path = path.rstrip("/")
    params = sorted(p for p in query.split("&") if p and not TRACKING_PARAMS.match(p.split("=", 1)[0]))
    return path + ("?" + "&".join(params) if params else "")


GENERIC_SEGMENTS = {"info", "home", "about", "overview", "index.html", "index", "course", "courses", "learn"}


def url_slug(url: str | None) -> str:
    """The last meaningful path segment, normalised: ``.../learn/machine-learning/`` -> ``machine learning``.

    Empty unless it has at least 4 characters and a letter (numeric ids collide across sites).
    """
    c = canonical_url(url)
    if not c:
        return ""
    segments = [s for s in c.split("?", 1)[0].split("/")[1:] if s and s not in GENERIC_SEGMENTS]
    if not segments:
        return ""
    slug = re.sub(r"( [0-9]+)+$", "", norm_text(segments[-1]))  # trailing ids: "machine-learning-835"
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
    then: casefold, diacritics, abbreviations (Univ. -> university), stop words ("The", "of") dropped.
    ``"The University of Michigan"`` and ``"Univ. of Michigan"`` both give ``"university michigan"``.
    """
    if not name or not str(name).strip():
        return ""
    raw = str(name)
    if resolver is not None:
        resolved = resolver(raw)
        if resolved:
            raw = resolved
    known = resolve_organisation(raw)
    plain = norm_text(known.name if known.known else raw)
    toks = _org_tokens(plain)
    # word order is not identity: "Michigan University" ~ "University of Michigan" is settled by the scorer
    return " ".join(toks)


def org_acronym(key: str) -> str:
    """Initials of a multi-word organisation key: 'massachusetts institute technology' -> 'mit'."""
    toks = key.split()
    return "".join(t[0] for t in toks) if len(toks) >= 2 else ""


NUMBER_WORDS = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8",
                "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_YEAR_RE = re.compile(r"^(19|20)\d\d$")


def title_numbers(norm: str) -> str:
    """Sorted distinct number tokens of a normalised title, years excluded ("Part II" and "Part 2" agree)."""
    out = set()
    for t in norm.split():
        if _YEAR_RE.match(t):
            continue
        if t.isdigit():
            out.add(str(int(t)))
        elif t in NUMBER_WORDS and t not in {"i"}:
            out.add(NUMBER_WORDS[t])
    return " ".join(sorted(out))


def title_codes(norm: str) -> str:
    """Sorted distinct tokens of a normalised title that mix letters and digits ("cs50", "pslx350h")."""
    if not re.search(r"[0-9]", norm):
        return ""
    toks = {t for t in norm.split() if len(t) >= 3 and re.search(r"[0-9]", t) and re.search(r"[a-z]", t)}
    return " ".join(sorted(toks))


def run_markers(title: str | None, url: str | None) -> str:
    """Markers of a course run: years in the title and edX run codes (``2T2023``) in title or URL. Two records with different markers are
    two runs of one course (an equivalence), never duplicates. Mirrors ``run_key`` in the SQL model."""
    title_l = (title or "").lower()
    found = {m[1] for m in re.findall(r"(^|[^0-9])((?:19|20)[0-9][0-9])([^0-9]|$)", title_l)}
    found |= set(re.findall(r"\b[1-4]t20[0-9][0-9]\b", f"{title_l} {(url or '').lower()}"))
    return " ".join(sorted(found))
