"""Levels: the provider's difficulty label -> beginner / intermediate / advanced / mixed; EQF levels 1-8.

Difficulty (:data:`LEVELS`, the `level` vocabulary):

- beginner: Beginner, Beginner Level, Introductory, Intro, Basic, Foundational, Fundamentals, Novice, Entry
  level, Elementary; Anfänger, Einsteiger, Grundlagen, Débutant, Principiante, Básico, Introductorio;
- intermediate: Intermediate, Intermediate Level, Medium, Mittel(stufe), Intermédiaire, Intermedio;
- advanced: Advanced, Expert, Expert Level, Fortgeschritten(e), Avancé, Avanzado, Experto;
- mixed: All Levels, Mixed, Any level, Alle Niveaus, Tous niveaux, Todos los niveles; and any text naming two
  or more different levels ("Beginner, Intermediate", "Beginner to Advanced", Microsoft Learn's
  ``levels: [beginner, intermediate]`` joined by the caller).

EQF (European Qualifications Framework) levels are read only when stated: ``EQF 5``, ``EQF level 6``,
``EQF-Niveau 4``, ``Level 7 EQF``, ``niveau 6 du CEC``; QF-EHEA cycles map to EQF (short cycle 5, first
cycle 6, second cycle 7, third cycle 8). A difficulty label is never turned into an EQF level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, to_text

LEVELS = ("beginner", "intermediate", "advanced", "mixed")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "mixed",
        re.compile(
            r"\b(?:all(?: skill)? levels?|all|mixed(?: levels?)?|any(?: level)?|every level|alle (?:niveaus|stufen|level)|"
            r"tous (?:les )?niveaux|todos los niveles|tutti i livelli|para todos|fur alle)\b"
        ),
    ),
    (
        "intermediate",
        re.compile(
            r"\b(?:intermediate|intermed|medium|moderate|mittel(?:stufe)?|mittleres niveau|intermediaire|intermedio|"
            r"intermedia|intermediario|medio)\b"
        ),
    ),
    (
        "advanced",
        re.compile(
            r"\b(?:advanced|advance|expert|experts|experienced|fortgeschrittene?n?|profis?|"
            r"experten|avance|avancee|avanzado|avanzada|avanzato|experto|esperto|avancado)\b"
        ),
    ),
    (
        "beginner",
        re.compile(
            r"\b(?:beginners?|introductory|intro|introduction|basic|basics|foundation|foundational|fundamentals?|"
            r"novice|entry(?:[- ]level)?|elementary|starter|anfanger(?:innen)?|einsteiger(?:innen)?|einfuhrung|"
            r"grundlagen|grundstufe|debutants?|debutantes?|principiantes?|basico|basica|introductorio|"
            r"introductoria|iniciacion|inicial|principiante|base)\b"
        ),
    ),
)
# "Fortgeschrittene Anfänger" (advanced beginners) is a beginner-plus level: intermediate.
_SPECIAL = {
    "fortgeschrittene anfanger": "intermediate",
    "advanced beginner": "intermediate",
    "advanced beginners": "intermediate",
    "beginner to advanced": "mixed",
    "beginner to expert": "mixed",
    "from beginner to advanced": "mixed",
}
_STRIP = re.compile(r"\b(?:level|levels|niveau|nivel|livello|stufe|course)\b|[^\w\s]")
_WS = re.compile(r"\s+")

_EQF = re.compile(
    r"\b(?:eqf|eqr|cec|eqf[- ]?level|eqf[- ]?niveau)\s*[-:]?\s*(?:level|niveau|nivel|stufe)?\s*[-:]?\s*([1-8])\b"
    r"|\b(?:level|niveau|nivel|stufe)\s*([1-8])\s*(?:\(?\s*(?:of the |du |de |des )?(?:eqf|eqr|cec|mec)\b)"
)
_EQF_ANY_NUMBER = re.compile(r"\b(?:eqf|eqr|cec)\b\D{0,12}(\d+)")
_CYCLES = (
    (re.compile(r"\bshort[- ]cycle\b"), 5),
    (re.compile(r"\bfirst[- ]cycle\b|\bbachelor'?s? level\b"), 6),
    (re.compile(r"\bsecond[- ]cycle\b|\bmaster'?s? level\b"), 7),
    (re.compile(r"\bthird[- ]cycle\b|\bdoctoral level\b"), 8),
)


@dataclass(frozen=True, slots=True)
class LevelResult:
    raw: str | None
    level: str | None = None
    matched: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class EqfResult:
    raw: str | None
    eqf: int | None = None
    note: str | None = None
    reason: str | None = None


@lru_cache(maxsize=8192)
def _level(raw: str) -> LevelResult:
    text = clean(raw)
    if not text:
        return LevelResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return LevelResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    t = fold(text)
    t = _WS.sub(" ", _STRIP.sub(" ", t.replace("_", " "))).strip()
    for phrase, value in _SPECIAL.items():
        if phrase in t:
            return LevelResult(raw, value, (value,))
    found = []
    for value, pattern in _PATTERNS:
        if pattern.search(t):
            found.append(value)
    if not found:
        return LevelResult(raw, reason="unparsed: no known level word")
    if "mixed" in found or len(found) > 1:
        return LevelResult(raw, "mixed", tuple(found))
    return LevelResult(raw, found[0], tuple(found))


def parse_level(text: object) -> LevelResult:
    """A difficulty label -> one of ``LEVELS``. A list of labels may be passed (joined with commas)."""
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(t) for t in text if t is not None)
    raw = to_text(text)
    if raw is None:
        return LevelResult(None, reason="missing: no value")
    try:
        return _level(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return LevelResult(raw, reason=f"error: {type(exc).__name__}")


@lru_cache(maxsize=8192)
def _eqf(raw: str) -> EqfResult:
    text = clean(raw)
    if not text:
        return EqfResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return EqfResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    t = fold(text)
    m = _EQF.search(t)
    if m:
        return EqfResult(raw, int(m.group(1) or m.group(2)), "stated")
    if (bad := _EQF_ANY_NUMBER.search(t)) is not None:
        return EqfResult(raw, reason=f"out_of_range: EQF level {bad.group(1)} is not 1-8")
    for pattern, level in _CYCLES:
        if pattern.search(t):
            return EqfResult(raw, level, "QF-EHEA cycle mapped to EQF")
    return EqfResult(raw, reason="unparsed: no EQF level stated")


def parse_eqf(text: object) -> EqfResult:
    """An EQF level (1-8) stated in text; an int 1-8 is accepted as is."""
    if isinstance(text, int) and not isinstance(text, bool):
        if 1 <= text <= 8:
            return EqfResult(str(text), text, "stated")
        return EqfResult(str(text), reason=f"out_of_range: EQF level {text} is not 1-8")
    raw = to_text(text)
    if raw is None:
        return EqfResult(None, reason="missing: no value")
    try:
        return _eqf(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return EqfResult(raw, reason=f"error: {type(exc).__name__}")
