"""The straightforward skill mapping of credentials that the fast one must equal (issue 16): every n-gram of a
text tried against the labels, and every credential mapped on its own, with no cache, as
``SkillMapper.match_text`` and ``map_credential_skills`` did at d12b805 (session 4). Used by
``tests/test_skill_mapping_speed.py`` (identity) and ``benchmarks/skill_mapping_benchmark.py`` (before)."""

from __future__ import annotations

from pipeline.skills.lexical import STOPWORDS, normalise, tokens
from pipeline.skills.mapping import (
    _STOP_PHRASES,
    FRAMEWORKS,
    ORIGINS,
    VERSIONS,
    SkillMapper,
    _language_subject,
    SkillMatch,
    alignment_targets,
    text_key,
)


def reference_match_text(mapper: SkillMapper, text: str, origin: str) -> list[SkillMatch]:
    """Concepts whose whole label occurs inside running text: every n-gram, longest first, then leftmost."""
    words = normalise(text).split()
    qstems = tokens(text)
    out: list[SkillMatch] = []
    for fw in FRAMEWORKS:
        used = [False] * len(words)
        for size in range(min(mapper.max_ngram, len(words)), 0, -1):
            for i in range(0, len(words) - size + 1):
                if any(used[i:i + size]):
                    continue
                gram = " ".join(words[i:i + size])
                if gram in _STOP_PHRASES or (size == 1 and (gram in STOPWORDS or len(gram) < 3)):
                    continue
                if gram in mapper.languages and not _language_subject(text, gram, mapper.languages):
                    continue  # session 11: a language only as the subject ("Chinese Medicine"; session 12: of any
                    # length, "The Ancient Greek Hero")
                hits = [mapper.entries[fw][ei] for ei in mapper.keys[fw]["norm"].get(gram, [])]
                hits = [e for e in hits if size > 1 or not e.label.islower()]
                hits = [e for e in hits if mapper._false_friend(qstems, e, mapper.concepts[e.concept]) is None
                        and not (size == 1 and set(e.stems) <= e.ambiguous)]
                if not hits:
                    continue
                e = min(hits, key=lambda h: (not h.pref, len(mapper.concepts[h.concept].label), h.concept))
                c = mapper.concepts[e.concept]
                for j in range(i, i + size):
                    used[j] = True
                score = round(0.6 + 0.2 * min(size, 3) / 3, 4)
                out.append(SkillMatch(c.skill_id, c.label, fw, score, f"{origin} contains the label {e.label!r}",
                                      c.public_id, origin, e.label))
    return out


def reference_rows(mapper: SkillMapper, rows: list[tuple], by_uri: dict, use_titles: bool = True) -> list[list]:
    """``credential_skills`` rows for (uid, title, skills, outcomes, alignments, description) tuples, one
    credential at a time, each text mapped afresh (tags through the mapper's own answer cache, as before)."""
    match_all = mapper.match_all
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
            matches = match_all(raw)
            for m in matches:
                add(m, raw, "skills")
            if not matches:
                key = text_key(raw)
                if ("", key) not in seen:
                    seen.add(("", key))
                    out.append([uid, None, None, raw, "skills", "unmapped", None, None, None, key, True, None])
        for a in alignment_targets(alignments):
            hit = by_uri.get((a.get("url") or "").rstrip("/"))
            raw = a.get("name") or a.get("url") or ""
            if hit:
                add(SkillMatch(hit[0], hit[2], hit[1], 1.0, "alignment names the concept's URI", method="alignment_uri",
                               matched_label=hit[2]), raw, "alignment")
            elif a.get("name"):
                for m in match_all(a["name"]):
                    add(m, raw, "alignment")
        if use_titles and title:
            for m in reference_match_text(mapper, title, "title"):
                add(m, title, "title")
        for outcome in outcomes or []:
            for m in reference_match_text(mapper, outcome, "outcome"):
                add(m, outcome, "learning_outcomes")
        if description:
            for m in reference_match_text(mapper, description[:4000], "description"):
                add(m, description[:200], "description")
        _centrality(out[first:])
    return out


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
