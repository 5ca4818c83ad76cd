"""Lexical, offline mapping of free skill strings, titles and learning outcomes to taxonomy concepts.

Method, in order (the first that succeeds wins, per framework):

1. ``exact``      the normalised string equals a concept's normalised preferred label      score 1.00
2. ``alt_label``  ... equals one of its alternative labels (ESCO altLabels, derived O*NET
                  names such as "AWS" or "Azure", credcat curated labels)                 score 0.95
3. ``fuzzy``      rapidfuzz ``token_sort_ratio`` >= ``FUZZY_CUTOFF`` against every label     score ratio/100
4. ``contains``   the longest unambiguous label found as a whole-word n-gram inside the
                  string ("azure virtual machines" -> "azure")                             score 0.55..0.85

Titles and learning outcomes are long text: only step 4 runs on them (``title``/``outcome`` methods), and
only labels that are specific enough (not one common English word) may match.

``map_credential_skills(con)`` writes ``credential_skills``:
uid, skill_id (NULL when nothing matched), framework, raw, origin (skills | title | learning_outcomes),
method, score, matched_label, framework_version, skill_key (skill_id, or ``text:<normalised raw>``
when unmapped; the planner and ``skill_pathways`` group by it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .taxonomy import COMMON_WORDS, GENERIC_WORDS, ESCO_VERSION, ONET_VERSION, insert_rows, load_taxonomy

FRAMEWORKS = ("esco", "onet")
VERSIONS = {"esco": ESCO_VERSION, "onet": ONET_VERSION}
FUZZY_CUTOFF = 90.0
MIN_FUZZY_LEN = 6  # short strings ("sql", "r") only match exactly: fuzzy on them is noise

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
    skill_key VARCHAR NOT NULL
)
"""


def normalise(text: str | None) -> str:
    """Lower-case, accent-folded, punctuation-light form used for every comparison."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).lower()
    t = t.replace("&", " and ")
    t = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", t)  # node.js -> nodejs, asp.net -> aspnet
    t = re.sub(r"[^a-z0-9+#]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def text_key(raw: str) -> str:
    return "text:" + normalise(raw)


@dataclass(frozen=True)
class Match:
    skill_id: str
    framework: str
    label: str
    method: str
    score: float
    matched_label: str


class SkillMapper:
    """Indexes concept labels once; ``match`` is then cheap and cached."""

    def __init__(self, concepts: list[tuple]):
        # concepts: (skill_id, framework, label, alt_labels[, weight]); weight breaks ties between concepts
        # sharing a label (O*NET: the number of occupations that list the technology)
        self.labels: dict[str, str] = {}
        self.weight: dict[str, float] = {}
        self.exact: dict[str, dict[str, list[tuple[int, str, str]]]] = {f: {} for f in FRAMEWORKS}
        choices: dict[str, list[str]] = {f: [] for f in FRAMEWORKS}
        owners: dict[str, list[tuple[str, str, int]]] = {f: [] for f in FRAMEWORKS}
        for sid, fw, label, alts, *rest in concepts:
            self.labels[sid] = label
            self.weight[sid] = float(rest[0] or 0) if rest else 0.0
            for rank, name in [(0, label)] + [(1, a) for a in (alts or [])]:
                n = normalise(name)
                if not n:
                    continue
                self.exact[fw].setdefault(n, []).append((rank, sid, name))
                choices[fw].append(n)
                owners[fw].append((sid, name, rank))
        self.choices, self.owners = choices, owners
        self.match = lru_cache(maxsize=65536)(self._match)  # per mapper, so the cache dies with it
        self.max_ngram = 6

    @classmethod
    def from_connection(cls, con) -> SkillMapper:
        rows = con.execute(
            "SELECT skill_id, framework, label, alt_labels, occupation_count FROM skills ORDER BY skill_id"
        ).fetchall()
        return cls(rows)

    @classmethod
    def from_vendored(cls) -> SkillMapper:
        from .taxonomy import read_concepts

        concepts, _ = read_concepts()
        return cls([(c.skill_id, c.framework, c.label, c.alt_labels, c.occupation_count) for c in concepts.values()])

    # -- lookups ---------------------------------------------------------------------------------------
    def _best_exact(self, fw: str, n: str) -> Match | None:
        hits = self.exact[fw].get(n)
        if not hits:
            return None
        # preferred label beats alternative label; then the most widely used concept; then the shorter label
        # (an exact-case hit wins first: "iOS" is Apple iOS, "IOS" is Cisco IOS)
        case = self._raw_case or ""
        rank, sid, name = sorted(
            hits, key=lambda h: (h[2] != case, h[0], -self.weight[h[1]], len(self.labels[h[1]]), h[1])
        )[0]
        return Match(sid, fw, self.labels[sid], "exact" if rank == 0 else "alt_label", 1.0 if rank == 0 else 0.95, name)

    def _best_fuzzy(self, fw: str, n: str) -> Match | None:
        if len(n) < MIN_FUZZY_LEN:
            return None
        res = process.extractOne(n, self.choices[fw], scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF)
        if res is None:
            return None
        choice, score, idx = res
        if sorted(choice.split())[0][:1] != sorted(n.split())[0][:1]:
            return None  # spelling variants share their first letter; "developer" is not "jdeveloper"
        sid, name, _ = self.owners[fw][idx]
        return Match(sid, fw, self.labels[sid], "fuzzy", round(score / 100.0, 4), name)

    def _contained(self, fw: str, n: str, method: str, strict: bool) -> list[Match]:
        """Longest-first, non-overlapping whole-word n-grams of ``n`` that are labels of ``fw``."""
        tokens = n.split()
        used = [False] * len(tokens)
        found: list[Match] = []
        for size in range(min(self.max_ngram, len(tokens)), 0, -1):
            for i in range(0, len(tokens) - size + 1):
                if any(used[i:i + size]):
                    continue
                gram = " ".join(tokens[i:i + size])
                if size == 1 and len(gram) < (3 if strict else 2):
                    continue
                if gram in GENERIC_WORDS or gram in _STOP_PHRASES:
                    continue
                if gram in COMMON_WORDS and (strict or len(tokens) > 1):
                    continue  # "project" alone may be Microsoft Project; "capstone project" is not
                m = self._best_exact(fw, gram)
                if m is None:
                    continue
                if strict and size == 1 and m.method == "alt_label" and not m.matched_label[:1].isupper():
                    continue  # one lower-case alternative label is too loose for running text
                for j in range(i, i + size):
                    used[j] = True
                coverage = len(gram) / max(len(n), 1)
                score = round(0.55 + 0.3 * coverage, 4) if method == "contains" else round(0.6 + 0.2 * min(size, 3) / 3, 4)
                found.append(Match(m.skill_id, fw, m.label, method, score, m.matched_label))
        return found

    _raw_case: str | None = None

    def _match(self, raw: str, framework: str) -> Match | None:
        """Best concept of ``framework`` for a short skill string, or None."""
        n = normalise(raw)
        if not n:
            return None
        self._raw_case = raw.strip()
        for step in (self._best_exact, self._best_fuzzy):
            m = step(framework, n)
            if m is not None:
                return m
        contained = self._contained(framework, n, "contains", strict=False)
        if contained:
            return max(contained, key=lambda m: (m.score, m.skill_id))
        return None

    def match_all(self, raw: str) -> list[Match]:
        return [m for fw in FRAMEWORKS if (m := self.match(raw, fw)) is not None]

    def match_text(self, text: str, origin: str) -> list[Match]:
        """Concepts named inside running text (a title or a learning outcome)."""
        n = normalise(text)
        self._raw_case = None
        out: list[Match] = []
        for fw in FRAMEWORKS:
            out += self._contained(fw, n, origin, strict=True)
        return out


# Phrases that are labels somewhere but mean nothing specific inside a title.
_STOP_PHRASES = frozenset(
    {"introduction", "fundamentals", "basics", "learn", "get started", "explore", "manage", "implement",
     "design", "develop", "create", "use", "build", "work", "plan", "skills", "knowledge", "microsoft",
     "google", "amazon", "oracle", "ibm", "adobe", "apple", "part", "module", "path", "exam", "course",
     "certification", "certificate", "associate", "expert", "specialty", "professional", "assessment",
     "developer", "administrator", "engineer", "analyst", "architect"}
)


def alignment_targets(alignments) -> list[dict]:
    """Alignment objects ({framework, code, name, url, type}) from the JSON column, skipping occupations."""
    import json

    if not alignments:
        return []
    items = json.loads(alignments) if isinstance(alignments, str) else alignments
    return [a for a in items if isinstance(a, dict)
            and "onetonline.org/link/summary" not in (a.get("url") or "")  # an O*NET occupation, not a skill
            and "Occupation" not in (a.get("type") or "")]


def map_credential_skills(con, mapper: SkillMapper | None = None, use_titles: bool = True) -> dict[str, int]:
    """Map every credential's skills (and title, learning outcomes) to ESCO and O*NET; write credential_skills.

    Expects ``credentials(uid, title, skills VARCHAR[], [learning_outcomes VARCHAR[]])`` and, unless a
    mapper is passed, ``skills`` (run :func:`load_taxonomy` first; it is run here when absent).
    """
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if mapper is None:
        if "skills" not in tables:
            load_taxonomy(con)
        mapper = SkillMapper.from_connection(con)
    cols = {r[0] for r in con.execute("DESCRIBE credentials").fetchall()}
    lo = "learning_outcomes" if "learning_outcomes" in cols else "CAST(NULL AS VARCHAR[])"
    al = "alignments" if "alignments" in cols else "CAST(NULL AS JSON)"
    rows = con.execute(f"SELECT uid, title, skills, {lo}, {al} FROM credentials ORDER BY uid").fetchall()
    by_uri = {}
    if "skills" in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}:
        by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
            "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
    out: list[tuple] = []
    for uid, title, skills, outcomes, alignments in rows:
        seen: set[tuple[str, str]] = set()

        def add(m: Match | None, raw: str, origin: str, uid=uid, seen=seen) -> None:
            if m is None:
                return
            if (m.skill_id, origin) in seen:
                return
            seen.add((m.skill_id, origin))
            out.append((uid, m.skill_id, m.framework, raw, origin, m.method, m.score, m.matched_label,
                        VERSIONS[m.framework], m.skill_id))

        for raw in dict.fromkeys(s for s in (skills or []) if s and s.strip()):
            matches = mapper.match_all(raw)
            for m in matches:
                add(m, raw, "skills")
            if not matches:
                key = text_key(raw)
                if ("", key) not in seen:
                    seen.add(("", key))
                    out.append((uid, None, None, raw, "skills", "unmapped", None, None, None, key))
        if use_titles and title:
            for m in mapper.match_text(title, "title"):
                add(m, title, "title")
        for outcome in outcomes or []:
            for m in mapper.match_text(outcome, "outcome"):
                add(m, outcome, "learning_outcomes")
        # Open Badges alignments name a framework concept outright: its URI when we hold the concept, else
        # its name through the lexical mapper
        for a in alignment_targets(alignments):
            hit = by_uri.get((a.get("url") or "").rstrip("/"))
            raw = a.get("name") or a.get("url") or ""
            if hit:
                add(Match(hit[0], hit[1], hit[2], "alignment_uri", 1.0, hit[2]), raw, "alignment")
            elif a.get("name"):
                for m in mapper.match_all(a["name"]):
                    add(m, raw, "alignment")
    con.execute(CREDENTIAL_SKILLS_DDL)
    insert_rows(con, "credential_skills", out)
    mapped = sum(1 for r in out if r[1] is not None)
    return {"credential_skills": len(out), "mapped": mapped, "unmapped": len(out) - mapped}
