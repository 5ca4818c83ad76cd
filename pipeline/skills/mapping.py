"""Mapping free skill strings, titles and learning outcomes to ESCO and O*NET concepts.

For a short skill string (a tag such as "Active Listening" or "Tableau"), per framework, tiers from sure to
fuzzy (``SkillMapper._match``); the first that yields a concept decides:

1. **Same label**: the whole string equals a label under one of the keys of ``pipeline.skills.lexical``
   (normalised text; joined, "Power BI" == "PowerBI"; word stems, order-free and without filler words, so
   "Active Listening" == "listen actively"; a leading generic verb dropped, "spreadsheets" == "use spreadsheets
   software"; the object of an ESCO skill's verb, "Big Data" == "analyse big data"; a trailing version
   number aside, "CSS3"). Accepted unless a false-friend rule fires. When several concepts carry the label,
   the preferred-label match, the concept whose own label holds the words, the unsegmented, the more specific
   one leads (``_preference``), instead of refusing for want of a margin.
2. **A part**: the same for each part of the string (split at ``:`` ``,`` ``&`` "and" ...) and for its subject
   without a course frame ("Introduction to", "Getting Started with", "for Everyone", "Part 1").
3. **A phrase inside it**: a label found as a phrase; a product family first ("Azure Monitor" -> O*NET's
   *Microsoft Azure software*); one word only when the label writes it as a name ("Azure", "Korean").
4. **A product for ESCO**: the ESCO skill named like the kind of software O*NET files the product under
   ("Microsoft PowerPoint" -> *Presentation software* -> *use presentation software*).
5. **Semantic** (optional, off by default; ``pipeline.skills.semantic``): the BM25 candidate closest in
   meaning by a local sentence encoder, when very close.
6. **Scorer**: a logistic model over BM25 candidates (features: which key matched, coverage both ways, BM25
   rank, preferred or alternative label, fuzzy ratio, concept kind, the string's words in the concept's
   labels and description; with the encoder also the cosine to the label and to the preferred label) and an
   acceptance model on the best, fitted on the tuning pairs the rules above leave open
   (``evaluation/evaluate_skill_mapping.py --fit [--semantic DIR]`` writes ``data/scorer.json`` or
   ``data/scorer_semantic.json``; ``--cv K`` estimates it on folds it was not fitted on); it accepts little.

**Grammar**: a kind in parentheses qualifies the name before it ("Docker (Software)": no subject of its own;
an acronym there is another name, "(SEO)"); a one-word string is not its doer ("Transform" is no
"transformer"); only a preferred label that starts with a verb lends its object ("analyse big data", not
"electronic unit testing"); one word of a string's part never matches one word cut from a field's name.
Concepts sharing a label are ranked by the string's other words, then as in tier 1; each that lost the tie
scores 0.1 lower (so "First Aid" is *first aid emergency care*, not also *first aid for animals* at par).

**Products and kinds** (session 6): a product's own name inside its label is the product ("Camtasia" of
"TechSmith Camtasia", "Adobe Lightroom" of "Adobe Photoshop Lightroom", "SketchUp" of "Trimble SketchUp Pro"),
when it is distinctive (no everyday word, or written as a name) and no term of its own; "React.js" and
"AngularJS" are React and Angular (for ESCO a JavaScript framework), "Tableau Software" is Tableau; a product's
O*NET kind finds the ESCO skill with a plural aside. The kind in parentheses ("C++ (Programming Language)") is
no O*NET product, and for ESCO the field a product belongs to ("PyTorch (Machine Learning Library)"). Inside a
longer string O*NET's kinds of software (sentence case) never match a narrower activity ("Social Media
Advertising" is no *Social media software*), a part never matches by a verb's object, and a segmented concept's
cut label does not count. One word matched by its stem keeps its part of speech ("Analytics" is no
"Analytical").

**False friends**: when every word the string shares with a label is a short word or an acronym or name that
is also a common English word (FIRST, APPS, Go, Spark, R), the match needs another word of the string that the
concept's own labels or description contain ("Statistics and R"; O*NET technologies borrow the description of
the ESCO concept with the same label), or the string must write it as a name ("R Programming", "Windows 11",
"Getting Started with Go"); otherwise it is refused ("First Aid" is not FIRST software, "Power Apps" is not
APPS). A product's vendor-less alias in everyday words that ESCO has as a term is the term ("Web Services"
is not *Amazon Web Services*); inside a title of four words or more a one-word name as common as "Zoom" needs
support. A string naming an occupation ("Software Developers", from O*NET's occupation titles) gets nothing
but an exact label. ``MAPPER_VERSION`` changes whenever any of this does.

**The frameworks' words** (session 9): word forms of one activity share a stem and a string with a tag word
the frameworks write otherwise is also tried in their words ("IT Project Management" -> "ICT ...", "K8s" ->
"Kubernetes"; ``lexical.variant_of``, the documented table ``data/vocabulary.csv``); an ESCO skill is also named
without its verb and the kind of thing it names ("Cost Accounting" == "perform cost accounting activities"); a
product's name beside work done on software is the product ("Linux administration"); examples in parentheses
are not the subject; a lower-case ESCO term before a noun of the string modifies it ("software development
lifecycle"); for ESCO, when nothing else fits, a programming language it does not name is *computer
programming* and the one term an adjective narrows is the term ("Image Processing").

**Titles as titles are written** (session 12): a field is named by a title's one-word part or as the head of a
short phrase when the head is named as a field and is not an everyday word ("Ecology: ...", "Landscape Ecology",
"AP Physics 1"; not "Financial Technology"), since a narrower field's broader concept is the best ESCO has. The
languages are what ESCO lets one write and understand written (so "Ancient Greek", "Latin" too), and a language
of two words or after other languages ("in Urdu & Hindi") follows the subject rule. A name with a version is
weighed as the name ("ES6" is the short word ES, "HTML5" is HTML). Course frames and levels in the catalogues'
other languages are frames ("Introducción a R", "Word intermedio"); a language's own name is the language
("Español"; vocabulary kind autonym). A name in capitals as the tool of a title is the tool ("... with R": a
letter is no everyday word there); a vendor that is its own product and stands alone once is the product
("... publicidad en Facebook"); a name right after another capitalised technology name is a part of that one
("HTML5 Canvas" is no Canvas LMS, "Spark SQL" no SQL); a part that only names the kind of thing ("Programming
Language"), or a course-frame word alone ("Guide"), is no subject.

**A title's tool and the taxonomy's names** (session 13): for O*NET a product a title names as its tool ("... on
Fusion 360", "... with SPSS: ...") leads over the kind of software of the activity it is used for; a head noun after
"and" closing a longer conjunct shares its modifier ("Vulnerability Assessment and Management" is no *management*);
a part's language must be its subject ("Foundations in italiano"); a name with ``+`` or ``#`` ("C++", "C#") is no
everyday word.

**The O*NET class of a product ESCO lacks** (session 13b): for ESCO, when no rule matched and the string names an
O*NET technology example as a product (O*NET's own match, with its false-friend refusals), the ESCO concept(s) the
reviewed crosswalk ``data/onet_commodity_esco.csv`` gives for its commodity ("Tableau" is *Business intelligence and
data analysis software* -> *data visualisation software*; method ``crosswalk``), unless the row excepts the example.

Titles, outcomes and descriptions are running text: only whole labels found as word n-grams count, with
the same false-friend rule and without one-word lower-case labels.

``map_credential_skills(con)`` writes ``credential_skills`` (one row per credential, concept and origin):
uid, skill_id (NULL when nothing matched), framework, raw, origin (skills | alignment | title |
learning_outcomes | description), method, score, matched_label, framework_version, skill_key (skill_id, or
``text:<normalised raw>`` when unmapped), central (the credential is about the skill: stated by the source,
or in its title or outcomes; a skill found only in the description is merely mentioned), weight (0..1).
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import NamedTuple

from rapidfuzz.fuzz import token_sort_ratio

from .lexical import (
    FILLER, GENERIC_VERBS, STOPWORDS, expansion_stems, key_of, normalise, stem, stem_key, tokens, variant_of, word_stems,
)
from .taxonomy import _VENDORS, ESCO_VERSION, GENERIC_WORDS as _GENERIC_WORDS, ONET_VERSION, load_taxonomy

# Bumped on every change to the scorer, rules or taxonomy that can change a match: reuse of earlier
# credential_skills rows (the incremental refresh) is keyed on it.
MAPPER_VERSION = "2026-12-03.5"
FRAMEWORKS = ("esco", "onet")
VERSIONS = {"esco": ESCO_VERSION, "onet": ONET_VERSION}
SCORER_PATH = Path(__file__).with_name("data") / "scorer.json"
SEMANTIC_SCORER_PATH = SCORER_PATH.with_name("scorer_semantic.json")  # fitted with the encoder's features
BM25_TOP = 12
SEMANTIC_TOP = 40  # with an encoder the scorer sees more BM25 candidates: meaning may rank a lower one first
SEMANTIC_FEATURES = ("sim", "sim_pref", "sim_rank")
TITLE_ZIPF = 3.5  # inside a title of four words or more a one-word name this common needs support too ("Zoom")
COMMON_ZIPF = 3.9  # wordfreq Zipf frequency from which a word is everyday English ("spark" 3.99, "excel" 3.73)
FIELD_ZIPF = 4.7  # a field's name this common ("technology" 5.1) heads too many phrases to name the field
HEAD_LABELS = 50  # a word ending this many ESCO labels of two words or more is a head noun ("management", "design")
LOWER_ZIPF = 3.0  # a name the string writes in lower case is the English word from here ("angular momentum")

CREDENTIAL_SKILLS_DDL = """
CREATE OR REPLACE TABLE credential_skills (
    uid VARCHAR NOT NULL,
    skill_id VARCHAR,
    framework VARCHAR,
    raw VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    score DOUBLE,
    matched_label VARCHAR,
    framework_version VARCHAR,
    skill_key VARCHAR NOT NULL,
    central BOOLEAN,
    weight DOUBLE
)
"""
# origin -> (central?, weight factor)
_POOL_MIN = 2_000  # credentials below which one process maps them all (a pool costs ~0.1 s to start)
SKILL_WORKERS = "CREDCAT_SKILL_WORKERS"  # processes answering the distinct strings (default 1: see skill_workers)
ORIGINS = {"skills": (True, 1.0), "alignment": (True, 1.0), "title": (True, 0.9),
           "learning_outcomes": (True, 0.8), "description": (False, 0.4)}


def text_key(raw: str) -> str:
    return "text:" + normalise(raw)


@dataclass(frozen=True)
class SkillMatch:
    """One concept for one input string. ``id`` is the public identifier: the ESCO URI, the O*NET commodity
    code or the O*NET technology example name."""

    skill_id: str
    label: str
    framework: str
    score: float
    evidence: str
    id: str = ""
    method: str = ""
    matched_label: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "skill_id": self.skill_id, "label": self.label, "framework": self.framework,
                "score": self.score, "evidence": self.evidence}


@dataclass
class _Concept:
    skill_id: str
    framework: str
    label: str
    public_id: str
    kind: str  # skill/competence | knowledge | group (ESCO hierarchy, ISCED-F) | commodity | technology
    context: frozenset[str] = field(default_factory=frozenset)  # stems of its labels, description, parent
    segmented: bool = False  # labels cut from a run-together string (scripts/build_esco_pillar.py): less sure
    parent_label: str = ""  # an O*NET technology's commodity ("Presentation software" of Microsoft PowerPoint)
    hot: bool = False  # O*NET's hot technology: widely used, so an everyday word that is its name may mean it


@dataclass
class _Entry:
    concept: int
    label: str
    pref: bool
    norm: str
    stems: tuple[str, ...]
    ambiguous: frozenset[str]  # stems of this label that are false-friend words
    part: bool = False  # one subject of a field's name ("humanities" of "arts and humanities")


FEATURES = ("bias", "exact", "joined", "stem_eq", "cov_query", "cov_label", "pref", "fuzzy", "bm25_rank",
            "extra_words", "single_word_query", "group", "knowledge", "commodity", "segmented", "same_words",
            "ctx_cov", "head", "light_extra")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """How common ``word`` is in English (wordfreq's Zipf). A word with ``+`` or ``#`` ("c++", "c#") is a name no
    English text writes as a word: 0 (wordfreq drops the symbols and answers for the letter "c", 5.3)."""
    from wordfreq import zipf_frequency

    if "+" in word or "#" in word:
        return 0.0
    return zipf_frequency(word, "en")


def ambiguous_words(label: str, everyday: set[str]) -> frozenset[str]:
    """Stems of the words of ``label`` that, written as they are, name something an everyday word also means:
    one- or two-letter names (R, C, Go), acronyms that spell a common word (FIRST, APPS), and capitalised
    names that are common words which the taxonomy's own prose also writes in lower case (Spark, Go).
    Lower-case words in a label mean what they say ("first aid"); "English" is never written "english"."""
    out = set()
    words = label.split()
    if len(words) > 1 and all(not _CASED.fullmatch(w) for w in words[1:]):
        label = " ".join(words[1:])  # sentence case ("Project management software"): the capital says nothing
    for core in _CASED_SYMBOL.findall(label):
        low = core.lower()
        if core.isdigit() or low[-1] in "+#":
            continue  # "C++", "C#", "Notepad++": the symbol makes it a name no English word spells
        if len(low) <= 2 or (_zipf(low) >= COMMON_ZIPF and (core.isupper() or low in everyday)):
            out.add(stem(low))
    return frozenset(out)


class SkillMapper:
    """Indexes every label of both frameworks once; ``match`` is then cheap (and cached)."""

    def __init__(self, rows: list[tuple], scorer: dict | None = None):
        """rows: (skill_id, framework, label, alt_labels, concept_type, description, parent label, uri, code,
        collections[, hot_technology])."""
        self.concepts: list[_Concept] = []
        self.entries: dict[str, list[_Entry]] = {f: [] for f in FRAMEWORKS}
        self.keys: dict[str, dict[str, dict[object, list[int]]]] = {
            f: {"norm": {}, "joined": {}, "stem": {}, "object": {}, "kind": {}, "narrow": {}} for f in FRAMEWORKS}
        self.by_id: dict[str, int] = {}
        self.field_heads: dict[str, list[int]] = {}  # see _field_head
        # words ESCO's own labels write in lower case ("go to", "spark erosion") in at least two labels: one odd
        # label ("Db.linux") does not make a name an everyday word
        seen_lower: dict[str, int] = {}
        for row in rows:
            if row[1] == "esco":
                for label in [row[2], *(row[3] or [])]:
                    for w in set(_LOWER.findall(label)):
                        seen_lower[w] = seen_lower.get(w, 0) + 1
        everyday = {w for w, n in seen_lower.items() if n >= 2}
        self.everyday = frozenset(everyday)
        self.occupation_words = _occupation_words()
        # ESCO writes a skill's preferred label as a verb and its object: their first words are the verbs
        verbs = {stem(normalise(r[2]).split()[0]) for r in rows if r[1] == "esco" and r[4] == "skill/competence"
                 and normalise(r[2])}
        # words a label may add to a string's without saying more: a verb, the kind of thing (the scorer's
        # "light_extra")
        self.light_words = frozenset(verbs | _GENERIC_STEMS | _ACTIVITY_KINDS | _THING_KINDS)
        for sid, fw, label, alts, ctype, desc, parent_label, uri, code, collections, *hot in rows:
            ci = len(self.concepts)
            segmented = "segmented-labels" in (collections or [])
            # a lower-case one-word cut of a run-together string is too unsure; an acronym ("GIS") is not
            names = [label] + [a for a in (alts or []) if a and a != label
                               and not (segmented and " " not in a.strip() and a.islower())]
            kind = _kind(fw, sid, ctype)
            parts = 0
            if "isced-f" in sid:  # a field of education names each of its parts ("arts and humanities")
                extra = [p for p in _field_parts(label) if p not in names]
                names += extra
                parts = len(extra)
            if segmented:  # the run starts with the preferred label: its leading words may be the whole of it
                words = label.split()
                names += [" ".join(words[:k]) for k in range(len(words) - 1, 0, -1)
                          if k >= 2 or not words[0].islower()]
            if fw == "onet" and kind == "technology" and (bare := re.sub(r"\.js$", "", label, flags=re.I)) != label \
                    and bare not in names and _zipf(bare.lower()) < LOWER_ZIPF:
                names.append(bare)  # a JavaScript library is named without ".js" too ("Vue"; not "Node" nor "Backbone": words)
            name_stems = [tuple(tokens(name)) for name in names]
            context = set(tokens(parent_label or ""))
            for st in name_stems:
                context.update(st)
            context.update(stem(w) for w in _WORD.findall((desc or "").lower()) if w not in STOPWORDS)
            public = uri if fw == "esco" and uri else (code if kind == "commodity" else label)
            self.concepts.append(_Concept(sid, fw, label, public, kind, frozenset(context), segmented,
                                          parent_label or "", bool(hot and hot[0])))
            self.by_id[sid] = ci
            if segmented and (head := normalise(label).split()[:1]) and (
                    _FIELD_DESC.match(desc or "") or _FIELD_NAME.search(head[0])):
                self.field_heads.setdefault(head[0], []).append(len(self.entries[fw]))  # its preferred label
            for i, name in enumerate(names):
                n = normalise(name)
                if not n or (i and {n.split()[0], n.split()[-1]} & STOPWORDS):  # a cut mid-phrase ("ethics of")
                    continue
                ei = len(self.entries[fw])
                st = name_stems[i]
                amb = ambiguous_words(name, everyday)
                if i and kind == "technology" and _bare_alias(n, label, bool(hot and hot[0])):
                    amb |= set(st)  # "Persuasion" of *Adobe Persuasion*, "Autodesk" of *Autodesk VIZ*
                self.entries[fw].append(_Entry(ci, name, i == 0, n, st, frozenset(amb),
                                               part=i >= len(names) - parts))
                k = self.keys[fw]
                k["norm"].setdefault(n, []).append(ei)
                k["joined"].setdefault(n.replace(" ", ""), []).append(ei)
                for sk in _keys(st, n.split()[0] in GENERIC_VERBS):
                    k["stem"].setdefault(sk, []).append(ei)
                if i == 0 and kind == "skill/competence" and name.islower() and st[0] in verbs and \
                        (bare := key_of(t for j, t in enumerate(st) if t != _SOFTWARE_STEM and not (j == 0 and t in _VERB_STEMS))) \
                        and len(bare) < len(key_of(st)) - (st[0] in _VERB_STEMS):
                    k["stem"].setdefault(bare, []).append(ei)  # a verb of software: "debug software" is debugging
                # an ESCO skill is a verb and its object ("analyse big data"): the object of its preferred label
                # names it too (an alternative label's object is often another activity: "manage natural
                # environments" of *manage habitats*)
                if i == 0 and kind == "skill/competence" and len(st) >= 3 and name.islower() and st[0] in verbs and \
                        n.split()[0] not in GENERIC_VERBS and len(obj := key_of(st[1:])) == len(set(st[1:])) >= 2:
                    k["object"].setdefault(obj, []).append(ei)
                # ESCO ends many a skill with the kind of thing its object is ("perform cost accounting activities",
                # "implement data warehousing techniques", "use back-up and recovery tools"): without its verb and
                # that kind word, the label is the subject a tag names ("Cost Accounting")
                # (an activity's kind after any verb but "teach", which makes the subject another skill; a thing's
                # kind, "software", "equipment", only after a verb of using it or none: "maintain robotic
                # equipment" is no robotics)
                verb = st[0] in verbs and len(st) >= 3
                if i == 0 and fw == "esco" and kind in ("skill/competence", "knowledge") and name.islower() and \
                        len(st) >= 3 and (st[-1] in _ACTIVITY_KINDS and not (verb and st[0] == _TEACH) or
                                          st[-1] in _THING_KINDS and not (verb and st[0] not in _VERB_STEMS)) and \
                        len(core := key_of(st[1:-1] if verb else st[:-1])) >= 2 and \
                        not set(core) <= _GENERIC_STEMS | _VERB_STEMS:
                    k["kind"].setdefault(core, []).append(ei)
                # a term narrowed by an adjective ("pharmaceutical drug development", "artificial neural networks"):
                # the tag that leaves the adjective out names it when nothing else does
                ws = n.split()
                if fw == "esco" and name.islower() and len(ws) >= 3 and _ADJECTIVE.search(ws[0]) and \
                        ws[1] not in STOPWORDS and len(core := key_of(st[1:])) >= 2 and \
                        not set(core) <= _GENERIC_STEMS | _VERB_STEMS:
                    k["narrow"].setdefault(core, []).append(ei)
        self._share_context()
        self.names = {fw: self._name_index(fw) for fw in FRAMEWORKS}
        self.pillars = frozenset(normalise(c.label) for c in self.concepts if _PILLAR.fullmatch(c.skill_id))
        # one-word languages ("Chinese"): inside a longer string only the subject (``_language_subject``)
        # languages ("Chinese", "Ancient Greek"): the ESCO knowledge concepts one can write and understand written
        # (ESCO has "write X" and "understand written X" for each; not every one has a parent "languages")
        esco_labels = {normalise(c.label) for c in self.concepts if c.framework == "esco"}
        self.languages = frozenset(n[6:] for n in esco_labels if n.startswith("write ") and
                                   f"understand written {n[6:]}" in esco_labels and n[6:] in esco_labels)
        self.language_words = max((n.count(" ") + 1 for n in self.languages), default=0)
        # words ESCO's descriptions write in lower case in two or more: English words, whatever wordfreq says of
        # an acronym that spells them ("first", "base"; not "sql", "gis")
        prose: dict[str, int] = {}
        for row in rows:
            if row[1] == "esco":
                for w in set(_LOWER.findall(row[5] or "")):
                    prose[w] = prose.get(w, 0) + 1
        self.prose_words = frozenset(w for w, n in prose.items() if n >= 2)
        # every label's words without a final "s" ("_plural_free"): ``_phrases`` keeps only a label whose words
        # are the n-gram's, a plural aside (``_inflection``), so an n-gram not in here has no label to find
        self.singular = {fw: frozenset(map(_plural_free, self.keys[fw]["norm"])) for fw in FRAMEWORKS}
        # the first word of an O*NET product named after itself ("Splunk Enterprise", "Pentaho Kettle"): concepts
        self.leads: dict[str, list[int]] = {}
        for ei, e in enumerate(self.entries["onet"]):
            c = self.concepts[e.concept]
            if e.pref and c.kind == "technology" and " " in e.label and not _sentence_case(e.label) and \
                    e.label.split()[0][:1].isupper():
                self.leads.setdefault(normalise(e.label.split()[0]), []).append(ei)
        # how many ESCO labels of two words or more end in each word ("management" 597, "statistics" 12): a
        # word that heads that many compounds is a head noun (``_elided_head``)
        heads: dict[str, int] = {}
        for e in self.entries["esco"]:
            if " " in e.norm:
                w = e.norm.rsplit(" ", 1)[1]
                heads[w] = heads.get(w, 0) + 1
        self.head_nouns = frozenset(w for w, n in heads.items() if n >= HEAD_LABELS)
        self.crosswalk = self._crosswalk_index(rows)
        self.bm25 = {fw: BM25([e.stems for e in self.entries[fw]]) for fw in FRAMEWORKS}
        self.scorer = scorer if scorer is not None else load_scorer()
        self.match = lru_cache(maxsize=65536)(self._match)
        self._lexical_memo = lru_cache(maxsize=65536)(self._lexical_tuple)
        self.max_ngram = 6
        self.semantic = None  # an optional sentence encoder (pipeline.skills.semantic), off by default
        self.semantic_threshold = 1.0

    def _crosswalk_index(self, rows: list[tuple]) -> dict[int, tuple[tuple[int, ...], str]]:
        """O*NET technology concept -> (ESCO preferred-label entries, why) by ``data/onet_commodity_esco.csv``: its
        family's row (a vendor's cloud) or else its commodity's, unless the row excepts it by name."""
        table = read_crosswalk()
        if not table:
            return {}
        code_of = {r[2]: r[8] for r in rows if r[1] == "onet" and r[4] == "commodity"}  # commodity title -> code
        pref = {}
        for ei, e in enumerate(self.entries["esco"]):
            if e.pref:
                pref.setdefault(self.concepts[e.concept].skill_id, ei)
        out = {}
        for ci, c in enumerate(self.concepts):
            if c.framework != "onet" or c.kind != "technology":
                continue
            row = table.get(c.skill_id)
            if row is None and (row := table.get(code_of.get(c.parent_label, ""))) is not None and \
                    c.label in row["except"]:
                row = None
            if row is None:
                continue
            entries = tuple(pref[sid] for sid in row["esco_ids"] if sid in pref)
            if entries:
                how = (f"O*NET's {c.label!r} is a service of a cloud family" if row["onet_id"].startswith("onet:")
                       else f"O*NET files {c.label!r} under {row['onet_label']!r}")
                out[ci] = (entries, how)
        return out

    def _share_context(self) -> None:
        """An O*NET technology has no description: it borrows the context of the ESCO concepts that carry one of
        its labels ("R" is a statistics language in ESCO), so "Statistics and R" finds O*NET's R too."""
        esco_norm = self.keys["esco"]["norm"]
        extra: dict[int, set[str]] = {}
        for e in self.entries["onet"]:
            for ei in esco_norm.get(e.norm, []):
                extra.setdefault(e.concept, set()).update(self.concepts[self.entries["esco"][ei].concept].context)
        for ci, words in extra.items():
            self.concepts[ci].context = self.concepts[ci].context | words

    def _name_index(self, fw: str) -> dict[str, list[tuple[int, frozenset[str]]]]:
        """A product's own name inside its label: the words after a vendor or family written as names and
        before an edition word ("Camtasia" of "TechSmith Camtasia", "Lightroom" of "Adobe Photoshop Lightroom",
        "SketchUp" of "Trimble SketchUp Pro", "Excel" of ESCO's "Microsoft Office Excel"), with the words
        before it (which the string may repeat: "Adobe Lightroom")."""
        out: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for ei, e in enumerate(self.entries[fw]):
            c = self.concepts[e.concept]
            raw = e.label.split()
            if len(raw) < 2 or (fw == "onet" and c.kind != "technology") or not raw[0][:1].isupper():
                continue
            for i in range(1, min(len(raw), 4)):
                if not re.fullmatch(r"[A-Z][A-Za-z]*", raw[i - 1]):
                    break  # the vendor or family is a run of names ("SAP S/4 HANA" is no HANA)
                end = len(raw)
                while end > i + 1 and normalise(raw[end - 1]) in _EDITION_WORDS:
                    end -= 1
                for j in dict.fromkeys((len(raw), end)):
                    if j > i and raw[i][:1].isupper():
                        before = frozenset(normalise(" ".join(raw[:i])).split())
                        out.setdefault(normalise(" ".join(raw[i:j])), []).append((ei, before))
        return out

    def _lead_product(self, raw: str, word: str) -> tuple | None:
        """A one-word name that is no English word (wordfreq Zipf < 3.0) and starts O*NET's label of one product named after itself ("Splunk" of
        *Splunk Enterprise*, "Pentaho" of *Pentaho Kettle*), or of several of which O*NET marks one as widely
        used (hot); never a vendor's name ("Cisco", "Oracle") nor a term."""
        hits = self.leads.get(word, [])
        if not hits or word in _VENDOR_NAMES or _zipf(word) >= LOWER_ZIPF or self._is_term(word):
            return None
        hot = [ei for ei in hits if self.concepts[self.entries["onet"][ei].concept].hot]
        pick = hits if len(hits) == 1 else hot if len(hot) == 1 else []
        if not pick:
            return None
        e = self.entries["onet"][pick[0]]
        return (e, 0.84, "product_name", f"{raw.strip()!r} is the name the label {e.label!r} starts with")

    def _after_name(self, raw: str, word: str) -> bool:
        """Wherever the title writes ``word``, right after (no separator) a technology's name in capitals or with a
        version, a label of either framework and no vendor ("HTML5 Canvas": HTML5's canvas element, not the
        Canvas learning platform; "Apache Spark SQL": Spark's SQL module)."""
        toks = _title_tokens(raw)
        at = [i for i, t in enumerate(toks) if t.lower() == word]
        for i in at:
            before = toks[i - 1] if i else ""
            name = _VERSION.sub("", normalise(before)).strip()
            if not (before[:1].isalnum() and not before.islower() and name and name not in _VENDOR_NAMES and
                    any(name in self.keys[fw]["norm"] and _is_name_of(self, fw, name) for fw in FRAMEWORKS)):
                return False
        return bool(at)

    def _is_language(self, c: _Concept) -> bool:
        """An ESCO language ("Hindi", "Ancient Greek"), not a skill in it ("write Hindi")."""
        return c.framework == "esco" and c.kind == "knowledge" and normalise(c.label) in self.languages

    def _own_product(self, name: str) -> bool:
        """A vendor's name that is also its product's preferred label in O*NET ("Tableau", "SAS")."""
        return any(self.entries["onet"][ei].pref and self.concepts[self.entries["onet"][ei].concept].kind ==
                   "technology" for ei in self.keys["onet"]["norm"].get(name, []))

    def _is_term(self, name: str) -> bool:
        """A name that is also a concept's label of its own ("DevOps", "ERP") or words ESCO writes in lower
        case ("Logistics", "Forecasting"): a term, not one product's name."""
        return any(name in self.keys[fw]["norm"] for fw in FRAMEWORKS) or all(
            w in self.everyday for w in name.split())

    def _product_name(self, text: str, fw: str, qstems: list[str], raw: str) -> list[tuple[_Entry, str]]:
        """Entries whose product's own name (``_name_index``) is ``text``, or ``text`` without a first word
        that the label also has before the name ("Adobe Lightroom"). The name must be distinctive: a word that
        is no everyday English word, or written as a name ("SketchUp", "ChatGPT", "V-Ray")."""
        words = normalise(text).split()
        if not words or len(words) > 4:
            return []
        found = []
        for name, vendor in ((" ".join(words), None), (" ".join(words[1:]), words[0])):
            if not name or not _distinctive(name, text) or self._is_term(name):
                continue
            for ei, before in self.names[fw].get(name, []):
                if vendor is not None and vendor not in before:
                    continue
                e = self.entries[fw][ei]
                c = self.concepts[e.concept]
                if e.norm != normalise(text) and self._false_friend(qstems, e, c, raw) is None:
                    found.append(((vendor is None, self._preference(e, "exact", qstems)), e, "name"))
        return _first_per_concept(found)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("match", None)  # the per-mapper answer cache is rebuilt on load
        state.pop("_lexical_memo", None)
        state["semantic"] = None  # a model is a setting of the process, never part of the cached index
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.match = lru_cache(maxsize=65536)(self._match)
        self._lexical_memo = lru_cache(maxsize=65536)(self._lexical_tuple)

    def use_semantic(self, encoder, threshold: float | None = None) -> None:
        """Turn semantic matching on (an ``Encoder``) or off (None) and forget cached answers."""
        from .semantic import DEFAULT_THRESHOLD

        self.semantic = encoder
        self.semantic_threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        path = SEMANTIC_SCORER_PATH if encoder is not None and SEMANTIC_SCORER_PATH.is_file() else SCORER_PATH
        self.scorer = load_scorer(path)
        self.match.cache_clear()
        self._lexical_memo.cache_clear()

    def use_scorer(self, scorer: dict) -> None:
        """Swap the scorer (the evaluation's threshold sweep) and forget cached answers."""
        self.scorer = scorer
        self.match.cache_clear()
        self._lexical_memo.cache_clear()

    # -- construction ----------------------------------------------------------------------------------
    @staticmethod
    def _rows_sql() -> str:
        return """SELECT s.skill_id, s.framework, s.label, s.alt_labels, s.concept_type, s.description,
                         p.label, s.uri, s.code, s.collections, s.hot_technology
                  FROM skills s LEFT JOIN skills p ON p.skill_id = s.parent ORDER BY s.skill_id"""

    @classmethod
    def from_connection(cls, con) -> SkillMapper:
        """The mapper over a catalogue's ``skills`` table: the cached vendored index when the table holds the
        vendored taxonomy (it always does after ``load_taxonomy``), else one built from the table's rows."""
        vendored = cls.from_vendored()
        n = con.execute("SELECT count(*) FROM skills").fetchone()[0]
        if n == len(vendored.concepts):
            return vendored
        return cls(con.execute(cls._rows_sql()).fetchall())

    @classmethod
    def from_vendored(cls, scorer: dict | None = None) -> SkillMapper:
        """The mapper over the vendored taxonomy; semantic matching on when ``CREDCAT_SKILL_MODEL`` is set."""
        from . import semantic

        mapper = _vendored(json.dumps(scorer, sort_keys=True) if scorer is not None else None)
        path = os.environ.get(semantic.SETTING, "").strip()
        if path and (mapper.semantic is None or str(mapper.semantic.path.parent) != str(Path(path))):
            mapper.use_semantic(semantic.from_setting())
        elif not path and mapper.semantic is not None:
            mapper.use_semantic(None)
        return mapper

    # -- candidates and features -----------------------------------------------------------------------
    def candidates(self, raw: str, fw: str) -> list[tuple[_Entry, dict, str]]:
        """(entry, features, evidence) of every candidate label of ``fw`` for ``raw``, best per concept."""
        n = normalise(raw)
        if not n:
            return []
        qstems = tokens(raw)
        qkey = stem_key(raw)
        k = self.keys[fw]
        hits: dict[int, str] = {}
        for ei in k["norm"].get(n, []):
            hits.setdefault(ei, "exact")
        for ei in k["joined"].get(n.replace(" ", ""), []):
            hits.setdefault(ei, "joined")
        for ei in k["stem"].get(qkey, []) if qkey else []:
            hits.setdefault(ei, "stem")
        ranks: dict[int, int] = {}
        for r, ei in enumerate(self.bm25[fw].top(qstems, SEMANTIC_TOP if self.semantic else BM25_TOP)):
            ranks[ei] = r
            hits.setdefault(ei, "bm25")
        scored = []
        qs = set(qkey) or set(qstems)
        query = _Query(n, n.replace(" ", ""), qs, len(qs), qkey, _head(qstems, qs))
        entries = self.entries[fw]
        for ei, how in hits.items():
            e = entries[ei]
            c = self.concepts[e.concept]
            refusal = self._false_friend(qstems, e, c, raw)
            if refusal is None and how == "bm25" and _name_words(e.label, c.label, fw):
                refusal = f"refused: {e.label!r} is a name, which only the label rules match"  # "angular momentum"
            if refusal is None:  # (a refused candidate is never scored: no features)
                rank = ranks.get(ei)
                f = self._features(query, e, c, how, rank)
                scored.append((e, f, _evidence(how, e, rank, f)))
            else:
                scored.append((e, {"refused": True}, refusal))
        if self.semantic is not None and scored:
            self._add_similarity(raw, scored)
        best: dict[int, tuple[_Entry, dict, str]] = {}
        names, values = self._weights()
        exp = math.exp
        for e, f, evidence in scored:
            # (the weighted sum by ``sum`` in the weights' order, as ever: the same float, on any Python)
            f["p"] = 0.0 if f["refused"] else 1.0 / (1.0 + exp(-sum(map(mul, values, map(f.get, names, _ZEROS)))))
            old = best.get(e.concept)
            if old is None or f["p"] > old[1]["p"]:
                best[e.concept] = (e, f, evidence)
        return sorted(best.values(), key=lambda t: (-t[1]["p"], t[0].label))

    def _weights(self) -> tuple[tuple[str, ...], tuple[float, ...]]:
        """The scorer's non-zero weights as (names, values), in its order; kept until the scorer changes."""
        scorer = self.scorer
        cached = self.__dict__.get("_weights_of")
        if cached is None or cached[0] is not scorer:
            pairs = [(name, v) for name, v in scorer["weights"].items() if v]
            cached = self._weights_of = (scorer, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))
        return cached[1], cached[2]

    def _features(self, q: _Query, e: _Entry, c: _Concept, how: str, rank: int | None) -> dict:
        ls, label_keys, lj, nl = _label_side(e.stems, e.norm)  # the label's half, once per label (not per pair)
        qs, nq = q.stems, q.size
        inter = len(qs & ls)
        cov_query = inter / nq if nq else 0.0
        cov_label = inter / nl if nl else 0.0
        kind = c.kind
        return {
            "bias": 1.0,
            "exact": float(e.norm == q.norm),
            "joined": float(lj == q.joined),
            "stem_eq": float(bool(q.key) and q.key in label_keys),
            "cov_query": cov_query,
            "cov_label": cov_label,
            "pref": float(e.pref),
            "fuzzy": token_sort_ratio(q.norm, e.norm) / 100.0,
            "bm25_rank": 1.0 / (1 + rank) if rank is not None else 0.0,
            "extra_words": min(len(ls - qs), 4) / 4.0,
            "single_word_query": float(nq == 1),
            "group": float(kind == "group"),
            "knowledge": float(kind == "knowledge"),
            "commodity": float(kind == "commodity"),
            "segmented": float(c.segmented),
            "same_words": cov_query * cov_label,
            # the string's words in the concept's labels, description and parent: what a paraphrase shares
            "ctx_cov": len(qs & c.context) / nq if nq else 0.0,
            # the string's head (its last content word: "Spatial *Statistics*") is a word of the label
            "head": float(q.head in ls),
            # the label holds all the string's words and adds only a verb or a kind of thing ("perform cost
            # accounting activities")
            "light_extra": float(bool(nq) and inter == nq and ls - qs <= self.light_words),
            "refused": False,
        }

    def _false_friend(self, qstems: list[str], e: _Entry, c: _Concept, raw: str = "") -> str | None:
        if c.kind == "technology" and not e.pref and not _sentence_case(c.label) and e.norm in self.keys["esco"]["norm"] and \
                all(w in self.everyday for w in e.norm.split()) and set(qstems) <= set(e.stems):
            # a product's name without its vendor in everyday words that ESCO has as a term of its own
            # ("Web Services" of *Amazon Web Services*): the term, not the product
            return f"refused: {e.label!r} names {c.label!r} only with its vendor; alone it is the term"
        if raw and len(e.label) >= 3 and e.label.isupper() and e.label.isalpha() and not raw.islower() and \
                not raw.isupper() and not re.search(r"(?<![A-Za-z])" + e.label + r"(?![A-Za-z])", raw) and \
                (e.label.lower() in self.prose_words or
                 not c.hot and re.search(r"\b(?:the|a|an)\s+(?i:" + e.label + r")\b", raw)):  # "Master the Tuba"
            # an acronym that spells an English word, which a string in mixed case writes as the word ("Your
            # First 10 Guitar Lessons" is no FIRST)
            return f"refused: {e.label!r} is an acronym; the string writes the word {e.label.lower()!r} as a word"
        if not e.ambiguous:
            return None  # (what the test below finds: no false-friend word; most labels, without building sets)
        shared = set(qstems) & set(e.stems)
        if len(shared) != 1 or not shared <= e.ambiguous:
            return None  # two words together ("Microsoft Windows", "Power BI") name the thing
        if raw and _named_as_product(raw, shared):
            return None  # "Windows 11", "Getting Started with Go": written as the name of a thing
        others = [t for t in qstems if t not in shared and len(t) > 1]
        support = [t for t in others if t in c.context]
        if support:
            return None
        words = ", ".join(sorted(shared))
        return f"refused: only the everyday or short word(s) {words!r} link it to {e.label!r}, no context supports it"

    def _add_similarity(self, raw: str, scored: list) -> None:
        """Meaning as scorer features (the optional encoder): the cosine of the string and each candidate's
        label and its concept's preferred label, and the candidate's rank by the first."""
        labels = [t for e, _, _ in scored for t in (e.label, self.concepts[e.concept].label)]
        vecs = self.semantic.encode([raw] + labels)
        sims = vecs[1:] @ vecs[0]
        order = sorted(range(len(scored)), key=lambda i: -float(sims[2 * i]))
        for r, i in enumerate(order):
            f = scored[i][1]
            f["sim"] = float(sims[2 * i])
            f["sim_pref"] = float(sims[2 * i + 1])
            f["sim_rank"] = 1.0 / (1 + r)

    # -- public lookups --------------------------------------------------------------------------------
    def accept_features(self, ranked: list, i: int) -> dict:
        """What the accept/refuse decision on the ``i``-th ranked candidate looks at."""
        f = ranked[i][1]
        nxt = ranked[i + 1][1]["p"] if i + 1 < len(ranked) else 0.0
        p = min(max(f["p"], 1e-6), 1 - 1e-6)
        out = {"bias": 1.0, "rank_logit": math.log(p / (1 - p)), "margin": f["p"] - nxt,
               **{k: f[k] for k in ("exact", "joined", "stem_eq", "cov_query", "cov_label", "pref",
                                    "single_word_query", "group", "segmented", "bm25_rank", "same_words",
                                    "ctx_cov", "head", "light_extra")}}
        if "sim" in f:
            out.update(sim=f["sim"], sim_pref=f["sim_pref"], sim_rank=f["sim_rank"])
        return out

    def accept_prob(self, ranked: list, i: int) -> float:
        a = self.accept_features(ranked, i)
        w = self.scorer.get("accept") or {"rank_logit": 1.0}
        z = sum(w.get(k, 0.0) * v for k, v in a.items())
        return 1.0 / (1.0 + math.exp(-z))

    def _match(self, raw: str, framework: str, top: int = 1) -> tuple[SkillMatch, ...]:
        """The tiers of the module docstring: the first that yields concepts leads, later ones only fill ``top``
        (a string naming an occupation gets nothing but an exact label)."""
        if (core := _EXAMPLES.sub("", raw).strip()) and core != raw:
            raw = core  # "Hot work (e.g., welding, cutting, brazing)": the examples are not the subject
        if normalise(raw) in self.pillars:
            return ()  # "Skills", "Knowledge": the name of a whole pillar of ESCO is no skill
        if (m := _AUDIENCE.fullmatch(raw)) and normalise(m.group(2)).split()[-1:] and \
                normalise(m.group(2)).split()[-1] in self.occupation_words:
            raw = m.group(1)  # "Kotlin for Java Developers": the audience is no subject (nor an occupation)
        picks = self._lexical(raw, framework, top)
        if picks is None:
            return ()
        if not picks and framework == "esco":
            picks = self._via_product(raw) or self._field_head(raw) or self._language_fallback(raw) or \
                self._narrowed(raw) or self._crosswalk(raw)
        if not picks and (alt := variant_of(raw)):
            picks = self._variant_picks(raw, alt, framework, top)
        if not picks and self.semantic is not None:
            picks = self._semantic(raw, framework)  # a close neighbour; the scorer (with its features) after
        if not picks or top > len(picks):
            threshold = self.scorer["threshold"]
            ranked = self.ranked(raw, framework)
            for i, (e, _f, evidence) in enumerate(ranked[:top]):
                score = self.accept_prob(ranked, i)
                if score < threshold:
                    break
                picks.append((e, min(score, 0.79), "scored", evidence))
        out, seen = [], set()
        for e, score, method, evidence in picks:
            c = self.concepts[e.concept]
            if c.skill_id in seen or _PILLAR.fullmatch(c.skill_id):
                continue  # (ESCO's pillars, "skills", "knowledge", name no skill of their own)
            seen.add(c.skill_id)
            out.append(SkillMatch(c.skill_id, c.label, framework, round(score, 4), evidence, c.public_id,
                                  method, e.label))
            if len(out) == top:
                break
        return tuple(out)

    def rule_matches(self, raw: str, framework: str) -> bool | None:
        """Whether the rules (tiers 1-4 and the ESCO fallbacks) decide the string (True: a concept; None: refused
        as an occupation)."""
        picks = self._lexical(raw, framework)
        if picks is None:
            return None
        return bool(picks or (framework == "esco" and (self._via_product(raw) or self._field_head(raw) or
                                                        self._language_fallback(raw) or self._narrowed(raw) or
                                                        self._crosswalk(raw))) or
                    ((alt := variant_of(raw)) and self._variant_picks(raw, alt, framework, 1)))

    def _variant_picks(self, raw: str, alt: str, framework: str, top: int) -> list:
        """Tiers 1-3 on the string in the frameworks' words (``lexical.variant_of``: "IT Project Management"
        -> "ICT Project Management"), a little less sure than on its own words."""
        kept = _kept_stems(raw, alt)
        found = self._lexical(alt, framework, top) or [] if kept else []
        # the match must hold a word of the string's own: the table's word alone is no subject ("Apps" is no
        # "software", "Resolving technical IT issues" no "ICT")
        return [(e, score - 0.02, method, f"{evidence} (as {alt!r}, in the framework's words)")
                for e, score, method, evidence in found if kept & set(e.stems)]

    def ranked(self, raw: str, framework: str) -> list[tuple[_Entry, dict, str]]:
        """The scorer's candidates, best first, refused ones left out: those of the string and, when it has
        one, of its variant in the frameworks' words (the better of the two per concept)."""
        found = [t for t in self.candidates(raw, framework) if not t[1]["refused"]]
        alt = variant_of(raw)
        if alt is None:
            return found
        best = {e.concept: (e, f, ev) for e, f, ev in found}
        kept = _kept_stems(raw, alt)
        for e, f, ev in self.candidates(alt, framework) if kept else ():
            if not f["refused"] and kept & set(e.stems) and (e.concept not in best or f["p"] > best[e.concept][1]["p"]):
                best[e.concept] = (e, f, f"{ev} (as {alt!r})")
        return sorted(best.values(), key=lambda t: (-t[1]["p"], t[0].label))

    def _lexical(self, raw: str, framework: str, top: int = 1) -> list | None:
        """Tiers 1-3 as (entry, score, method, evidence); None for an occupation (nothing else may match).
        Memoised per (string, framework, top): ESCO's ``_via_product`` asks O*NET's again (a new list each call)."""
        picks = self._lexical_memo(raw, framework, top)
        return None if picks is None else list(picks)

    def _lexical_tuple(self, raw: str, framework: str, top: int = 1) -> tuple | None:
        picks = self._lexical_uncached(raw, framework, top)
        return None if picks is None else tuple(picks)

    def _lexical_uncached(self, raw: str, framework: str, top: int = 1) -> list | None:
        qstems = tokens(raw)
        words = normalise(raw).split()
        occupation = bool(words) and words[-1] in self.occupation_words
        picks: list[tuple[_Entry, float, str, str]] = []
        lost: dict[str, int] = {}  # siblings sharing one label: each after the first lost the tie
        one_word = len(words) == 1
        for e, how in self._equal(raw, framework, qstems, raw):
            if occupation and how != "exact":
                continue  # "Software Developers" has the stems of "software development"
            if one_word and how in ("stem", "verb", "kind") and _agent_noun(words[0], e.norm.split()[-1]):
                continue  # one word: "Transform" is not a "transformer" (the thing or person that does it)
            if how in ("stem", "verb", "kind") and len(own := _content_words(words)) == len(its := _content_words(
                    e.norm.split())) == 1 and _suffix_kind(own[0]) != _suffix_kind(its[0]):
                continue  # one word for one word: "Analytics" is no "Analytical", "Specialized Skills" no "use of
                # special"
            behind = lost[e.norm] = lost.get(e.norm, -1) + 1
            picks.append((e, _TIER_SCORE[how] - 0.03 * self.concepts[e.concept].segmented - 0.1 * behind,
                          "exact" if how == "exact" and e.pref else "alt_label",
                          _evidence(how, e, None, {})))
        if not picks and occupation:
            return None
        if not picks and framework == "onet" and len(words) >= 3 and _TOOL_PREPOSITIONS & set(words):
            for e, gram in self._tool_products(words, qstems, raw):
                picks.append((e, 0.88, "tool", f"the title works with the product {gram!r}, the label {e.label!r}"))
        if not picks or top > len(picks):
            found = []
            # (an acronym in parentheses is the same thing's other name: "Search Engine Optimization (SEO)")
            qualifiers = {normalise(q) for q in _QUALIFIER.findall(raw) if not q.isupper()}
            for j, part in enumerate(_parts_of(raw)):
                if normalise(part) in qualifiers or _KIND_ONLY.fullmatch(part) and len(words) > 2:
                    continue  # "Docker (Software)", "Go (Programming Language)": the kind of thing the name is
                    # (also unbracketed, or after another bracket: "Go (golang) Programming Language")
                for e, how in self._equal(part, framework, qstems, raw):
                    if how in ("object", "kind", "narrow"):
                        continue  # a part is a subject of its own: "Medical Science" is no "teach medical science"
                    if self._title_word(e, part, framework, raw, words, qstems):
                        continue
                    if self._elided_head(part, raw):
                        continue  # "Vulnerability Assessment and Management" is vulnerability management
                    c = self.concepts[e.concept]
                    if self._is_language(c) and not _language_subject(raw, normalise(c.label), self.languages):
                        continue  # a part holding a language that is no subject: "Foundations in italiano"
                    if " " not in part.strip() and (how in ("verb", "object") or e.part or
                                                    how == "stem" and not _inflection(part, e.label)):
                        continue  # a one-word part: "Chemicals" is not "utilize chemicals", "Digital" not "Digitizing", nor one
                        # word cut from a field's name ("analysis" of "software ... development and analysis")
                    found.append(((e.part, j, self._preference(e, how, qstems)), e, part, how))
            for _, e, part, how in sorted(found, key=lambda t: t[0]):  # the first part leads, a field's subject last
                picks.append((e, 0.9 - 0.03 * self.concepts[e.concept].segmented, "part",
                              f"the part {part!r} is the same as the label {e.label!r} ({how})"))
        if not picks or top > len(picks):
            for part in [raw, *_parts_of(raw)]:
                for e, _how in self._product_name(part, framework, qstems, raw):
                    picks.append((e, 0.86, "product_name",
                                  f"{part!r} is the product's own name in the label {e.label!r}"))
                if picks:
                    break
        if not picks and framework == "onet" and len(words) == 1 and (lead := self._lead_product(raw, words[0])):
            picks.append(lead)
        if not picks or top > len(picks):
            family = framework == "esco" and self._product_family(raw)
            kinds = [normalise(q) for q in _QUALIFIER.findall(raw)]
            for e, gram in self._phrases(words, framework, qstems, raw):
                kind = any(f" {gram} " in f" {q} " for q in kinds)
                if framework == "onet" and " " in gram and _sentence_case(self.concepts[e.concept].label) and \
                        set(qstems) - set(tokens(gram)) - _GENERIC_STEMS - _VERB_STEMS:
                    continue  # "Social Media Advertising" is a narrower activity than *Social media software*
                    # ("Remote Access Systems" is not)
                if kind and (framework == "onet" or set(tokens(gram)) & _GENERIC_STEMS):
                    continue  # "C++ (Programming Language)", "Figma (Design Software)": the kind of thing is
                    # no product of its own, nor a skill
                if family and not kind and not gram.startswith(words[0]):
                    continue  # "Azure Resource Manager" is no resource management: a product's name; the kind
                    # in parentheses is its field ("PyTorch (Machine Learning Library)")
                picks.append((e, 0.85 if " " in gram else 0.8, "phrase",
                              f"the phrase {gram!r} inside it is the label {e.label!r}"))
        return picks

    def _title_word(self, e: _Entry, part: str, fw: str, raw: str, words: list[str], qstems: list[str]) -> bool:
        """A one-word part of a longer string that is a word of the title, not the concept: a language that is
        no subject ("Greek and Roman Mythology", "( Arabic )"), a frame word ("Skills", "Design"), O*NET's
        bare kind of software ("Editing" of *Editing software*), or an everyday product name with nothing
        saying it is the product ("... Stakeholders and Teams")."""
        w = normalise(part)
        if " " in w or len(words) < 2:
            return False
        c = self.concepts[e.concept]
        if w in self.languages and self._is_language(c):
            return not _language_subject(raw, w, self.languages)
        if w in _STOP_PHRASES:
            return True
        if c.kind != "technology":
            return False
        if normalise(c.label) == f"{w} software":
            return True  # "Statistics", "Budgeting": the activity, not *Statistics software*
        if _tool_object(raw, w):
            return False
        if _zipf(w) >= COMMON_ZIPF and not e.pref and not (c.hot and _named_as_product(raw, {stem(w)})):
            vendor = set(normalise(c.label).split()) - {w}
            return not vendor & set(words)  # "Teams" of *Microsoft Teams* needs "Microsoft"; "Accounting" Sage
        if _named_as_product(raw, {stem(w)}):
            return False
        # a verb of ESCO's skills with nothing of the product beside it: "Analyze and report security breaches"
        return stem(w) in self.light_words and not any(t in c.context for t in qstems if t != stem(w))

    def _tool_products(self, words: list[str], qstems: list[str], raw: str) -> list[tuple[_Entry, str]]:
        """O*NET products a title names as the tool it works with: a product's name (a label of a technology that
        is no sentence-case kind) right after "with", "using", "on", "in" ... and closing its part ("3D Modeling
        ... on Fusion 360", "Predictive Analytics with SPSS: ...", "Database Design and Basic SQL in PostgreSQL").
        The tool is what the title is about in O*NET; the activity it is used for ("Database Design", "3D
        Printing") is only O*NET's kind of software for it, so the tool leads."""
        toks = _title_tokens(raw)
        low = [t.lower() for t in toks]
        out = []
        for e, gram in self._phrases(words, "onet", qstems, raw):
            c = self.concepts[e.concept]
            if c.kind != "technology" or _sentence_case(c.label):
                continue
            gw = gram.split()
            for i in range(1, len(low)):
                if low[i - 1] in _TOOL_PREPOSITIONS and normalise(" ".join(toks[i:i + len(gw)])) == gram and \
                        toks[i][:1].isupper():
                    nxt = low[i + len(gw)] if i + len(gw) < len(low) else ""
                    if not nxt[:1].isalpha() or nxt in ("to", "for", "and"):
                        out.append((e, gram))
                        break
        return out

    def _elided_head(self, part: str, raw: str) -> bool:
        """A one-word part that is a head noun ("management", "design", "security": the last word of 50 or more
        ESCO labels) right after "and" or "&" that closes a conjunct of two words or more shares that conjunct's
        modifier: "Vulnerability Assessment and Management" is vulnerability management, "Cloud Computing and
        Security" cloud security, so the bare head is no subject of the title ("Management")."""
        w = normalise(part)
        if " " in w or w not in self.head_nouns:
            return False
        toks = _title_tokens(raw)
        low = [t.lower() for t in toks]
        for i, t in enumerate(low):
            if t == w and i >= 3 and low[i - 1] in ("and", "&") and toks[i - 2][:1].isalnum() and \
                    toks[i - 3][:1].isalnum() and low[i - 2] not in STOPWORDS and low[i - 3] not in STOPWORDS:
                return True
        return False

    def _semantic(self, raw: str, framework: str, k: int = 40) -> list:
        """The BM25 candidate most similar in meaning (the optional encoder), when similar enough."""
        qstems = tokens(raw)
        entries = []
        for ei in self.bm25[framework].top(qstems, k):
            e = self.entries[framework][ei]
            if self._false_friend(qstems, e, self.concepts[e.concept], raw) is None and not e.part:
                entries.append(e)
        if not entries:
            return []
        vecs = self.semantic.encode([raw] + [e.label for e in entries])
        sims = vecs[1:] @ vecs[0]
        best = int(sims.argmax())
        sim = float(sims[best])
        if sim < self.semantic_threshold:
            return []
        e = entries[best]
        return [(e, round(min(sim, 0.99) * 0.8, 4), "semantic",
                 f"semantic similarity {sim:.2f} to the label {e.label!r} (model {self.semantic.path.name})")]

    def _field_head(self, raw: str) -> list:
        """A one-word field of study ("Epidemiology", "Nutrition") is the segmented ESCO knowledge concept whose
        run-together label starts with it and whose description says it is a field ("The branch of medicine
        ...", "The science that ...") or whose first word is named as one ("immunology", "dentistry"): the word
        leads the label it was cut from."""
        for part in (raw, *_parts_of(raw)):
            words = normalise(strip_frames(part)).split()
            # a one-word part ("Ecology: Ecosystem Dynamics", "Macroeconomics - The Basics"), or the head of a
            # short noun phrase when the head is named as a field ("Landscape Ecology", "AP Physics 1": a
            # narrower field, of which the field is the broader concept)
            # (not a word as common as "technology" or "politics", which heads too many phrases to be the field)
            whole = part is raw and len(words) == 1
            word = words[-1] if whole or 1 <= len(words) <= 3 and _FIELD_WORD.search(words[-1]) and \
                _zipf(words[-1]) < FIELD_ZIPF and not set(words[:-1]) & STOPWORDS else ""
            if len(word) < 5:
                continue
            hits = self.field_heads.get(word, [])
            if len(hits) == 1:
                e = self.entries["esco"][hits[0]]
                how = "leads" if whole else f"the field {word!r} of {part.strip()!r} leads"
                return [(e, 0.8 if how == "leads" else 0.78, "field_head",
                         f"{raw.strip()!r} leads the label {e.label!r}, a field by its description" if how == "leads"
                         else f"{how} the label {e.label!r}, a field by its description")]
        return []

    def _narrowed(self, raw: str) -> list:
        """When nothing else fits, the ESCO term the whole string names once an adjective narrows it
        ("Drug Development" -> *pharmaceutical drug development*, "Infectious Diseases" -> *communicable
        diseases infectious diseases*): one concept only."""
        qkey = stem_key(raw)
        qstems = tokens(raw)
        found = [(self._preference(e, "stem", qstems), e, "narrow") for ei in self.keys["esco"]["narrow"].get(qkey, [])
                 if self._false_friend(qstems, e := self.entries["esco"][ei], self.concepts[e.concept], raw) is None]
        picks = _first_per_concept(found)
        if len(picks) != 1:
            return []
        e = picks[0][0]
        return [(e, _TIER_SCORE["narrow"] - 0.03 * self.concepts[e.concept].segmented, "alt_label",
                 _evidence("narrow", e, None, {}))]

    def _language_fallback(self, raw: str) -> list:
        """A programming language ESCO does not name is, in ESCO, *computer programming*: ESCO files every
        language it names under it ("Python (computer programming)"). Only for a string that says it is a
        language ("Rust (Programming Language)", "C Programming") and names one of O*NET's technologies (so not
        "Linear Programming")."""
        m = _LANGUAGE_KIND.fullmatch(raw)
        if not m or not m.group(1).strip() or len(m.group(1).split()) > 3 or m.group(1).islower():
            return []
        onet = (self._lexical(raw, "onet") or [])[:1]
        if not onet or self.concepts[onet[0][0].concept].kind != "technology":
            return []
        for ei in self.keys["esco"]["norm"].get("computer programming", []):
            e = self.entries["esco"][ei]
            if e.pref:
                return [(e, 0.8, "kind", f"{m.group(1).strip()!r} is a programming language (O*NET's "
                                         f"{self.concepts[onet[0][0].concept].label!r}), which ESCO files under {e.label!r}")]
        return []

    def _crosswalk(self, raw: str) -> list:
        """ESCO concepts for a product ESCO has no concept for, by the reviewed O*NET commodity -> ESCO crosswalk
        (``data/onet_commodity_esco.csv``): when the string names an O*NET technology example as a product (the
        same match, and so the same false-friend refusals, as O*NET's own answer) and no ESCO rule matched,
        the ESCO concept(s) that plainly cover the example's commodity ("Django" is *Web platform development
        software* -> *web programming*) or its vendor's cloud ("AWS Lambda" -> *cloud technologies*)."""
        onet = (self._lexical(raw, "onet") or [])[:1]
        for e, _score, method, _ev in onet:
            c = self.concepts[e.concept]
            hit = self.crosswalk.get(e.concept)
            if hit is None or _sentence_case(c.label) or method not in _PRODUCT_METHODS or \
                    set(tokens(raw)) & _SYSTEM_WORK:
                continue  # (a kind of software is no product; "Linux administration" is work on the system)
            entries, how = hit
            out = []
            for i, ei in enumerate(entries):
                h = self.entries["esco"][ei]
                out.append((h, CROSSWALK_SCORE - 0.02 * i, "crosswalk",
                            f"{how}, which ESCO covers by {h.label!r} (data/onet_commodity_esco.csv)"))
            return out
        return []

    def _product_family(self, raw: str) -> bool:
        """The string starts with the name of an O*NET product family ("Azure Resource Manager"): the words
        after it are part of a product's name, not skills of their own."""
        first = raw.strip().split()[:1]
        if not first or first[0].islower() or " " not in raw.strip():
            return False
        w = normalise(first[0])
        return any(_is_name(e.label, w, "onet", self.concepts[e.concept].label) and not e.ambiguous
                   for ei in self.keys["onet"]["norm"].get(w, []) if (e := self.entries["onet"][ei]))

    def _via_product(self, raw: str) -> list:
        """ESCO concepts for a product: the ESCO label equal to the kind of software O*NET files it under."""
        kinds = []
        onet = (self._lexical(raw, "onet") or [])[:1]
        for e, _score, method, _ev in onet:
            c = self.concepts[e.concept]
            # (a title's part only when it is a product's name: "InDesign Basics for Beginners: ...", not a kind of
            # software, "Scheduling Projects")
            if c.kind == "technology" and c.parent_label and (method in ("exact", "alt_label", "phrase", "product_name", "tool")
                                                              or method == "part" and not _sentence_case(c.label)):
                if method != "exact" and normalise(e.label) != normalise(raw) and not _sentence_case(c.label) and \
                        not set(tokens(raw)) & _SOFTWARE_WORK:
                    # the product a title names, by its own name in ESCO ("Version Control with Git": ESCO's "git");
                    # not work on it ("Android SDK", "Linux administration": another thing)
                    for name in dict.fromkeys((e.label, c.label)):
                        hits = [h for h, how in self._equal(name, "esco", tokens(name), name)
                                if how in ("exact", "joined") and not self.concepts[h.concept].segmented]
                        if hits:
                            h = hits[0]
                            return [(h, 0.8, "product", f"the title names O*NET's {c.label!r}, ESCO's {h.label!r}")]
                kinds.append((c.parent_label, f"O*NET files {c.label!r} under {c.parent_label!r}"))
        named = [raw.strip()] + [self.concepts[e.concept].label for e, *_ in onet]
        if js := next((n for n in named if _JS_NAME.search(n)), None):  # "Vue" is O*NET's *Vue.js*
            kinds.append(("JavaScript framework", f"{js!r} is named as a JavaScript library"))
        for kind, why in kinds:
            kind = re.sub(r"\s[A-Z]{2,}(?=\s|$)", "", kind)  # "Customer relationship management CRM software"
            qstems = tokens(kind)
            bare = re.sub(r"\s+software$", "", kind)
            for target in (kind, bare) if " " in bare else (kind,):
                # the same words, a plural aside ("Spreadsheet software" -> "use spreadsheets software")
                hits = [(h, how) for h, how in self._equal(target, "esco", qstems, target)
                        if (how in ("exact", "joined", "verb") or how == "stem" and _inflection(target, h.label))
                        and (not self.concepts[h.concept].segmented or how == "exact" and target == kind)]
                # (a segmented concept only by the kind's whole name: "video conferencing software")
                if hits:
                    h = hits[0][0]
                    return [(h, 0.8, "product", f"{why}, ESCO's {h.label!r}")]
        return []

    def _equal(self, text: str, fw: str, qstems: list[str], raw: str) -> list[tuple[_Entry, str]]:
        """Entries whose label equals ``text`` (same text, same letters, same stems; a trailing version number
        aside: "CSS3", "Windows 11"), best first, one per concept; false friends refused by ``raw``'s words."""
        n = normalise(text)
        if not n:
            return []
        hits: dict[int, str] = {}
        bare = _VERSION.sub("", n).strip()
        js = normalise(_JS_NAME.sub("", text.strip()))  # "React.js", "AngularJS": the library's own name
        k = self.keys[fw]
        name = text.strip()[:-9].strip() if text.strip().endswith(" Software") else ""
        named = normalise(name) if name[:1].isupper() and _distinctive(normalise(name), name) else ""
        if named in _VENDOR_NAMES and not any(self.entries[fw][ei].pref for ei in k["norm"].get(named, [])):
            named = ""  # "Autodesk Software" is a vendor's whole range; "Tableau Software" is Tableau
        for key in dict.fromkeys(k for k in (n, bare, js, named) if k):  # "Tableau Software": the product
            if not key:
                continue
            for ei in k["norm"].get(key, []):
                hits.setdefault(ei, "exact")
            for ei in k["joined"].get(key.replace(" ", ""), []):
                hits.setdefault(ei, "joined")
            qkey = stem_key(key)
            for ei in k["stem"].get(qkey, []) if qkey else []:
                e = self.entries[fw][ei]
                if not _name_words(e.label, self.concepts[e.concept].label, fw) <= _singulars(key):
                    continue  # a name is its own word, never a stem: "Excellence" is no Excel, "Canva" no Canvas
                hits.setdefault(ei, "stem" if key_of(e.stems) == qkey else "verb")
            words = key.split()
            if len(words) > 2 and words[0] in GENERIC_VERBS and (vkey := stem_key(" ".join(words[1:]))):
                for ei in k["stem"].get(vkey, []):  # "Conduct root cause analyses" == "Root cause analysis"
                    e = self.entries[fw][ei]
                    if _name_words(e.label, self.concepts[e.concept].label, fw) <= _singulars(key):
                        hits.setdefault(ei, "verb")
            for ei in k["object"].get(qkey, []) if len(qkey) >= 2 else []:
                hits.setdefault(ei, "object")
            for ei in k["kind"].get(qkey, []) if qkey else []:
                hits.setdefault(ei, "kind")
        ranked = []
        # a name without its version is the word the false-friend test weighs ("ES6" is "ES" and a 6: short)
        ffstems = qstems if bare == n else [*qstems, *(t for t in tokens(bare) if t not in qstems)]
        for ei, how in hits.items():
            e = self.entries[fw][ei]
            c = self.concepts[e.concept]
            if self._false_friend(ffstems, e, c, raw) is None:
                ranked.append((self._preference(e, how, qstems), e, how))
        return _first_per_concept(ranked)

    def _preference(self, e: _Entry, how: str, qstems=()) -> tuple:
        """Which of several concepts carrying the same label leads: its preferred label, the closer kind of
        match, then the one whose own words the string's other words support ("Pet First Aid" -> *first aid for
        animals*), then unsegmented, a skill or knowledge concept before a group, the fewest other words."""
        c = self.concepts[e.concept]
        own = set(tokens(c.label))
        extra = len(own - set(e.stems) - _GENERIC_STEMS)
        covers = set(key_of(e.stems)) - _VERB_STEMS <= own  # "strategic planning" is in the label, not only an alt
        support = len((set(qstems) - set(e.stems) - _FILLER_STEM_SET) & c.context)
        return (e.part, not (e.pref and how == "exact"), _HOW_RANK[how], -support, not covers, c.segmented,
                not e.pref, c.kind in ("group", "commodity"), extra, len(c.label), c.skill_id)

    def _phrases(self, words: list[str], fw: str, qstems: list[str], raw: str) -> list[tuple[_Entry, str]]:
        """Labels found as a phrase strictly inside the string: a product family first ("Azure Monitor" ->
        *Azure*, the name the string starts with), then longest, then leftmost. One word counts only when the
        label writes it as a name ("Azure", "Korean"), not as an everyday word."""
        found: list[tuple[tuple, _Entry, str]] = []
        first = raw.strip().split()[:1]
        family = bool(first) and not first[0].islower()
        k = self.keys[fw]
        singular, labels = [w.rstrip("s") for w in words], self.singular[fw]
        # one word with a version is its name ("HTML5" is HTML), as a whole string is (``_equal``)
        bare = {i: b for i, w in enumerate(words) if w[-1:].isdigit() and w[:1].isalpha() and
                (b := _VERSION.sub("", w).strip()) != w and b.rstrip("s") in labels}
        for size in range(len(words) - 1, 0, -1):
            for i in range(len(words) - size + 1):
                if " ".join(singular[i:i + size]) not in labels and not (size == 1 and i in bare):
                    continue  # no label has these words, a plural aside: none below would be kept
                gram_words = [bare[i]] if size == 1 and i in bare else words[i:i + size]
                gram = " ".join(gram_words)
                edges = (gram_words[0], gram_words[-1])
                if gram in _STOP_PHRASES or gram in _VENDOR_NAMES and not (
                        self._own_product(gram) and not _before_name(raw, gram)) or any(
                        w in STOPWORDS or stem(w) in _FILLER_STEM_SET for w in edges):
                    continue  # (a vendor that is its own product's name is that product: "Tableau", "SAS")
                eis = list(k["norm"].get(gram, []))
                if size > 1 and (gk := stem_key(gram)):
                    eis += k["stem"].get(gk, [])
                if not eis:
                    continue  # no label: nothing below can pick it
                gstems = tuple(tokens(gram))
                for ei in dict.fromkeys(eis):
                    e = self.entries[fw][ei]
                    c = self.concepts[e.concept]
                    if e.norm != gram and (e.stems != gstems or not _inflection(gram, e.label)):
                        continue  # inside a string only the same words in the same order, a plural aside: not
                        # "manage resources", nor "production software" for "Productivity Software"
                    if size == 1 and (not (_is_name(e.label, gram, fw, c.label) or len(gram) == 1 and
                                           e.label == gram.upper() and _tool_object(raw, gram, capitals=True)) or
                                      e.ambiguous and not _named_as_product(raw, set(e.ambiguous))):
                        continue  # an everyday word alone inside a longer string needs "R Programming", "Go 1.22"
                    if size == 1 and _zipf(gram) >= (TITLE_ZIPF if len(words) >= 4 else LOWER_ZIPF if
                                                     _written_lower(raw, gram) else COMMON_ZIPF) and \
                            c.parent_label not in ("language", "languages") and \
                            not _named_as_product(raw, {stem(gram)}) and \
                            not (not e.ambiguous and _tool_object(raw, gram) and
                                 (_zipf(gram) < COMMON_ZIPF or set(qstems) & _SOFTWARE_WORK or
                                  gram not in self.everyday and gram not in self.prose_words)) and \
                            not any(t in c.context for t in qstems if t != stem(gram)) and \
                            not (c.kind == "technology" and not e.ambiguous and len(words) <= 3 and
                                 set(qstems) & _SOFTWARE_WORK):
                        continue  # a common word ("Swift Decisions") is the name only where the rest says so, or
                        # where the rest is work done on software ("Linux administration", "Android SDK")
                    if size == 1 and self._after_name(raw, gram):
                        continue  # "HTML5 Canvas", "Spark SQL": a name right after another's is a part of that one
                    if gram in self.languages and self._is_language(c) and \
                            not _language_subject(raw, gram, self.languages):
                        continue  # "Critical Thinking in French", "Chinese Medicine": not the language's study
                    if c.segmented and not e.pref:
                        continue  # a cut of a run-together label is too unsure inside a longer string
                    if self._false_friend(qstems, e, c, raw) is not None:
                        continue
                    if fw == "esco" and e.label.islower() and i + size < len(words) and \
                            _modifier_of(words[i + size:], gram_words) and \
                            not any(f" {gram} " in f" {normalise(q)} " for q in _QUALIFIER.findall(raw)):
                        continue  # a lower-case term before a noun of the string modifies it: "software development
                        # lifecycle" is a lifecycle, "Law Enforcement Access" access
                    lead = not (family and size == 1 and i == 0)
                    found.append(((lead, -size, i, self._preference(e, "exact" if e.norm == gram else "stem", qstems)),
                                  e, gram))
        return _first_per_concept(found)

    def best(self, raw: str, framework: str) -> SkillMatch | None:
        hits = self.match(raw, framework)
        return hits[0] if hits else None

    def match_all(self, raw: str) -> list[SkillMatch]:
        """The best concept of each framework (none where nothing fits)."""
        return [m for fw in FRAMEWORKS if (m := self.best(raw, fw)) is not None]

    def match_text(self, text: str, origin: str) -> list[SkillMatch]:
        """Concepts whose whole label occurs inside running text (a title, an outcome, a description): per
        framework the longest label first, then the leftmost, each word in one label only. Only the n-grams
        that begin some label are looked at (``_text_index``), which finds what trying every n-gram finds."""
        words = normalise(text).split()
        prefixes, grams = self._text_index()
        found = []  # (-size, start, entries per framework) of every n-gram that is a label
        last, longest = len(words), self.max_ngram
        for i, gram in enumerate(words):
            size = 1
            while gram in prefixes:
                if (hit := grams.get(gram)) is not None:
                    found.append((-size, i, hit))
                if size == longest or i + size == last:
                    break
                gram = f"{gram} {words[i + size]}"
                size += 1
        found.sort()  # the order of trying every n-gram: longest first, then leftmost
        out: list[SkillMatch] = []
        qstems = None
        for f, fw in enumerate(FRAMEWORKS):
            used = [False] * last
            for neg, i, hit in found:
                if not hit[f] or True in used[i:i - neg]:
                    continue
                if -neg <= self.language_words and (gram := words[i] if neg == -1 else " ".join(words[i:i - neg])) in \
                        self.languages and not _language_subject(text, gram, self.languages):
                    continue  # "Chinese Medicine", "... ( Arabic )": no study of the language
                # in running text the rest of a long text is no context: false friends refused by all its words
                # (only a label with an everyday or short word, ``ambiguous``, can be one)
                for e in hit[f]:
                    if not e.ambiguous:
                        break
                    if qstems is None:
                        qstems = word_stems(words)  # tokens(text)
                    if self._false_friend(qstems, e, self.concepts[e.concept]) is None:
                        break
                else:
                    continue
                c = self.concepts[e.concept]
                used[i:i - neg] = [True] * -neg
                score = round(0.6 + 0.2 * min(-neg, 3) / 3, 4)
                out.append(SkillMatch(c.skill_id, c.label, fw, score, f"{origin} contains the label {e.label!r}",
                                      c.public_id, origin, e.label))
        return out

    def _text_index(self) -> tuple[set[str], dict[str, list[tuple[_Entry, ...]]]]:
        """What ``match_text`` looks up, built on first use: each label text it may find (at most ``max_ngram``
        words; no stop phrase; no stop word or short word alone) with, per framework, the entries that may
        match it in the order ``match_text`` prefers them (its preferred label, the shortest concept label,
        the first concept), and every word prefix of those texts (where a scan may go on)."""
        built = self.__dict__.get("_text_grams")
        if built is not None and built[0] == self.max_ngram:
            return built[1], built[2]
        with _collector_paused():
            grams: dict[str, list[tuple[_Entry, ...]]] = {}
            for f, fw in enumerate(FRAMEWORKS):
                entries = self.entries[fw]
                for gram, eis in self.keys[fw]["norm"].items():
                    one = " " not in gram  # a normalised label: words one space apart
                    if gram in _STOP_PHRASES or (one and (gram in STOPWORDS or len(gram) < 3)) or \
                            gram.count(" ") >= self.max_ngram:
                        continue
                    # one lower-case word ("project", "design") is too loose for running text; an everyday word
                    # alone never counts
                    hits = [e for e in map(entries.__getitem__, eis)
                            if not one or not (e.label.islower() or set(e.stems) <= e.ambiguous)]
                    if hits:
                        if len(hits) > 1:
                            hits.sort(key=lambda h: (not h.pref, len(self.concepts[h.concept].label), h.concept))
                        grams.setdefault(gram, [()] * len(FRAMEWORKS))[f] = tuple(hits)
            prefixes = set(grams)
            for gram in grams:
                i = gram.find(" ")
                while i != -1:
                    prefixes.add(gram[:i])
                    i = gram.find(" ", i + 1)
        self._text_grams = (self.max_ngram, prefixes, grams)
        return prefixes, grams


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while building big, acyclic-garbage-free structures (the pickled
    index, ``match_text``'s label index): each collection the new objects trigger would walk the mapper's
    ~800k objects again (unpickling takes 3x as long with it on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BM25:
    """Okapi BM25 over short documents (one per label), as an inverted index of per-term score arrays.

    Hand-written rather than ``bm25s``/``rank-bm25``: measured here on the ~125,000 labels, bm25s (numpy
    backend) took 11.5 s to index and ~20 ms a query, rank-bm25 scores every document in Python per query
    term; this index builds in about a second and answers in well under a millisecond."""

    def __init__(self, docs: list[tuple[str, ...]], k1: float = 1.2, b: float = 0.75):
        import numpy as np

        self.n = len(docs)
        lengths = np.array([max(len(d), 1) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, d in enumerate(docs):
            counts: dict[str, int] = {}
            for t in d:
                counts[t] = counts.get(t, 0) + 1
            for t, tf in counts.items():
                postings.setdefault(t, []).append((i, tf))
        self.index: dict[str, tuple] = {}
        for t, plist in postings.items():
            ids = np.fromiter((p[0] for p in plist), dtype=np.int32, count=len(plist))
            tf = np.fromiter((p[1] for p in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (self.n - len(plist) + 0.5) / (len(plist) + 0.5))
            self.index[t] = (ids, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[ids] / avg)))

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_memo", None)  # answers of this process, not part of the cached index
        return state

    def top(self, terms: list[str], k: int) -> list[int]:
        """Ids of the ``k`` best-scoring documents for the query terms (ties by id). Memoised on the distinct
        terms: strings that differ only in case or form ("Data Analysis", "data analysis") ask the same."""
        memo = self.__dict__.get("_memo")
        if memo is None:
            memo = self._memo = lru_cache(maxsize=65536)(self._top)
        return list(memo(tuple(dict.fromkeys(t for t in terms if t in self.index)), k))

    def _top(self, terms: tuple[str, ...], k: int) -> tuple[int, ...]:
        import numpy as np

        parts = [self.index[t] for t in terms]
        if not parts:
            return ()
        ids = np.concatenate([p[0] for p in parts])
        scores = np.concatenate([p[1] for p in parts])
        uniq, inv = np.unique(ids, return_inverse=True)
        total = np.bincount(inv, weights=scores)
        order = np.lexsort((uniq, -total))[:k]
        return tuple(uniq[order].tolist())


_WORD = re.compile(r"[a-z][a-z0-9+#]*")
_LOWER = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
_CASED = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*")  # a word with a capital: an acronym or a name
_CASED_SYMBOL = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[+#]*")  # the same with a name's closing symbols ("C++")


_VERB_STEMS = frozenset(stem(w) for w in GENERIC_VERBS)
_FIELD_NAME = re.compile(r"(?:ology|istry|graphy|onomy|iatrics|ostics)$")  # named as a field: "immunology", "dentistry"
_FIELD_WORD = re.compile(r"(?:ology|istry|graphy|onomy|iatrics|ics)$")  # a head noun naming a field: "ecology", "physics"
_FIELD_DESC = re.compile(r"(?:the |a )?(?:\w+ )?(?:branch|science|study|field|discipline|sub-?field|sub-?discipline|area of study)\b",
                         re.I)
_SOFTWARE_STEM = stem("software")


_TIER_SCORE = {"exact": 0.99, "joined": 0.97, "stem": 0.95, "verb": 0.93, "object": 0.88, "kind": 0.87, "narrow": 0.86}
# verb: equal once a leading generic verb is dropped; object: the object of a skill's verb ("analyse big data")
_HOW_RANK = {"exact": 0, "joined": 1, "stem": 2, "verb": 3, "object": 4, "kind": 5, "narrow": 6}
# the kind of thing an ESCO skill's object is, written after it ("perform cost accounting activities")
_ACTIVITY_KINDS = frozenset(stem(w) for w in "activities techniques operations procedures practices problems tasks".split())
_THING_KINDS = frozenset(stem(w) for w in "software tools tool equipment systems system".split())
_TEACH = stem("teach")
# work done on or with software: beside a product's one-word name it says the word is the product
_SOFTWARE_WORK = frozenset(stem(w) for w in """administration administering scripting programming development sdk
    api framework server kernel shell cluster deployment configuration""".split())
# words a concept's label may add without naming anything more specific ("Business intelligence software")
# work on a system rather than the system ("Linux administration" is *administer ICT system*, "Bash scripting" is
# scripting): the crosswalk's covering concept is not what such a string names
_SYSTEM_WORK = frozenset(stem(w) for w in "administration administering scripting sdk kernel shell cluster deployment "
                         "configuration".split())
_PRODUCT_METHODS = frozenset(("exact", "alt_label", "phrase", "product_name", "tool", "part"))
CROSSWALK_PATH = Path(__file__).with_name("data") / "onet_commodity_esco.csv"
CROSSWALK_SCORE = 0.76  # below the rules that name the ESCO concept itself (0.8): a broader concept by a class


def read_crosswalk(path: Path = CROSSWALK_PATH) -> dict[str, dict]:
    """The reviewed O*NET -> ESCO crosswalk by O*NET id (a commodity code, or a technology id for a family row)."""
    import csv

    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["onet_id"]: {**r, "esco_ids": r["esco_ids"].split("|"), "except": frozenset(filter(None, r["except"].split("|")))}
                for r in csv.DictReader(fh)}


_GENERIC_STEMS = frozenset(stem(w) for w in "software system systems service services tool tools program".split())
_VERSION = re.compile(r"(?<=[a-z])\s*\d+(?:\s\d+)*$|(?<=\s)v?\d+(?:\s\d+)*$")  # "css3", "windows 11", "python 3"
_FILLER_STEM_SET = frozenset(stem(w) for w in FILLER)
_VENDOR_NAMES = frozenset(normalise(v) for v in _VENDORS)  # "Adobe" alone is no product
# Course frames around a subject: "Introduction to X", "Getting Started with X", "X for Everyone", "X, Part 1".
_FRAME_HEAD = re.compile(
    r"^(?:(?:an?|the)\s+)?(?:(?:gentle\s+|quick\s+|brief\s+)?(?:introduction|intro|getting\s+started|get\s+started|"
    r"beginner'?s?\s+guide|guide|fundamentals|foundations|principles|basics|essentials|overview|first\s+steps?|"
    r"(?:your\s+|a\s+)?first\s+course)\s+(?:to|with|of|in|on|for|into)|learn(?:ing)?|mastering|master|understanding|"
    r"exploring|explore|discover|everyday|practical|hands\s+on|complete|the\s+complete|programming\s+(?:in|with)|"
    # the same frames in the other languages of the catalogues (Spanish, Portuguese, French, German)
    r"(?:introducci[oó]n|introdu[cç][aã]o|iniciaci[oó]n|fundamentos|curso(?:\s+completo)?|conceptos\s+b[aá]sicos)\s+"
    r"(?:a\s+(?:la|los|las)|al|ao|a|à|de\s+(?:la|los|las)|del|de|do|da|en)|aprende|aprender|"
    r"introduction\s+(?:à\s+la|à\s+l'|aux|au|à)|d[ée]couvrir(?:\s+(?:le|la|les))?|initiation\s+(?:à\s+la|aux|au|à)|"
    r"einf[üu]hrung\s+in(?:\s+die|\s+das|\s+den)?|grundlagen\s+(?:der|des|von))\s+",
    re.I)
_FRAME_TAIL = re.compile(
    r"\s+(?:for\s+(?:everyone|everybody|beginners|dummies|all|business|professionals)|part\s+\d+|a\s+first\s+course|"
    r"made\s+easy|in\s+practice|in\s+action|crash\s+course|course|specialization|basics|essentials|fundamentals|"
    r"bootcamp|masterclass|programming|101|\d+|i{1,3}|iv|"
    r"in\s+(?:english|french|spanish|german|italian|portuguese|chinese|mandarin|arabic|japanese|korean|russian|dutch)|"
    r"intermedio|b[aá]sico|avanzado|para\s+principiantes|desde\s+cero|pour\s+d[ée]butants|interm[ée]diaire|"
    r"f[üu]r\s+anf[äa]nger)$",
    re.I)  # (the last: the language a course is taught in, "Critical Thinking in French")
# examples of the subject in parentheses ("Hot work (e.g., welding, cutting, brazing)"): instances, not the subject
_EXAMPLES = re.compile(r"\s*\(\s*(?:e\.\s?g\.?|i\.\s?e\.?|eg|ie|for example|for instance|such as|including)[\s,:][^()]*\)",
                       re.I)
_ADJECTIVE = re.compile(r"(?:[^aeiou]al|ic|ive|ous|ary|ian|ful|able|ible)$")  # by its suffix: "pharmaceutical"


_LANGUAGE_KIND = re.compile(r"\s*(.+?)\s*(?:\(\s*programming\s+language\s*\)|\bprogramming(?:\s+language)?)\s*", re.I)
# a part that only says what kind of thing the string's name is ("... (golang) Programming Language")
_KIND_ONLY = re.compile(r"\s*(?:(?:computer\s+)?programming\s+languages?|(?:web\s+)?frameworks?|librar(?:y|ies)|"
                        r"(?:design\s+)?software|scripting\s+languages?)\s*", re.I)
_QUALIFIER = re.compile(r"(?:^|(?<=\())[^()]*\S\s*\(([^()]+)\)")  # "Name (kind)": the kind in parentheses
_AUDIENCE = re.compile(r"\s*(\S.*?)\s+for\s+((?:\w+\s+){0,3}\w+)\s*", re.I)  # "... for Java Developers"
_PILLAR = re.compile(r"esco:skill/[A-Z]")  # the roots of ESCO's hierarchy: S skills, K knowledge, A, L
_SPLIT = re.compile(r"\s*(?:\band\s*/\s*or\b|[:;,|()\[\]!?]|\s[-–—]\s|\band\b|&|\s\+\s)\s*", re.I)


@lru_cache(maxsize=262144)
def strip_frames(text: str) -> str:
    """The subject of a course-like string without its frame ("Getting Started with Go" -> "Go"). Cached: a
    string's parts are stripped again by every false-friend test (``_named_as_product``)."""
    t = text.strip(" .-")
    while True:
        s = _FRAME_TAIL.sub("", _FRAME_HEAD.sub("", t)).strip(" .-")
        if s == t or not s:
            return t
        t = s


def _parts(raw: str) -> list[str]:
    """The string's parts and their subjects, without the whole string itself."""
    whole = normalise(raw)
    out = []
    for piece in [raw, *_SPLIT.split(raw)]:
        if _FRAME_TAIL.fullmatch(" " + piece.strip()):
            continue  # "Part 1"
        for p in (piece, strip_frames(piece)):
            if p and p.strip() and normalise(p) != whole and p not in out:
                out.append(p)
    return out


@lru_cache(maxsize=65536)
def _parts_of(raw: str) -> tuple[str, ...]:
    """``_parts``, once per string: ``_lexical`` asks for them in two tiers."""
    return tuple(_parts(raw))


_JS_NAME = re.compile(r"(?<=\w)(?:\.[jJ][sS]|JS|(?<=[a-z]{3})js)$")  # a JavaScript library's name: "React.js", "AngularJS",
# "reactjs" (a tag's spelling)
_EDITION_WORDS = frozenset("pro professional enterprise edition software net standard premium suite".split())
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]|[A-Z]-[A-Z]|[A-Za-z]\d|\d[A-Za-z]")  # "SketchUp", "V-Ray", "S3"


@lru_cache(maxsize=262144)
def _name_words(label: str, concept_label: str, fw: str) -> frozenset[str]:
    """The words a label writes as names ("Excel", "GIS" of "use GIS"); not the capital of O*NET's sentence-case
    labels ("Interviewer" of *Interviewer software*). Cached: asked per candidate label, again and again."""
    cased = _CASED.findall(label)
    if cased and fw == "onet" and _sentence_case(concept_label) and label.split()[0] == cased[0]:
        cased = cased[1:]
    return frozenset(normalise(w) for w in cased if not w.isdigit())


def _bare_alias(alias: str, label: str, hot: bool) -> bool:
    """A product's one-word alternative label that alone names something else: its vendor ("Autodesk" of
    *Autodesk VIZ*) or, for a product O*NET does not mark as widely used (hot), a common abstract noun
    ("Persuasion" of *Adobe Persuasion*; not "Excel" or "Outlook", which are hot, nor "Maya")."""
    if " " in alias or alias == normalise(label):
        return False
    rest = normalise(label).split()[1:]
    if alias in _VENDOR_NAMES:
        return normalise(label).startswith(alias + " ") and not all(w in _GENERIC_WORDS for w in rest)
    return not _sentence_case(label) and not hot and _zipf(alias) >= LOWER_ZIPF and re.search(r"(?:ion|ness|ment|ity|ance|ence|ship|ism)$", alias)


def _singulars(text: str) -> set[str]:
    """A normalised string's words and, for a plural, its singular ("notebooks": "notebook"); not the other way
    ("Canva" is not "Canvas")."""
    words = set(text.split())
    return words | {re.sub(r"(?<=[^s])e?s$", "", w) for w in words} | {w[:-1] for w in words if w.endswith("s")}


def _content_words(words: list[str]) -> list[str]:
    """The words that say what a string or label is about: no stop word, filler or leading generic verb."""
    return [w for i, w in enumerate(words) if w not in STOPWORDS and stem(w) not in _FILLER_STEM_SET
            and not (i == 0 and w in GENERIC_VERBS)]


def _written_lower(raw: str, word: str) -> bool:
    """The string writes ``word`` in lower case ("angular momentum"), as an everyday word, not as a name (a slug
    such as "azure-virtual-machines" is an identifier)."""
    return " " in raw.strip() and re.search(r"(?<![A-Za-z])" + re.escape(word) + r"(?![A-Za-z])", raw) is not None


def _suffix_kind(word: str) -> str:
    """The part of speech an English suffix marks, for one word matched by its stem: an adjective ("-al",
    "-ic", "-ive", "-ous"), else a noun or verb form (which stems may join: "coaching" and "coach")."""
    return "adjective" if re.search(r"(?:ical|al|ic|ive|ous|ful)$", word) else "other"


def _sentence_case(label: str) -> bool:
    """O*NET's kinds of software and activities ("Social media software", "Unified modeling language UML"),
    not a product's name ("Amazon Web Services AWS software")."""
    words = label.split()
    return len(words) > 1 and all(w.islower() or w.isupper() for w in words[1:]) and \
        normalise(words[0]) not in _VENDOR_NAMES  # "Atlassian JIRA" is a vendor's product


def _distinctive(name: str, raw: str) -> bool:
    """A product's name standing alone: a word of it no everyday English word ("Camtasia", "Lightroom"), or
    written as a name ("SketchUp", "ChatGPT", "V-Ray"); never a generic word ("Pro Tools", "Forms")."""
    words = name.split()
    if any(len(w) >= 3 and w not in _GENERIC_WORDS and _zipf(w) < COMMON_ZIPF for w in words):
        return True
    return bool(_INNER_CAPITAL.search(raw)) and not all(w in _GENERIC_WORDS for w in words)


def _agent_noun(word: str, other: str) -> bool:
    """One of the two words is the other's doer ("transformer" of "transform", "editor" of "edit"): the same
    stem, another thing."""
    a, b = word.rstrip("s"), other.rstrip("s")
    return a != b and any(re.fullmatch(re.escape(x.rstrip("e")) + r"e?(?:er|or)", y) for x, y in (
        (a, b), (b, a), (stem(a), b), (stem(b), a)))  # "interviewing" and "interviewer"


def _plural_free(norm: str) -> str:
    """A normalised text's words without a final "s": equal for two texts ``_inflection`` takes as one."""
    return " ".join(w.rstrip("s") for w in norm.split())


def _inflection(word: str, label: str) -> bool:
    """Singular and plural of one word ("Network" / "networks"), not other derivations sharing a stem."""
    a, b = normalise(word).split(), normalise(label).split()
    return len(a) == len(b) and all(x.rstrip("s") == y.rstrip("s") for x, y in zip(a, b))


def _named_as_product(raw: str, shared: set[str]) -> bool:
    """The everyday word is written as the name of a thing: followed by a version number ("Windows 11") or
    the whole subject of a course frame ("Getting Started with Go", "Introduction to R")."""
    words = normalise(raw).split()
    for i, w in enumerate(words):
        if stem(w) in shared and i + 1 < len(words) and re.fullmatch(r"v?\d+|programming|language", words[i + 1]):
            return True  # "Windows 11", "R Programming", "Go language"
        if w[-1:].isdigit() and w[:3].isalpha() and stem(_VERSION.sub("", w).strip()) in shared:
            return True  # "HTML5": a version written onto the name
    for part in _SPLIT.split(raw):
        bare = strip_frames(part)
        subject = normalise(bare)
        if subject != normalise(part) and " " not in subject and stem(subject) in shared and not bare.islower():
            return True  # (the subject written in lower case is the everyday word: "learn fast" is no FAST)
    # the tool of work on software: "Front-End Web Development with React", "Web Development with Go"; a name
    # in capitals as the tool of anything ("Stock Technical Analysis with R": a letter is no everyday word)
    named = [w for w in words if stem(w) in shared]
    return any(w.upper() in raw and _tool_object(raw, w, capitals=True) for w in named) or \
        bool(named) and bool(set(tokens(raw)) & _SOFTWARE_WORK) and any(_tool_object(raw, w) for w in named)


# the words that say a language is studied: "English Grammar", "Spanish for Beginners", "French I"
_LANGUAGE_STUDY = frozenset("""language languages grammar vocabulary conversation conversational speaking speak
    speakers writing composition reading listening pronunciation phrases words characters alphabet script kanji lesson lessons
    course courses class classes level levels test exam skills tutorial learning learners beginners beginner
    intermediate advanced basics fundamentals essentials made communication proficiency fluency comprehension
    idioms expressions dialogues verbs tenses""".split())
_TITLE_TOKEN = re.compile(r"[^\W\d_][\w'+#.]*|\d[\w.]*|\s[-–—]\s|[:;,|()\[\]!?/&]")
_TOOL_PREPOSITIONS = frozenset("with using in on con en avec mit via".split())


@lru_cache(maxsize=65536)
def _title_tokens(raw: str) -> tuple[str, ...]:
    """A title's words (case kept) and its separators (":", "(", " - "). Cached: the title and false-friend tests
    ask for one string's again and again."""
    return tuple(t.strip() or "-" for t in _TITLE_TOKEN.findall(raw))


_AND = frozenset(("and", "or", "&", "/"))


def _language_subject(raw: str, word: str, languages: frozenset[str]) -> bool:
    """The language ``word`` is what the string is about ("Learn Japanese", "Business English", "Spanish for
    Beginners"), not an adjective of another noun ("Chinese Medicine", "French Horn", "Greek and Roman
    Mythology") nor the language the course is taught in ("( Arabic )", "in Urdu Hindi", "... - Chinese")."""
    toks = _title_tokens(raw)
    low = [t.lower() for t in toks]
    ws = word.split()  # a language of two words too ("Ancient Greek")
    n = len(ws)
    for i in (i for i, t in enumerate(low) if t == ws[0] and low[i:i + n] == ws):
        j = i - 1
        while j >= 0 and (low[j] in languages or low[j] in _AND and j and low[j - 1] in languages):
            j -= 1  # "in Urdu Hindi", "in Urdu & Hindi"
        before = low[j] if j >= 0 else ""
        if before in ("in", "en") or before in ("(", "[", "-", "/") and j > 0:
            return False  # the language it is taught in
        k = i + n
        while k + 1 < len(low) and low[k] in _AND:
            k += 2  # "Greek and Roman Mythology": the noun after the coordinated adjectives
        nxt = low[k] if k < len(low) else ""
        if nxt[:1].isalpha() and nxt not in STOPWORDS and nxt not in _LANGUAGE_STUDY and nxt not in languages and \
                not re.fullmatch(r"i{1,3}|iv", nxt):
            return False  # an adjective of the noun after it
    return True


def _is_name_of(mapper: SkillMapper, fw: str, name: str) -> bool:
    """Some label of ``fw`` writes the normalised ``name`` as a name (capitals: "HTML", "Spark"; the title writes it
    with a capital too, so an everyday word such as "Spark" counts: this only keeps the next word from matching)."""
    return any(not mapper.entries[fw][ei].label.islower() for ei in mapper.keys[fw]["norm"].get(name, []))


def _before_name(raw: str, word: str) -> bool:
    """``word`` comes before a capitalised word wherever the title writes it, as a vendor before its product's
    name ("Facebook Flux"); standing alone once it is the product ("Facebook Ads: ... publicidad en Facebook")."""
    toks = _title_tokens(raw)
    at = [i for i, t in enumerate(toks) if t.lower() == word]
    return bool(at) and all(i + 1 < len(toks) and toks[i + 1][:1].isupper() for i in at)


def _tool_object(raw: str, word: str, capitals: bool = False) -> bool:
    """The title names ``word`` (written with a capital) as the tool it works with: the object of "with",
    "using", "on", "in" ("Data Visualization with Python", "Using Python to Access Web Data", "Crash Course on
    Python"), closing its part or followed by "to"/"for"."""
    toks = _title_tokens(raw)
    for i, t in enumerate(toks):
        if t.lower() == word and (t.isupper() if capitals else t[:1].isupper()) and i and \
                toks[i - 1].lower() in _TOOL_PREPOSITIONS:
            nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
            if not nxt[:1].isalpha() or nxt in ("to", "for", "and") or re.fullmatch(r"v?\d[\w.]*", nxt):
                return True
    return False


def _is_name(label: str, word: str, fw: str, concept_label: str = "") -> bool:
    """A one-word label written as a name (a product, a language), not an everyday word: "Azure", "Excel",
    "Korean", "SQL"; not "Algorithmic" (of O*NET's sentence-case "Algorithmic software") or "design". ESCO
    writes everything else in lower case, so its capitals mean a name; O*NET capitalises the first word of
    every label, so there the word must be capitalised inside the label too, or be the whole of it."""
    if " " in label.strip() or label.islower() or len(word) < 2:
        return False
    if label.isupper() or fw == "esco":
        return True
    names = concept_label.split()
    if len(names) == 1 or not names[1].islower():
        return True  # a product's name ("Linux", "Android" of *Google Android*): how common it is, the caller weighs
    return any(w.lower() == word and not w.islower() for w in names[1:]) and _zipf(word) < COMMON_ZIPF


def _occupation_words() -> frozenset[str]:
    """Plural role nouns that end O*NET occupation titles ("Software Developers", "Information Security
    Analysts"): a string ending in one names an occupation, not a skill."""
    import csv

    from .taxonomy import DATA_DIR

    out = set()
    with open(DATA_DIR / "occupation_data.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            last = normalise(row["Title"].split(",")[0]).split()[-1:]
            if last and last[0].endswith("s") and not last[0].endswith("ss") and last[0] not in _NOT_ROLES:
                out.add(last[0])
    return frozenset(out)


_NOT_ROLES = frozenset("services occupations securities models servers guides markers forces monitors readers "
                       "runners builders leaders".split())



def _head(qstems: list[str], qs: set[str]) -> str:
    """The head of an English noun phrase: its last content word ("Convolutional Neural *Network*")."""
    return next((t for t in reversed(qstems) if t in qs), "")


def _modifier_of(rest: list[str], phrase: list[str]) -> bool:
    """The words after a phrase make it a modifier: they start with a content word (a noun it qualifies), not a
    preposition, a filler or frame word ("skills", "course"), a kind of knowledge of it ("methodology",
    "principles"), a number, or the phrase's acronym ("Virtual Reality (VR) Apps")."""
    w = rest[0]
    return w not in STOPWORDS and stem(w) not in _FILLER_STEM_SET and not w.isdigit() and w not in _NOT_HEADS \
        and w != "".join(p[0] for p in phrase)


_NOT_HEADS = frozenset("""course specialization bootcamp masterclass programming part certificate certification
    training workshop class methodology methodologies methods method principles theory theories techniques
    technique concepts""".split())


def _kept_stems(raw: str, alt: str) -> set[str]:
    """The stems of the words a string keeps in its variant in the frameworks' words (not the table's)."""
    return set(tokens(raw)) & set(tokens(alt)) | expansion_stems(raw)


def _first_per_concept(ranked: list[tuple[tuple, _Entry, str]]) -> list[tuple[_Entry, str]]:
    """(entry, how) in the order of the sort keys, the best entry of each concept only."""
    out, seen = [], set()
    for _, e, how in sorted(ranked, key=lambda t: t[0]):
        if e.concept not in seen:
            seen.add(e.concept)
            out.append((e, how))
    return out

@lru_cache(maxsize=262144)
def _label_side(stems: tuple[str, ...], norm: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...], str, int]:
    """A label's half of ``_features``: its stem set (the content stems, else all), its ``_keys``, its text
    without spaces and the stem set's size."""
    ls = frozenset(key_of(stems)) or frozenset(stems)
    return ls, tuple(_keys(stems)), norm.replace(" ", ""), len(ls)


class _Query(NamedTuple):
    """A string's half of ``_features``, once per string: normalised, without spaces, its stem set (the
    content stems, else all) and that set's size, its stem key and its head."""

    norm: str
    joined: str
    stems: set[str]
    size: int
    key: tuple[str, ...]
    head: str


_ZEROS = repeat(0.0)  # the default of every feature a candidate lacks (``map(f.get, names, _ZEROS)``)


def _keys(stems: tuple[str, ...], verb: bool | None = None) -> list[tuple[str, ...]]:
    """Stem keys of a label: its own, and without a leading generic verb ("use databases" -> "databases"; the
    verb as written: "applied music" starts with an adjective)."""
    keys = [k for k in (key_of(stems),) if k]
    verb = stems[0] in _VERB_STEMS if verb is None and stems else verb
    if len(stems) > 1 and verb and (rest := key_of(stems[1:])):
        keys.append(rest)
    return keys


def _field_parts(label: str) -> list[str]:
    """The subjects a field of education names: "arts and humanities" -> arts, humanities; "humanities (except
    languages)" -> humanities; "history and archaeology not further defined" -> history, archaeology."""
    core = re.sub(r"\s*\(.*?\)|\s+not\s+further\s+defined|\s+not\s+elsewhere\s+classified", "", label).strip()
    parts = [p.strip() for p in re.split(r",|\band\b", core) if p.strip()]
    out = [core] if core != label else []
    return out + [p for p in parts if len(parts) > 1 and len(p) > 3]


def _kind(fw: str, sid: str, ctype: str | None) -> str:
    if fw == "onet":
        return ctype or "technology"
    if ctype in ("skill/competence", "knowledge"):
        return ctype
    return "group" if ctype in ("hierarchy", "skill_group") or "isced-f" in sid else (ctype or "skill/competence")


def _evidence(how: str, e: _Entry, rank: int | None, f: dict) -> str:
    kind = "preferred label" if e.pref else "alternative label"
    if how == "exact":
        return f"same text as the {kind} {e.label!r}"
    if how == "joined":
        return f"same letters as the {kind} {e.label!r} (spacing aside)"
    if how == "stem":
        return f"same word stems as the {kind} {e.label!r}"
    if how == "verb":
        return f"same word stems as the {kind} {e.label!r} without its leading verb"
    if how == "object":
        return f"the object of the {kind} {e.label!r}"
    if how == "narrow":
        return f"the {kind} {e.label!r} without the adjective that narrows it"
    if how == "kind":
        return f"the {kind} {e.label!r} without its verb and the kind of thing it names"
    return (f"BM25 rank {rank + 1 if rank is not None else '-'} on the {kind} {e.label!r}; covers "
            f"{f['cov_query']:.0%} of the string's words and {f['cov_label']:.0%} of the label's")


# Phrases that are labels somewhere but mean nothing specific inside a title.
_STOP_PHRASES = frozenset(
    {"introduction", "fundamentals", "basics", "learn", "get started", "explore", "manage", "implement",
     "design", "develop", "create", "use", "build", "work", "plan", "skills", "knowledge", "microsoft",
     "google", "amazon", "oracle", "ibm", "adobe", "apple", "part", "module", "path", "exam", "course",
     "certification", "certificate", "associate", "expert", "specialty", "professional", "assessment",
     "developer", "administrator", "engineer", "analyst", "architect",
     "guide", "tips", "tutorial", "tutorials", "overview", "handbook"}  # a course's frame ("Complete Guide")
)


def load_scorer(path: Path = SCORER_PATH) -> dict:
    """The fitted logistic weights and threshold (``evaluation/evaluate_skill_mapping.py --fit`` writes them)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _index_cache_path() -> Path:
    """Where the built index of the vendored taxonomy is kept between processes: its name hashes the data
    files and this package's code, so a changed taxonomy or mapper never reads a stale index."""
    import hashlib

    from .taxonomy import DATA_DIR

    h = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted(DATA_DIR.iterdir()) + sorted(here.glob("*.py")):
        if path.name != SCORER_PATH.name and path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    root = Path(os.environ.get("CREDCAT_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or
                                                            Path.home() / ".cache") / "credcat")
    return root / f"skill-index-{h.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=4)
def _vendored(scorer_json: str | None) -> SkillMapper:
    import pickle

    scorer = json.loads(scorer_json) if scorer_json else load_scorer()
    path = _index_cache_path()
    try:
        with open(path, "rb") as fh, _collector_paused():
            mapper = pickle.load(fh)
        mapper.use_scorer(scorer)
        return mapper
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    mapper = _build_vendored(scorer)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(mapper, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # indexes of older data or code; only day-old ones: checkouts of other code sharing this cache folder
        # (worktrees, a test's installed wheel) would otherwise delete each other's and rebuild in turn
        for stale in path.parent.glob("skill-index-*.pickle"):
            if stale != path and time.time() - stale.stat().st_mtime > 86400:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build each time
    return mapper


def _build_vendored(scorer: dict) -> SkillMapper:
    from .taxonomy import read_concepts

    concepts, _ = read_concepts()
    labels = {sid: c.label for sid, c in concepts.items()}
    rows = [(c.skill_id, c.framework, c.label, c.alt_labels, c.concept_type, c.description,
             labels.get(c.parent or ""), c.uri, c.code, c.collections, c.hot_technology) for c in concepts.values()]
    rows.sort(key=lambda r: r[0])
    return SkillMapper(rows, scorer)


def match_skills(texts: list[str], framework: str | None = None, top: int = 5) -> list[list[SkillMatch]]:
    """For each text, its ranked concepts (best first; at most ``top`` per framework; [] when nothing fits).

    The one mapper behind ``credcat skills match``, ``credential_skills`` and the planner."""
    if framework not in (None, *FRAMEWORKS):
        raise ValueError(f"unknown framework {framework!r}: use one of {', '.join(FRAMEWORKS)}")
    mapper = SkillMapper.from_vendored()
    fws = (framework,) if framework else FRAMEWORKS
    out = []
    for text in texts:
        hits = [m for fw in fws for m in mapper.match(text, fw, top)]
        out.append(sorted(hits, key=lambda m: (-m.score, m.framework)))
    return out


def alignment_targets(alignments) -> list[dict]:
    """Alignment objects ({framework, code, name, url, type}) from the JSON column, skipping occupations."""
    if not alignments:
        return []
    items = json.loads(alignments) if isinstance(alignments, str) else alignments
    return [a for a in items if isinstance(a, dict)
            and "onetonline.org/link/summary" not in (a.get("url") or "")  # an O*NET occupation, not a skill
            and "Occupation" not in (a.get("type") or "")]


def map_credential_skills(con, mapper: SkillMapper | None = None, use_titles: bool = True,
                          published_path: Path | None = None) -> dict[str, int]:
    """Map every credential's skills (and alignments, title, outcomes, description) to ESCO and O*NET.

    Expects ``credentials(uid, title, skills VARCHAR[], [learning_outcomes VARCHAR[]], [description])`` and,
    unless a mapper is passed, ``skills`` (run :func:`load_taxonomy` first; it is run here when absent).
    With ``published_path`` (the refresh), credentials whose inputs and MAPPER_VERSION are those of the
    published catalogue keep its rows (pipeline.reuse) and only the others are mapped.

    Each distinct string is answered once (catalogues repeat their tags, titles, even descriptions), by a
    pool of forked processes when asked (``_Answers``); DuckDB joins the answers back to the credentials and
    writes the rows in credential order (``_map_todo``), so the credentials themselves never come into Python."""
    from pipeline import reuse

    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "skills" not in tables:
        load_taxonomy(con)
    con.execute(CREDENTIAL_SKILLS_DDL)
    why = reuse.reuse_skill_rows(con, published_path if mapper is None and use_titles else None)
    cols = {r[0] for r in con.execute("DESCRIBE credentials").fetchall()}
    lo = "learning_outcomes" if "learning_outcomes" in cols else "CAST(NULL AS VARCHAR[])"
    al = "alignments" if "alignments" in cols else "CAST(NULL AS JSON)"
    de = "description" if "description" in cols else "CAST(NULL AS VARCHAR)"
    ti = "title" if use_titles else "CAST(NULL AS VARCHAR)"
    # cn: the credential's place in uid order, the order its rows are written in
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _skill_todo AS
        SELECT row_number() OVER (ORDER BY uid) AS cn, uid, {ti} AS title, skills, {lo} AS outcomes,
               {al} AS alignments, {de} AS description
        FROM credentials ANTI JOIN skills_reused USING (uid)""")
    try:
        n = con.execute("SELECT count(*) FROM _skill_todo").fetchone()[0]
        if n:
            _map_todo(con, mapper or SkillMapper.from_vendored(), n)
    finally:
        for t in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {t}")
    reused = con.execute("SELECT count(*) FROM skills_reused").fetchone()[0]
    con.execute("DROP TABLE skills_reused")
    total, mapped = con.execute("SELECT count(*), count(skill_id) FROM credential_skills").fetchone()
    return {"credential_skills": total, "mapped": mapped, "unmapped": total - mapped, "credentials_mapped": n,
            "credentials_reused": reused, "reuse": why}


_TEMP_TABLES = ("_skill_todo", "_skill_parts", "_skill_strings", "_skill_answers", "_skill_aligned", "_skill_kept",
                "_skill_concepts", "_skill_weights")
# What each credential asks, in the order of its rows: block (skills 0, alignments 1, title 2, outcomes 3,
# description 4), then the place in its list. Blank tags are asked too; only Python's str.strip says which
# are blank, and those get no answer (so no row).
_PARTS_SQL = """
CREATE OR REPLACE TEMP TABLE _skill_parts AS
SELECT cn, 0 AS block, generate_subscripts(skills, 1) AS pos, 'tag' AS kind, unnest(skills) AS text FROM _skill_todo
UNION ALL SELECT cn, 2, 0, 'title', title FROM _skill_todo WHERE title <> ''
UNION ALL SELECT cn, 3, generate_subscripts(outcomes, 1), 'outcome', unnest(outcomes) FROM _skill_todo
UNION ALL SELECT cn, 4, 0, 'description', description FROM _skill_todo WHERE description <> ''
"""
# Each part's answer (a string's concepts in order; an unmapped tag's one row), and the alignments' rows; of
# each (credential, origin, concept) the first row only (``skill_key`` is the concept, or the unmapped text).
_KEPT_SQL = """
CREATE OR REPLACE TEMP TABLE _skill_kept AS
SELECT * FROM (
    SELECT p.cn, p.block, p.pos, a.ord, a.skill_id, a.framework, coalesce(a.raw, p.text) AS raw,
           CASE p.kind WHEN 'tag' THEN 'skills' WHEN 'title' THEN 'title' WHEN 'outcome' THEN 'learning_outcomes'
                ELSE 'description' END AS origin,
           a.method, a.score, a.matched_label, a.skill_key
    FROM _skill_parts AS p JOIN _skill_strings AS s USING (kind, text) JOIN _skill_answers AS a USING (id)
    UNION ALL
    SELECT cn, 1, pos, ord, skill_id, framework, raw, 'alignment', method, score, matched_label, skill_id
    FROM _skill_aligned
)
QUALIFY row_number() OVER (PARTITION BY cn, origin, skill_key ORDER BY block, pos, ord) = 1
"""
# Per credential and concept (``ORIGINS``): central when an origin that says what the credential is about
# names it; its weight is its best score times the origin's factor, plus 0.05 for each further origin that
# names it, at most 1 (rounded by Python: ``_skill_weights``).
_CONCEPTS_SQL = """
CREATE OR REPLACE TEMP TABLE _skill_concepts AS
SELECT cn, skill_id, bool_or(origin IN ({central})) AS central,
       least(1.0::DOUBLE, max(score * CASE origin {factors} END)
                          + 0.05::DOUBLE * (count(DISTINCT origin) - 1)::DOUBLE) AS unrounded
FROM _skill_kept WHERE skill_id IS NOT NULL GROUP BY cn, skill_id
""".format(central=", ".join(f"'{o}'" for o, (central, _) in ORIGINS.items() if central),
           factors=" ".join(f"WHEN '{o}' THEN {f!r}::DOUBLE" for o, (_, f) in ORIGINS.items()))
_ROWS_SQL = """
INSERT INTO credential_skills
SELECT t.uid, k.skill_id, k.framework, k.raw, k.origin, k.method, k.score, k.matched_label,
       CASE k.framework WHEN 'esco' THEN $esco WHEN 'onet' THEN $onet END, k.skill_key,
       CASE WHEN k.skill_id IS NULL THEN true ELSE c.central END, w.weight
FROM _skill_kept AS k JOIN _skill_todo AS t USING (cn)
LEFT JOIN _skill_concepts AS c USING (cn, skill_id)
LEFT JOIN _skill_weights AS w USING (unrounded)
ORDER BY k.cn, k.block, k.pos, k.ord
"""


def _map_todo(con, mapper: SkillMapper, credentials: int) -> None:
    """Answer the distinct strings of ``_skill_todo`` and write their ``credential_skills`` rows."""
    import pyarrow as pa

    con.execute(_PARTS_SQL)
    con.execute("""CREATE OR REPLACE TEMP TABLE _skill_strings AS
        SELECT row_number() OVER () - 1 AS id, kind, text
        FROM (SELECT DISTINCT kind, text FROM _skill_parts WHERE text IS NOT NULL)""")
    strings = con.execute("SELECT kind, text FROM _skill_strings ORDER BY id").arrow().read_all()
    kinds, texts = strings.column("kind").to_pylist(), strings.column("text").to_pylist()
    del strings
    # the items as _answer takes them (None: match_all); a description is read up to its 4,000th character
    ask = [i for i, (k, t) in enumerate(zip(kinds, texts)) if k != "tag" or t.strip()]
    items = [(None, texts[i]) if kinds[i] == "tag" else (kinds[i], texts[i][:4000] if kinds[i] == "description"
                                                          else texts[i]) for i in ask]
    cols: dict[str, list] = {c: [] for c in ("id", "ord", "skill_id", "framework", "method", "score",
                                             "matched_label", "skill_key", "raw")}
    with _Answers(mapper, credentials) as answers:
        for i, found in zip(ask, answers.answer(items)):
            kind, text = kinds[i], texts[i]
            raw = text[:200] if kind == "description" else None  # the row's raw: the description's start
            for o, (sid, fw, method, score, label) in enumerate(found):
                for c, v in zip(cols.values(), (i, o, sid, fw, method, score, label, sid, raw)):
                    c.append(v)
            if not found and kind == "tag":
                for c, v in zip(cols.values(), (i, 0, None, None, "unmapped", None, None, text_key(text), None)):
                    c.append(v)
        aligned = _aligned(con, answers)
    del kinds, texts, items, ask
    types = {"id": pa.int64(), "ord": pa.int32(), "score": pa.float64()}
    _temp_table(con, "_skill_answers", pa.table({c: pa.array(v, type=types.get(c, pa.string()))
                                                 for c, v in cols.items()}))
    del cols
    _temp_table(con, "_skill_aligned", pa.table({c: pa.array([r[i] for r in aligned], type=t) for i, (c, t) in enumerate((
        ("cn", pa.int64()), ("pos", pa.int32()), ("ord", pa.int32()), ("skill_id", pa.string()),
        ("framework", pa.string()), ("raw", pa.string()), ("method", pa.string()), ("score", pa.float64()),
        ("matched_label", pa.string())))}))
    con.execute(_KEPT_SQL)
    con.execute(_CONCEPTS_SQL)
    # DuckDB's round() is not always Python's round(x, 4) (the session-4 rows'); the distinct weights are few
    unrounded = [r[0] for r in con.execute("SELECT DISTINCT unrounded FROM _skill_concepts").fetchall()]
    _temp_table(con, "_skill_weights", pa.table({"unrounded": pa.array(unrounded, pa.float64()),
                                                 "weight": pa.array([round(w, 4) for w in unrounded], pa.float64())}))
    con.execute(_ROWS_SQL, {"esco": VERSIONS["esco"], "onet": VERSIONS["onet"]})


def _temp_table(con, name: str, table) -> None:
    """A temp table holding an Arrow table's rows."""
    con.register("_skill_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _skill_arrow")
    finally:
        con.unregister("_skill_arrow")


def _aligned(con, answers: _Answers) -> list[tuple]:
    """The rows of the credentials' Open Badges alignments, (cn, pos, ord, skill_id, framework, raw, method,
    score, matched_label): an alignment names a framework concept outright, by its URI when we hold the
    concept, else by its name through the mapper (the few credentials with alignments, in Python)."""
    found = con.execute("SELECT cn, alignments FROM _skill_todo WHERE alignments IS NOT NULL").fetchall()
    if not found:
        return []
    by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
        "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
    out = []
    for cn, alignments in found:
        for pos, a in enumerate(alignment_targets(alignments)):
            hit = by_uri.get((a.get("url") or "").rstrip("/"))
            raw = a.get("name") or a.get("url") or ""
            if hit:
                out.append((cn, pos, 0, hit[0], hit[1], raw, "alignment_uri", 1.0, hit[2]))
            elif a.get("name"):
                for o, (sid, fw, method, score, label) in enumerate(next(answers.answer([(None, a["name"])]))):
                    out.append((cn, pos, o, sid, fw, raw, method, score, label))
    return out


def _answer(mapper: SkillMapper, item: tuple[str | None, str]) -> tuple[tuple, ...]:
    """One string's concepts as (skill_id, framework, method, score, matched_label): what a row takes of a
    ``SkillMatch``, and cheap to send between processes."""
    origin, text = item
    found = mapper.match_all(text) if origin is None else mapper.match_text(text, origin)
    return tuple((m.skill_id, m.framework, m.method, m.score, m.matched_label) for m in found)


_pool_mapper: SkillMapper | None = None  # the mapper a pool's workers inherit through fork


def skill_workers() -> int:
    """Processes answering the distinct strings: ``CREDCAT_SKILL_WORKERS`` ("auto": the usable cores), one
    where processes cannot be forked. The default is one: on the shared 2-core machine two workers took
    25-45% more CPU seconds (each warms its own caches) and no less wall time (docs/scaling.md)."""
    import multiprocessing

    setting = os.environ.get(SKILL_WORKERS, "").strip()
    if "fork" not in multiprocessing.get_all_start_methods() or not setting:
        return 1
    if setting == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, int(setting))


def _pool_answers(items: list[tuple[str | None, str]]) -> list[tuple[tuple, ...]]:
    return [_answer(_pool_mapper, item) for item in items]


class _Answers:
    """Answers to distinct strings. With more than one worker (``skill_workers``) and at least ``_POOL_MIN``
    credentials, a pool of processes forked from this one answers them: the workers inherit the mapper and
    its text index instead of loading them. The answers are pure functions of the string, so the result does
    not depend on which process gave them."""

    def __init__(self, mapper: SkillMapper, credentials: int):
        import multiprocessing

        self.mapper, self.pool = mapper, None
        workers = skill_workers()
        # no pool for a few credentials, with an encoder (its runtime's threads do not survive a fork), or
        # inside a daemonic process (which may not have children)
        if workers > 1 and credentials >= _POOL_MIN and mapper.semantic is None \
                and not multiprocessing.current_process().daemon:
            global _pool_mapper
            mapper._text_index()  # built once, here, and shared
            _pool_mapper = mapper
            gc.freeze()  # the inherited objects stay out of the workers' collections: their pages stay shared
            try:
                self.pool = multiprocessing.get_context("fork").Pool(workers)
            finally:
                gc.unfreeze()
            self.workers = workers

    def __enter__(self) -> _Answers:
        return self

    def __exit__(self, *exc) -> None:
        global _pool_mapper
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _pool_mapper = None

    def answer(self, items: list[tuple[str | None, str]]):
        """The answers to ``items``, in their order (an iterator)."""
        if self.pool is None or len(items) < 2:
            return (_answer(self.mapper, it) for it in items)
        # small chunks: a tag costs ~1 ms, a title ~20 us, so large ones would leave a worker idle at the end
        size = max(1, min(256, len(items) // (self.workers * 64)))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        return (a for chunk in self.pool.imap(_pool_answers, chunks) for a in chunk)
