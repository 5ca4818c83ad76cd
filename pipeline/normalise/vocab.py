"""Controlled vocabularies for the EU 2022/C 243/02 elements that arrive as free text, with keyword mappings.

Each vocabulary is an ordered tuple of ``(value, pattern)``; patterns are matched against the folded text
(lower case, no diacritics). :func:`classify` returns every value whose pattern matches, in vocabulary
order, and a single ``value`` chosen by the vocabulary's rule (see each ``Vocabulary``). Nothing matched
gives ``value=None`` and a reason.

- ``PARTICIPATION`` (form of participation): online, onsite, blended (both named, or "hybrid"/"blended").
- ``PACING``: self_paced, scheduled (both named -> the first named wins: a "self-paced, scheduled exam"
  course is self-paced).
- ``ASSESSMENT`` (type of assessment): none, quiz, assignment, peer_review, project, exam,
  proctored_exam, practical; several may apply (``values``); ``value`` is the strongest named.
- ``SUPERVISION`` (EU optional element): unsupervised_no_id, supervised_no_id, supervised_with_id.
- ``QUALITY_ASSURANCE``: external_accreditation, internal, none_stated.
- ``STACKABILITY``: stackable, stand_alone.
- ``CREDENTIAL_TYPE``: the keys of ``spiders.record.CREDENTIAL_TYPES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, to_text


@dataclass(frozen=True, slots=True)
class VocabResult:
    raw: str | None
    value: str | None = None
    values: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    entries: tuple[tuple[str, re.Pattern[str]], ...]
    rule: str  # "first": first value in text order; "rank": highest in vocabulary order; "blend"
    allowed: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "allowed", tuple(v for v, _ in self.entries))


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


PARTICIPATION = Vocabulary(
    "participation",
    (
        ("blended", _p(r"\b(?:blended|hybrid|hybride|mixed[- ]mode|semi[- ]?presencial|b[- ]learning)\b")),
        ("onsite", _p(r"\b(?:on[- ]?site|in[- ]person|on[- ]campus|classroom|face[- ]to[- ]face|presential|"
                      r"presencial|presentiel|prasenz\w*|vor ort|in situ)\b")),
        ("online", _p(r"\b(?:online|on[- ]line|virtual|remote|e[- ]?learning|mooc|web[- ]based|distance|"
                      r"fernstudium|a distance|en linea|digital)\b")),
    ),
    rule="blend",
)
PACING = Vocabulary(
    "pacing",
    (
        ("self_paced", _p(r"\b(?:self[- ]?paced|self[- ]?study|on[- ]?demand|ondemand|on your time|at your own pace|"
                          r"own pace|selbstlern\w*|eigenen tempo|selbstbestimmt\w*|a votre rythme|a tu ritmo|"
                          r"a tu propio ritmo|asynchron\w*|anytime)\b")),
        ("scheduled", _p(r"\b(?:instructor[- ]led|instructor[- ]paced|scheduled|on a course schedule|cohort[- ]?based|"
                         r"cohort|session|sessions|live|synchron\w*|fixed dates|start date|termin\w*|"
                         r"mit betreuung|betreut)\b")),
    ),
    rule="first",
)
ASSESSMENT = Vocabulary(
    "assessment",
    (
        ("proctored_exam", _p(r"\b(?:proctored|invigilated|supervised exam\w*|beaufsichtigte? prufung|"
                              r"prasenzprufung|examen surveille)\b")),
        ("exam", _p(r"\b(?:exam|exams|examination|final test|prufung\w*|klausur\w*|examen|esame)\b")),
        ("practical", _p(r"\b(?:practical|hands[- ]on assessment|performance[- ]based|scenario[- ]based|lab[- ]based|"
                         r"lab assessment|praxis\w*)\b")),
        ("project", _p(r"\b(?:project|projects|capstone|portfolio|projekt\w*|proyecto)\b")),
        ("peer_review", _p(r"\b(?:peer[- ]?review\w*|peer[- ]?graded|peer[- ]?assessment|peer[- ]?feedback)\b")),
        ("assignment", _p(r"\b(?:assignments?|graded (?:work|homework)|homework|essay|hausarbeit|aufgabe\w*|"
                          r"devoirs?|tareas?)\b")),
        ("quiz", _p(r"\b(?:quiz|quizzes|quizze|multiple[- ]choice|self[- ]test|auto[- ]?graded|knowledge check)\b")),
        ("none", _p(r"\b(?:no assessment|not assessed|ohne prufung|no exam|sans evaluation|sin evaluacion|"
                    r"ungraded|participation only)\b")),
    ),
    rule="rank",
)
SUPERVISION = Vocabulary(
    "supervision",
    (
        ("supervised_with_id", _p(r"\b(?:id[- ]verifi\w*|identity[- ]verifi\w*|verified identity|photo id|"
                                  r"government[- ]issued id|ausweis\w*|identitatsprufung|proctored with id|"
                                  r"id check)\b")),
        ("supervised_no_id", _p(r"\b(?:proctored|supervised|invigilated|beaufsichtigt\w*|surveille\w*|"
                                r"presencial exam|prasenzprufung)\b")),
        ("unsupervised_no_id", _p(r"\b(?:unsupervised|unproctored|not proctored|no proctoring|self[- ]assessed|"
                                  r"unbeaufsichtigt\w*|honou?r code)\b")),
    ),
    rule="rank",
)
QUALITY_ASSURANCE = Vocabulary(
    "quality_assurance",
    (
        ("external_accreditation", _p(r"\b(?:accredit\w*|akkredit\w*|ace credit|ects|quality[- ]assured by|"
                                      r"recogni[sz]ed by|anerkannt|externally reviewed|qaa|aacsb|equis)\b")),
        ("internal", _p(r"\b(?:internal(?:ly)? (?:review\w*|quality\w*|qa)|reviewed by (?:the )?(?:faculty|university)|"
                        r"institutional quality|peer[- ]reviewed content)\b")),
        ("none_stated", _p(r"\b(?:no quality assurance|none|not stated|keine)\b")),
    ),
    rule="rank",
)
STACKABILITY = Vocabulary(
    "stackability",
    (
        ("stackable", _p(r"\b(?:stackable|stack\w*|credit towards|counts? towards|part of (?:a|the)|pathway|"
                         r"specialization|specialisation|professional certificate|micromasters|microbachelors|"
                         r"xseries|expert ?track|learning path|anrechenbar|anrechnung|credit transfer|"
                         r"integrated)\b")),
        ("stand_alone", _p(r"\b(?:stand[- ]?alone|standalone|single course|eigenstandig|independent)\b")),
    ),
    rule="rank",
)
CREDENTIAL_TYPE = Vocabulary(
    "credential_type",
    (
        ("applied_skill", _p(r"\b(?:applied ?skills?|appliedskills?)\b")),
        ("degree_program", _p(r"\b(?:micromasters|micro masters|mastertrack|masters? degree|bachelor'?s? degree|"
                              r"master certificate|mastercertificate|"
                              r"degree|degreeprogram|microbachelors)\b")),
        ("micro_credential", _p(r"\b(?:micro[- ]?credentials?|microcredentials?|mikro[- ]?zertifikat\w*|"
                                r"micro[- ]?certifications?)\b")),
        ("badge", _p(r"\b(?:badge|badges|badgeclass|digitalbadge|open ?badges?|digital badge)\b")),
        ("certification", _p(r"\b(?:certification|certifications|mergedcertifications?|zertifizierung|"
                             r"licen[cs]e)\b")),
        ("assessment", _p(r"\b(?:exam|exams|assessment|assessmentprofile|prufung)\b")),
        ("learning_program", _p(r"\b(?:learning ?paths?|learningpaths?|learning ?program\w*|specializations?|"
                                r"specialisations?|xseries|expert ?tracks?|program|programme|track|nanodegree|"
                                r"pathway|bundle)\b")),
        ("certificate", _p(r"\b(?:certificate|certificates|certificateofcompletion|professional ?certificate|"
                           r"zertifikat|certificat|certificado)\b")),
        ("course", _p(r"\b(?:course|courses|mooc|moocs|module|modules|unit|units|kurs|cours|curso|"
                      r"learningopportunity\w*|lesson|workshop|v1 session|v2 ondemand|ondemand)\b")),
    ),
    rule="rank",
)
VOCABULARIES = {
    v.name: v
    for v in (PARTICIPATION, PACING, ASSESSMENT, SUPERVISION, QUALITY_ASSURANCE, STACKABILITY, CREDENTIAL_TYPE)
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=16384)
def _classify(name: str, raw: str) -> VocabResult:
    vocab = VOCABULARIES[name]
    text = clean(raw)
    if not text:
        return VocabResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT * 5:
        return VocabResult(raw, reason=f"too_long: more than {MAX_INPUT * 5} characters")
    # "ceterms:CertificateOfCompletion", "learningPath", "v2.ondemand": split prefixes, camel case and dots
    text = text.split(":", 1)[1] if re.match(r"^[a-z]+:[A-Z]", text) else text
    t = fold(_CAMEL.sub(" ", text)).replace(".", " ").replace("_", " ")
    hits = [(m.start(), value) for value, pattern in vocab.entries if (m := pattern.search(t))]
    if not hits:
        return VocabResult(raw, reason=f"unparsed: no {name} keyword")
    values = tuple(v for v, _ in vocab.entries if any(v == h for _, h in hits))
    if vocab.rule == "first":
        value = min(hits)[1]
    elif vocab.rule == "blend":
        value = "blended" if "blended" in values or ("online" in values and "onsite" in values) else values[0]
    else:
        value = values[0]
    return VocabResult(raw, value, values)


def classify(vocabulary: str, text: object) -> VocabResult:
    """Map free text onto one of the named controlled vocabularies. Never raises."""
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; one of {', '.join(VOCABULARIES)}")
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(t) for t in text if t is not None)
    raw = to_text(text)
    if raw is None:
        return VocabResult(None, reason="missing: no value")
    try:
        return _classify(vocabulary, raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return VocabResult(raw, reason=f"error: {type(exc).__name__}")


def parse_participation(text: object) -> VocabResult:
    return classify("participation", text)


def parse_pacing(text: object) -> VocabResult:
    return classify("pacing", text)


def parse_assessment(text: object) -> VocabResult:
    return classify("assessment", text)


def parse_supervision(text: object) -> VocabResult:
    return classify("supervision", text)


def parse_quality_assurance(text: object) -> VocabResult:
    return classify("quality_assurance", text)


def parse_stackability(text: object) -> VocabResult:
    return classify("stackability", text)


def parse_credential_type(text: object) -> VocabResult:
    return classify("credential_type", text)
