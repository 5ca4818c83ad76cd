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


# National qualification framework levels -> EQF, as each country's EQF referencing report publishes them.
_SCQF = {"1": 1, "2": 1, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5, "8": 5, "9": 6, "10": 6, "11": 7, "12": 8}
_RQF = {"entry": 1, "1": 2, "2": 3, "3": 4, "4": 5, "5": 5, "6": 6, "7": 7, "8": 8}
_NFQ = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6, "8": 6, "9": 7, "10": 8}
_DQR = {str(i): i for i in range(1, 9)}
_NATIONAL = (
    ("SCQF", re.compile(r"\bscqf\s*(?:level|niveau)?\s*[-:]?\s*(1[0-2]|[1-9])\b"), _SCQF,
     "Scottish EQF referencing report 2010"),
    ("RQF", re.compile(r"\b(?:rqf|fheq|cqfw|nqf)\s*(?:level)?\s*[-:]?\s*(entry|[1-8])\b"), _RQF,
     "UK (England/Northern Ireland) EQF referencing report"),
    ("NFQ Ireland", re.compile(r"\bnfq\s*(?:ireland)?\s*(?:level)?\s*[-:]?\s*(10|[1-9])\b"), _NFQ,
     "Irish EQF referencing report"),
    ("DQR", re.compile(r"\b(?:dqr|dqr-niveau|dqr niveau)\s*(?:niveau|level|stufe)?\s*[-:]?\s*([1-8])\b"), _DQR,
     "German DQR, referenced 1:1 to EQF"),
)
# CTDL audienceLevelType degree levels -> the QF-EHEA cycle they name -> EQF.
_CTDL_DEGREE_LEVELS = {"AssociatesDegreeLevel": 5, "BachelorsDegreeLevel": 6, "MastersDegreeLevel": 7,
                       "DoctoralDegreeLevel": 8}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# CTDL audienceLevelType concepts (audLevel:), matched on the label or the local name.
AUDIENCE_LEVELS = (
    "BeginnerLevel", "IntermediateLevel", "AdvancedLevel", "SecondaryLevel", "LowerDivisionLevel",
    "UpperDivisionLevel", "PostSecondaryLevel", "AssociatesDegreeLevel", "BachelorsDegreeLevel",
    "MastersDegreeLevel", "DoctoralDegreeLevel", "GraduateLevel", "ProfessionalLevel", "ApprenticeshipLevel",
    "AdultBasicEducationLevel", "PreApprenticeshipLevel", "NonDegreeLevel", "PostBaccalaureateLevel",
    "PostMastersLevel", "PostDoctoralLevel", "FirstProfessionalDegreeLevel",
)


def _audience_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w[:-1]) + "s?" if w.endswith("s") else re.escape(w) for w in _CAMEL.sub(" ", term).lower().split()]
    return re.compile(r"\b" + r"\s*".join(words) + r"\b")


# the concepts' published labels where they differ from the local name ("Bachelor's Degree or Equivalent")
_AUDIENCE_LABELS = {
    "SecondaryLevel": r"\bsecondary school\b", "AssociatesDegreeLevel": r"\bassociate s? degree\b",
    "BachelorsDegreeLevel": r"\bbachelor s? degree\b", "MastersDegreeLevel": r"\bmaster s? degree\b",
    "DoctoralDegreeLevel": r"\bdoctoral degree\b|\bdoctorate\b",
}
_AUDIENCE = [(term, re.compile(_audience_pattern(term).pattern + (f"|{_AUDIENCE_LABELS[term]}" if term in
                                                                     _AUDIENCE_LABELS else "")))
             for term in AUDIENCE_LEVELS]


def audience_levels(text: object) -> tuple[str, ...]:
    """The CTDL ``audienceLevelType`` concepts a level text names (``audLevel:BachelorsDegreeLevel``,
    ``Bachelor's Degree Level``, ``Intermediate Level``), as local names, in vocabulary order."""
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(t) for t in text if t is not None)
    raw = to_text(text)
    if not raw:
        return ()
    t = fold(_CAMEL.sub(" ", clean(raw))).replace("'", " ").replace("\u2019", " ")
    return tuple(term for term, pattern in _AUDIENCE if pattern.search(t))


@dataclass(frozen=True, slots=True)
class LevelResult:
    raw: str | None
    level: str | None = None
    matched: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class EqfResult:
    """``stated`` is True only when the text names an EQF level itself; a national framework level, a QF-EHEA
    cycle or a CTDL degree audience level mapped onto EQF is derived, and ``note`` gives the mapping used;
    ``framework`` keeps the level as stated (``SCQF 7``, ``RQF 4``, ``QF-EHEA first cycle``)."""

    raw: str | None
    eqf: int | None = None
    note: str | None = None
    reason: str | None = None
    stated: bool = False
    framework: str | None = None


@lru_cache(maxsize=8192)
def _level(raw: str) -> LevelResult:
    text = clean(raw)
    if not text:
        return LevelResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return LevelResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    t = fold(_CAMEL.sub(" ", text))  # CTDL local names: "audLevel:BeginnerLevel"
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
        return EqfResult(raw, int(m.group(1) or m.group(2)), "stated", stated=True,
                         framework=f"EQF {m.group(1) or m.group(2)}")
    if (bad := _EQF_ANY_NUMBER.search(t)) is not None:
        return EqfResult(raw, reason=f"out_of_range: EQF level {bad.group(1)} is not 1-8")
    for name, pattern, table, source in _NATIONAL:
        if (n := pattern.search(t)) is not None:
            key = n.group(1)
            if key not in table:
                return EqfResult(raw, reason=f"out_of_range: {name} level {key} has no EQF level",
                                 framework=f"{name} {key}")
            return EqfResult(raw, table[key], f"{name} {key} -> EQF {table[key]} ({source})", framework=f"{name} {key}")
    for pattern, level in _CYCLES:
        if (c := pattern.search(t)) is not None:
            return EqfResult(raw, level, "QF-EHEA cycle mapped to EQF", framework=f"QF-EHEA {c.group(0)}")
    for term in audience_levels(text):
        if term in _CTDL_DEGREE_LEVELS:
            level = _CTDL_DEGREE_LEVELS[term]
            return EqfResult(raw, level, f"CTDL audience level {term} -> QF-EHEA cycle -> EQF {level}",
                             framework=f"CTDL {term}")
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
