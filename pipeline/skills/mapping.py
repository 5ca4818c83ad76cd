"""Mapping free skill strings, titles and learning outcomes to ESCO and O*NET concepts.

For a short skill string (a tag such as "Active Listening" or "Tableau"), per framework:

1. **Candidates**: labels equal to the string under one of three keys (``pipeline.skills.lexical``: normalised,
   joined, word stems), plus the BM25 top labels (``bm25s`` over every preferred and alternative label).
2. **Score**: a logistic model over a few features (which key matched, the share of the string's words the
   label covers and the reverse, BM25 rank, preferred or alternative label, fuzzy ratio, concept kind) ranks
   the candidates; a second one decides whether the best is right at all (its rank score, its margin over
   the next, exact or same-stem match, one-word string). Both are fitted on the labelled tuning set
   (``evaluation/evaluate_skill_mapping.py --fit`` writes ``data/scorer.json``), and a candidate is kept when
   its acceptance probability (the reported score) reaches the fitted threshold.
3. **False friends**: when every word the string shares with a label is a short word or an acronym or
   name that is also a common English word (FIRST, APPS, Go, Spark, R), the match needs another word of the
   string that the concept's own labels or description contain ("R programming"); otherwise it is refused
   ("First Aid" is not FIRST software, "Power Apps" is not APPS).

Titles, outcomes and descriptions are running text: only whole labels found as word n-grams count, with
the same false-friend rule and without one-word lower-case labels.

``map_credential_skills(con)`` writes ``credential_skills`` (one row per credential, concept and origin):
uid, skill_id (NULL when nothing matched), framework, raw, origin (skills | alignment | title |
learning_outcomes | description), method, score, matched_label, framework_version, skill_key (skill_id, or
``text:<normalised raw>`` when unmapped), central (the credential is about the skill: stated by the source,
or in its title or outcomes; a skill found only in the description is merely mentioned), weight (0..1).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from .lexical import GENERIC_VERBS, STOPWORDS, key_of, normalise, stem, stem_key, tokens
from .taxonomy import ESCO_VERSION, ONET_VERSION, insert_rows, load_taxonomy

# Bumped on every change to the scorer, rules or taxonomy that can change a match: reuse of earlier
# credential_skills rows (the incremental refresh) is keyed on it.
MAPPER_VERSION = "2026-12-01.1"
FRAMEWORKS = ("esco", "onet")
VERSIONS = {"esco": ESCO_VERSION, "onet": ONET_VERSION}
SCORER_PATH = Path(__file__).with_name("data") / "scorer.json"
BM25_TOP = 12
COMMON_ZIPF = 3.9  # wordfreq Zipf frequency from which a word is everyday English ("spark" 3.99, "excel" 3.73)

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


@dataclass
class _Entry:
    concept: int
    label: str
    pref: bool
    norm: str
    stems: tuple[str, ...]
    ambiguous: frozenset[str]  # stems of this label that are false-friend words


FEATURES = ("bias", "exact", "joined", "stem_eq", "cov_query", "cov_label", "pref", "fuzzy", "bm25_rank",
            "extra_words", "single_word_query", "group", "knowledge", "commodity", "segmented", "same_words")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

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
    for core in _CASED.findall(label):
        low = core.lower()
        if core.isdigit():
            continue
        if len(low) <= 2 or (_zipf(low) >= COMMON_ZIPF and (core.isupper() or low in everyday)):
            out.add(stem(low))
    return frozenset(out)


class SkillMapper:
    """Indexes every label of both frameworks once; ``match`` is then cheap (and cached)."""

    def __init__(self, rows: list[tuple], scorer: dict | None = None):
        """rows: (skill_id, framework, label, alt_labels, concept_type, description, parent label, uri, code,
        collections)."""
        self.concepts: list[_Concept] = []
        self.entries: dict[str, list[_Entry]] = {f: [] for f in FRAMEWORKS}
        self.keys: dict[str, dict[str, dict[object, list[int]]]] = {
            f: {"norm": {}, "joined": {}, "stem": {}} for f in FRAMEWORKS}
        self.by_id: dict[str, int] = {}
        everyday: set[str] = set()  # words ESCO's own labels write in lower case ("go to", "spark erosion")
        for row in rows:
            if row[1] == "esco":
                everyday.update(_LOWER.findall(" ".join([row[2], *(row[3] or [])])))
        for sid, fw, label, alts, ctype, desc, parent_label, uri, code, collections in rows:
            ci = len(self.concepts)
            segmented = "segmented-labels" in (collections or [])
            # a lower-case one-word cut of a run-together string is too unsure; an acronym ("GIS") is not
            names = [label] + [a for a in (alts or []) if a and a != label
                               and not (segmented and " " not in a.strip() and a.islower())]
            if segmented:  # the run starts with the preferred label: its leading words may be the whole of it
                words = label.split()
                names += [" ".join(words[:k]) for k in range(len(words) - 1, 0, -1)
                          if k >= 2 or not words[0].islower()]
            name_stems = [tuple(tokens(name)) for name in names]
            context = set(tokens(parent_label or ""))
            for st in name_stems:
                context.update(st)
            context.update(stem(w) for w in _WORD.findall((desc or "").lower()) if w not in STOPWORDS)
            kind = _kind(fw, sid, ctype)
            public = uri if fw == "esco" and uri else (code if kind == "commodity" else label)
            self.concepts.append(_Concept(sid, fw, label, public, kind, frozenset(context), segmented))
            self.by_id[sid] = ci
            for i, name in enumerate(names):
                n = normalise(name)
                if not n:
                    continue
                ei = len(self.entries[fw])
                st = name_stems[i]
                self.entries[fw].append(_Entry(ci, name, i == 0, n, st, ambiguous_words(name, everyday)))
                k = self.keys[fw]
                k["norm"].setdefault(n, []).append(ei)
                k["joined"].setdefault(n.replace(" ", ""), []).append(ei)
                for sk in _keys(st):
                    k["stem"].setdefault(sk, []).append(ei)
        self.bm25 = {fw: BM25([e.stems for e in self.entries[fw]]) for fw in FRAMEWORKS}
        self.scorer = scorer if scorer is not None else load_scorer()
        self.match = lru_cache(maxsize=65536)(self._match)
        self.max_ngram = 6

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("match", None)  # the per-mapper answer cache is rebuilt on load
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.match = lru_cache(maxsize=65536)(self._match)

    def use_scorer(self, scorer: dict) -> None:
        """Swap the scorer (the evaluation's threshold sweep) and forget cached answers."""
        self.scorer = scorer
        self.match.cache_clear()

    # -- construction ----------------------------------------------------------------------------------
    @staticmethod
    def _rows_sql() -> str:
        return """SELECT s.skill_id, s.framework, s.label, s.alt_labels, s.concept_type, s.description,
                         p.label, s.uri, s.code, s.collections
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
        return _vendored(json.dumps(scorer, sort_keys=True) if scorer is not None else None)

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
        for r, ei in enumerate(self.bm25[fw].top(qstems, BM25_TOP)):
            ranks[ei] = r
            hits.setdefault(ei, "bm25")
        best: dict[int, tuple[_Entry, dict, str]] = {}
        for ei, how in hits.items():
            e = self.entries[fw][ei]
            c = self.concepts[e.concept]
            f = self._features(n, qstems, qkey, e, c, how, ranks.get(ei))
            refusal = self._false_friend(qstems, e, c)
            evidence = _evidence(how, e, ranks.get(ei), f) if refusal is None else refusal
            f["refused"] = refusal is not None
            f["p"] = 0.0 if refusal else self._prob(f)
            old = best.get(e.concept)
            if old is None or f["p"] > old[1]["p"]:
                best[e.concept] = (e, f, evidence)
        return sorted(best.values(), key=lambda t: (-t[1]["p"], t[0].label))

    def _features(self, n, qstems, qkey, e: _Entry, c: _Concept, how: str, rank: int | None) -> dict:
        qs, ls = set(qkey) or set(qstems), set(key_of(e.stems)) or set(e.stems)
        inter = len(qs & ls)
        return {
            "bias": 1.0,
            "exact": float(e.norm == n),
            "joined": float(e.norm.replace(" ", "") == n.replace(" ", "")),
            "stem_eq": float(bool(qkey) and qkey in _keys(e.stems)),
            "cov_query": inter / len(qs) if qs else 0.0,
            "cov_label": inter / len(ls) if ls else 0.0,
            "pref": float(e.pref),
            "fuzzy": fuzz.token_sort_ratio(n, e.norm) / 100.0,
            "bm25_rank": 1.0 / (1 + rank) if rank is not None else 0.0,
            "extra_words": min(len(ls - qs), 4) / 4.0,
            "single_word_query": float(len(qs) == 1),
            "group": float(c.kind == "group"),
            "knowledge": float(c.kind == "knowledge"),
            "commodity": float(c.kind == "commodity"),
            "segmented": float(c.segmented),
            "same_words": (inter / len(qs) if qs else 0.0) * (inter / len(ls) if ls else 0.0),
        }

    def _false_friend(self, qstems: list[str], e: _Entry, c: _Concept) -> str | None:
        shared = set(qstems) & set(e.stems)
        if len(shared) != 1 or not shared <= e.ambiguous:
            return None  # two words together ("Microsoft Windows", "Power BI") name the thing
        others = [t for t in qstems if t not in shared and len(t) > 1]
        support = [t for t in others if t in c.context]
        if support:
            return None
        words = ", ".join(sorted(shared))
        return f"refused: only the everyday or short word(s) {words!r} link it to {e.label!r}, no context supports it"

    def _prob(self, f: dict) -> float:
        w = self.scorer["weights"]
        z = sum(w.get(name, 0.0) * f[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    # -- public lookups --------------------------------------------------------------------------------
    def accept_features(self, ranked: list, i: int) -> dict:
        """What the accept/refuse decision on the ``i``-th ranked candidate looks at."""
        f = ranked[i][1]
        nxt = ranked[i + 1][1]["p"] if i + 1 < len(ranked) else 0.0
        p = min(max(f["p"], 1e-6), 1 - 1e-6)
        return {"bias": 1.0, "rank_logit": math.log(p / (1 - p)), "margin": f["p"] - nxt,
                **{k: f[k] for k in ("exact", "joined", "stem_eq", "cov_query", "cov_label", "pref",
                                     "single_word_query", "group", "segmented", "bm25_rank", "same_words")}}

    def accept_prob(self, ranked: list, i: int) -> float:
        a = self.accept_features(ranked, i)
        w = self.scorer.get("accept") or {"rank_logit": 1.0}
        z = sum(w.get(k, 0.0) * v for k, v in a.items())
        return 1.0 / (1.0 + math.exp(-z))

    def _match(self, raw: str, framework: str, top: int = 1) -> tuple[SkillMatch, ...]:
        out = []
        threshold = self.scorer["threshold"]
        ranked = [t for t in self.candidates(raw, framework) if not t[1]["refused"]]
        for i, (e, f, evidence) in enumerate(ranked[:top]):
            score = self.accept_prob(ranked, i)
            if score < threshold:
                break
            c = self.concepts[e.concept]
            method = {1.0: "exact"}.get(f["exact"], "") or ("alt_label" if f["joined"] or f["stem_eq"] else "scored")
            if method == "exact" and not e.pref:
                method = "alt_label"
            out.append(SkillMatch(c.skill_id, c.label, framework, round(score, 4), evidence, c.public_id,
                                  method, e.label))
        return tuple(out)

    def best(self, raw: str, framework: str) -> SkillMatch | None:
        hits = self.match(raw, framework)
        return hits[0] if hits else None

    def match_all(self, raw: str) -> list[SkillMatch]:
        """The best concept of each framework (none where nothing fits)."""
        return [m for fw in FRAMEWORKS if (m := self.best(raw, fw)) is not None]

    def match_text(self, text: str, origin: str) -> list[SkillMatch]:
        """Concepts whose whole label occurs inside running text (a title, an outcome, a description)."""
        words = normalise(text).split()
        qstems = tokens(text)
        out: list[SkillMatch] = []
        for fw in FRAMEWORKS:
            used = [False] * len(words)
            for size in range(min(self.max_ngram, len(words)), 0, -1):
                for i in range(0, len(words) - size + 1):
                    if any(used[i:i + size]):
                        continue
                    gram = " ".join(words[i:i + size])
                    if gram in _STOP_PHRASES or (size == 1 and (gram in STOPWORDS or len(gram) < 3)):
                        continue
                    hits = [self.entries[fw][ei] for ei in self.keys[fw]["norm"].get(gram, [])]
                    # one lower-case word ("project", "design") is too loose for running text
                    hits = [e for e in hits if size > 1 or not e.label.islower()]
                    # in running text the rest of a long text is no context: an everyday word alone never counts
                    hits = [e for e in hits if self._false_friend(qstems, e, self.concepts[e.concept]) is None
                            and not (size == 1 and set(e.stems) <= e.ambiguous)]
                    if not hits:
                        continue
                    e = min(hits, key=lambda h: (not h.pref, len(self.concepts[h.concept].label), h.concept))
                    c = self.concepts[e.concept]
                    for j in range(i, i + size):
                        used[j] = True
                    score = round(0.6 + 0.2 * min(size, 3) / 3, 4)
                    out.append(SkillMatch(c.skill_id, c.label, fw, score, f"{origin} contains the label {e.label!r}",
                                          c.public_id, origin, e.label))
        return out


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

    def top(self, terms: list[str], k: int) -> list[int]:
        """Ids of the ``k`` best-scoring documents for the query terms (ties by id)."""
        import numpy as np

        parts = [self.index[t] for t in dict.fromkeys(terms) if t in self.index]
        if not parts:
            return []
        ids = np.concatenate([p[0] for p in parts])
        scores = np.concatenate([p[1] for p in parts])
        uniq, inv = np.unique(ids, return_inverse=True)
        total = np.bincount(inv, weights=scores)
        order = np.lexsort((uniq, -total))[:k]
        return uniq[order].tolist()


_WORD = re.compile(r"[a-z][a-z0-9+#]*")
_LOWER = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
_CASED = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*")  # a word with a capital: an acronym or a name


_VERB_STEMS = frozenset(stem(w) for w in GENERIC_VERBS)


def _keys(stems: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Stem keys of a label: its own, and without a leading generic verb ("use databases" -> "databases")."""
    keys = [k for k in (key_of(stems),) if k]
    if len(stems) > 1 and stems[0] in _VERB_STEMS and (rest := key_of(stems[1:])):
        keys.append(rest)
    return keys


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
    return (f"BM25 rank {rank + 1 if rank is not None else '-'} on the {kind} {e.label!r}; covers "
            f"{f['cov_query']:.0%} of the string's words and {f['cov_label']:.0%} of the label's")


# Phrases that are labels somewhere but mean nothing specific inside a title.
_STOP_PHRASES = frozenset(
    {"introduction", "fundamentals", "basics", "learn", "get started", "explore", "manage", "implement",
     "design", "develop", "create", "use", "build", "work", "plan", "skills", "knowledge", "microsoft",
     "google", "amazon", "oracle", "ibm", "adobe", "apple", "part", "module", "path", "exam", "course",
     "certification", "certificate", "associate", "expert", "specialty", "professional", "assessment",
     "developer", "administrator", "engineer", "analyst", "architect"}
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
        with open(path, "rb") as fh:
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
        for stale in path.parent.glob("skill-index-*.pickle"):  # indexes of older data or code
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build each time
    return mapper


def _build_vendored(scorer: dict) -> SkillMapper:
    from .taxonomy import read_concepts

    concepts, _ = read_concepts()
    labels = {sid: c.label for sid, c in concepts.items()}
    rows = [(c.skill_id, c.framework, c.label, c.alt_labels, c.concept_type, c.description,
             labels.get(c.parent or ""), c.uri, c.code, c.collections) for c in concepts.values()]
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


def map_credential_skills(con, mapper: SkillMapper | None = None, use_titles: bool = True) -> dict[str, int]:
    """Map every credential's skills (and alignments, title, outcomes, description) to ESCO and O*NET.

    Expects ``credentials(uid, title, skills VARCHAR[], [learning_outcomes VARCHAR[]], [description])`` and,
    unless a mapper is passed, ``skills`` (run :func:`load_taxonomy` first; it is run here when absent)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "skills" not in tables:
        load_taxonomy(con)
    if mapper is None:
        mapper = SkillMapper.from_vendored()
    cols = {r[0] for r in con.execute("DESCRIBE credentials").fetchall()}
    lo = "learning_outcomes" if "learning_outcomes" in cols else "CAST(NULL AS VARCHAR[])"
    al = "alignments" if "alignments" in cols else "CAST(NULL AS JSON)"
    de = "description" if "description" in cols else "CAST(NULL AS VARCHAR)"
    rows = con.execute(f"SELECT uid, title, skills, {lo}, {al}, {de} FROM credentials ORDER BY uid").fetchall()
    by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
        "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
    out: list[list] = []
    for uid, title, skills, outcomes, alignments, description in rows:
        seen: set[tuple[str, str]] = set()
        first = len(out)

        def add(m: SkillMatch, raw: str, origin: str, uid=uid, seen=seen) -> None:
            if (m.skill_id, origin) in seen:
                return
            seen.add((m.skill_id, origin))
            out.append([uid, m.skill_id, m.framework, raw, origin, m.method, m.score, m.matched_label,
                        VERSIONS[m.framework], m.skill_id, None, None])

        for raw in dict.fromkeys(s for s in (skills or []) if s and s.strip()):
            matches = mapper.match_all(raw)
            for m in matches:
                add(m, raw, "skills")
            if not matches:
                key = text_key(raw)
                if ("", key) not in seen:
                    seen.add(("", key))
                    out.append([uid, None, None, raw, "skills", "unmapped", None, None, None, key, True, None])
        # Open Badges alignments name a framework concept outright: its URI when we hold the concept, else
        # its name through the mapper
        for a in alignment_targets(alignments):
            hit = by_uri.get((a.get("url") or "").rstrip("/"))
            raw = a.get("name") or a.get("url") or ""
            if hit:
                add(SkillMatch(hit[0], hit[2], hit[1], 1.0, "alignment names the concept's URI", method="alignment_uri",
                               matched_label=hit[2]), raw, "alignment")
            elif a.get("name"):
                for m in mapper.match_all(a["name"]):
                    add(m, raw, "alignment")
        if use_titles and title:
            for m in mapper.match_text(title, "title"):
                add(m, title, "title")
        for outcome in outcomes or []:
            for m in mapper.match_text(outcome, "outcome"):
                add(m, outcome, "learning_outcomes")
        if description:
            for m in mapper.match_text(description[:4000], "description"):
                add(m, description[:200], "description")
        _centrality(out[first:])
    con.execute(CREDENTIAL_SKILLS_DDL)
    insert_rows(con, "credential_skills", [tuple(r) for r in out])
    mapped = sum(1 for r in out if r[1] is not None)
    return {"credential_skills": len(out), "mapped": mapped, "unmapped": len(out) - mapped}


def _centrality(rows: list[list]) -> None:
    """Fill ``central`` and ``weight`` for one credential's rows: a concept is central when any origin that
    says what the credential is about names it; its weight is its best score times the origin's factor,
    plus a little for each further origin that names it."""
    per: dict[str, list[list]] = {}
    for r in rows:
        if r[1] is not None:
            per.setdefault(r[1], []).append(r)
    for group in per.values():
        central = any(ORIGINS[r[4]][0] for r in group)
        weight = max((r[6] or 0.0) * ORIGINS[r[4]][1] for r in group)
        weight = min(1.0, weight + 0.05 * (len({r[4] for r in group}) - 1))
        for r in group:
            r[10], r[11] = central, round(weight, 4)
