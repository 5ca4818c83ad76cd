"""Text forms shared by the skill index and its scorer: normalised strings, word stems, keys, common words.

A label and a skill string are compared through three keys, from strict to loose:
``normalise`` (lower case, accents and punctuation folded), ``joined`` (the same without spaces: "Power Apps"
== "PowerApps") and ``stem_key`` (the sorted set of content-word stems, British spelling folded to American:
"Active Listening" == "listen actively", "project management" == "manage projects").

Word forms the Snowball stemmer keeps apart although they name one activity ("administration" / "administer",
"analysis" / "analyse", "resolution" / "resolve") are folded into one stem, and tags' words that the frameworks
write otherwise ("IT" / "ICT", "tools" / "software") give a string a variant in the frameworks' words
(``variant_of``): both from the documented table ``data/vocabulary.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
STOPWORDS = frozenset("a an the and or of for in on with to by from as at into its your you our using i ii iii iv".split())
# Words that say "a skill" without naming one; dropped from stem keys ("Python skills" == "Python").
FILLER = frozenset(
    """skill skills basics basic fundamentals fundamental introduction intro principles essentials essential
    foundations foundation introductory beginner beginners beginning advanced intermediate overview concepts
    course courses complete guide masterclass bootcamp everyone 101 i ii iii iv""".split()
)
# Verbs ESCO puts before a skill's object ("use databases", "apply first aid"): the noun phrase names it too.
GENERIC_VERBS = frozenset(
    "use utilise utilize apply perform demonstrate implement operate carry conduct practise show provide exhibit".split())
# -ise spellings that are not the British form of an -ize word.
_ISE_WORDS = frozenset(
    """exercise advise expertise enterprise otherwise premise promise compromise franchise merchandise supervise
    revise televise surprise improvise devise comprise despise disguise concise precise noise raise praise
    cruise wise rise poise arise chastise demise excise incise likewise clockwise reprise treatise anise""".split()
)


_KEPT = frozenset(map(ord, "abcdefghijklmnopqrstuvwxyz0123456789+#"))  # what survives _PUNCT


class _Fold(dict):
    """``str.translate`` table applied after NFKD, filled per character met (one C loop, not a Python call per
    character): a combining mark (an accent) goes; any other non-ASCII character whose lower case holds no
    kept letter becomes the space ``_PUNCT`` would make of it, so most texts are ASCII from then on."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        if unicodedata.combining(ch):
            self[code] = None
        elif code < 128 or any(ord(c) in _KEPT for c in ch.lower()):
            self[code] = code
        else:
            self[code] = 32
        return self[code]


_FOLD = _Fold()
_SPACES = {c: c if c in _KEPT else 32 for c in range(128)}  # _PUNCT for ASCII text, as a translate table
_DOTTED = re.compile(r"\.(?<=[a-z]\.)(?=[a-z])")  # starts with its literal: the engine jumps from dot to dot
_PUNCT = re.compile(r"[^a-z0-9+#]+")
_SHORT = 200  # strings up to this length (tags, labels, their parts) recur across lookups: cached


def normalise(text: str | None) -> str:
    """Lower-case, accent-folded, punctuation-light form used for every comparison."""
    if not text:
        return ""
    return _normalise_short(text) if len(text) <= _SHORT else " ".join(words(text))


@lru_cache(maxsize=262144)
def _normalise_short(text: str) -> str:
    return " ".join(words(text))


def words(text: str | None) -> list[str]:
    """The words of ``normalise(text)``."""
    if not text:
        return []
    t = text
    if not t.isascii():
        t = unicodedata.normalize("NFKD", t).translate(_FOLD)
    t = t.lower().replace("&", " and ")
    if "." in t:
        t = _DOTTED.sub("", t)  # node.js -> nodejs, asp.net -> aspnet
    return (t.translate(_SPACES) if t.isascii() else _PUNCT.sub(" ", t)).split()


def joined(text: str) -> str:
    return normalise(text).replace(" ", "")


def _americanise(word: str) -> str:
    if (m := re.fullmatch(r"(\w{3,})ys(e|es|ed|ing|er|ers)", word)) and not word.endswith("ysses"):
        return f"{m.group(1)}yz{m.group(2)}"  # analyse -> analyze, paralysed -> paralyzed
    m = re.fullmatch(r"(\w{3,})is(e|es|ed|ing|er|ers|ation|ations)", word)
    if m and word not in _ISE_WORDS and not any(word.startswith(w) for w in _ISE_WORDS):
        return f"{m.group(1)}iz{m.group(2)}"
    return word.replace("tre", "ter") if word in ("centre", "centres", "metre", "metres") else word


VOCABULARY = Path(__file__).with_name("data") / "vocabulary.csv"


def _read_vocabulary() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """``data/vocabulary.csv``: (word forms folded into one stem, word -> the words the frameworks write, the
    words of those that are acronyms or other names of the thing, "K8s" of Kubernetes)."""
    forms, variants, acronyms = {}, {}, set()
    with open(VOCABULARY, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (forms if row["kind"] == "form" else variants)[row["word"]] = row["to"]
            if row["kind"] in ("acronym", "autonym"):  # another name of the thing: its words stand for the string's
                acronyms.add(row["word"].lower())
    return forms, variants, frozenset(acronyms)


_FORMS, _VARIANTS, _ACRONYMS = _read_vocabulary()
_FORM_STEMS = {_STEMMER.stemWord(_americanise(w)): _STEMMER.stemWord(_americanise(t)) for w, t in _FORMS.items()}


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    s = _STEMMER.stemWord(_americanise(word))
    return _FORM_STEMS.get(s, s)


# a table word as a word of the string: upper-case entries ("IT") only as written, the others in any case
_VARIANT_RE = re.compile("|".join(
    rf"(?<![\w-]){re.escape(w)}(?![\w-])" if w.isupper() else rf"(?i:(?<![\w-]){re.escape(w)}(?![\w-]))"
    for w in sorted(_VARIANTS, key=len, reverse=True)))
_VARIANT_LOWER = {w.lower(): t for w, t in _VARIANTS.items() if not w.isupper()}
# the table's first words, case folded: a string with none of them has no table word (a cheap test before the
# regex, whose cost grows with the table)
_VARIANT_FIRST = frozenset(w.split()[0].casefold() for w in _VARIANTS)
_WORD_RUN = re.compile(r"\w+")


def _no_table_word(raw: str) -> bool:
    return _VARIANT_FIRST.isdisjoint(_WORD_RUN.findall(raw.casefold()))


@lru_cache(maxsize=65536)
def variant_of(raw: str) -> str | None:
    """The string in the frameworks' words (``data/vocabulary.csv``: "IT Security" -> "ICT Security",
    "Collaboration apps" -> "Collaboration software"), or None when it has no such word."""
    if not raw or _no_table_word(raw) or not _VARIANT_RE.search(raw):
        return None
    own = set(words(raw))

    def swap(m: re.Match) -> str:  # not twice: "Software Development Tools" is no "... software"
        to = _variant_for(m.group(0))
        return m.group(0) if set(words(to)) & own else to

    out = _VARIANT_RE.sub(swap, raw)
    return out if out != raw else None


def _variant_for(word: str) -> str:
    """The frameworks' words for a table word as the string writes it (upper-case entries only as written)."""
    return _VARIANTS.get(word) or _VARIANT_LOWER[word.lower()]


def tokens(text: str) -> list[str]:
    """Content-word stems of a string, in order (stop words dropped)."""
    if not text:
        return []
    return list(_tokens_short(text)) if len(text) <= _SHORT else word_stems(words(text))


@lru_cache(maxsize=262144)
def _tokens_short(text: str) -> tuple[str, ...]:
    return tuple(word_stems(words(text)))


def word_stems(words: list[str]) -> list[str]:
    """``tokens`` of the words of an already normalised string."""
    return [stem(w) for w in words if w not in STOPWORDS]


def stem_key(text: str) -> tuple[str, ...]:
    """Order-free content stems without filler words; empty when nothing is left."""
    if text and len(text) <= _SHORT:
        return _stem_key_short(text)
    return key_of(tokens(text))


@lru_cache(maxsize=262144)
def _stem_key_short(text: str) -> tuple[str, ...]:
    return key_of(_tokens_short(text))


def key_of(stems) -> tuple[str, ...]:
    return tuple(sorted({t for t in stems if t not in _FILLER_STEMS}))


_FILLER_STEMS = frozenset(stem(w) for w in FILLER)


def expansion_stems(raw: str) -> set[str]:
    """The stems of the expansions of the acronyms the string writes (``data/vocabulary.csv``, kind acronym, and a
    language's own name, kind autonym): a variant's words that stand for the string's own ("K8s" -> Kubernetes,
    "Español" -> Spanish)."""
    out: set[str] = set()
    if _no_table_word(raw):
        return out
    for m in _VARIANT_RE.finditer(raw):
        w = m.group(0)
        if w.lower() in _ACRONYMS:
            out.update(tokens(_variant_for(w)))
    return out
