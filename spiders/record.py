"""The canonical listing record: defined once, here.

Spiders yield :class:`Listing` items; the pipeline derives its DuckDB DDL and the data dictionary from the
same field list (``pipeline.schema``), so a column cannot exist in one place and not the other. This module
imports neither Scrapy, Dagster nor DuckDB, so every layer can read it.

The record carries the source's own text, never typed values: hours, levels, BCP-47 tags and prices are
computed from the ``*_text`` fields only by ``pipeline/normalise`` and exist only as published columns
(``pipeline.schema.NORMALISED_COLUMNS``).

Grounded in ``standards.md``: the EU micro-credential elements a catalogue can carry, CTDL credential classes
and Open Badges 3.0 ``achievementType`` (see :data:`CREDENTIAL_TYPES`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# Controlled vocabulary of credential types: our term -> (CTDL class, OB 3.0 achievementType, meaning).
# Kept small and stable; the normalisation work may widen it, never rename a term.
CREDENTIAL_TYPES: dict[str, tuple[str, str, str]] = {
    "course": ("ceterms:Course", "Course", "A single learning opportunity (course, module, MOOC)."),
    "learning_program": (
        "ceterms:LearningProgram",
        "LearningProgram",
        "An ordered bundle of courses or modules (learning path, Specialization, ExpertTrack, XSeries).",
    ),
    "assessment": ("ceterms:AssessmentProfile", "Assessment", "An exam or assessment that leads to a credential."),
    "certificate": (
        "ceterms:Certificate",
        "Certificate",
        "A certificate awarded for completing learning (certificate of completion, professional certificate).",
    ),
    "certification": (
        "ceterms:Certification",
        "Certification",
        "A time-limited credential awarded on passing an assessment, usually renewable (vendor certification).",
    ),
    "micro_credential": (
        "ceterms:MicroCredential",
        "MicroCredential",
        "A credential for a small volume of learning with stated outcomes (EU 2022/C 243/02 sense).",
    ),
    "badge": ("ceterms:DigitalBadge", "Badge", "A digital badge (Open Badges BadgeClass / Achievement)."),
    "applied_skill": (
        "ceterms:Badge",
        "Competency",
        "A credential that attests one skill through a practical, scenario-based assessment.",
    ),
    "degree_program": ("ceterms:MasterCertificate", "Degree", "A graduate-level programme (MicroMasters-style)."),
}


def _f(sql: str, doc: str, *, required: bool = False, default: Any = None, factory: Any = None):
    """A record field with the metadata the SQL DDL and the data dictionary are generated from."""
    meta = {"sql": sql, "doc": doc, "required": required}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class Listing:
    """One listing as one source publishes it, in canonical shape."""

    source: str = _f("VARCHAR", "Provider key from the provider configuration (e.g. `mslearn`).", required=True)
    source_id: str = _f("VARCHAR", "The provider's own identifier for the listing.", required=True)
    title: str = _f("VARCHAR", "Title as published.", required=True)
    url: str = _f("VARCHAR", "Canonical public URL of the listing (tracking parameters removed).", required=True)
    credential_type: str = _f(
        "VARCHAR", "Controlled credential type (see the `credential_types` vocabulary table).", required=True
    )
    description: str | None = _f("VARCHAR", "Description or summary, verbatim from the source.")
    organisation: str | None = _f("VARCHAR", "Awarding body: the organisation that awards or owns it.")
    platform: str | None = _f("VARCHAR", "Offering platform: where it is offered (e.g. Microsoft Learn).")
    duration_text: str | None = _f("VARCHAR", "Workload as the source states it (e.g. `PT25M`, `4-6 hours per week`).")
    length_text: str | None = _f("VARCHAR", "Calendar length as the source states it (e.g. `6 weeks`, `P20D`); never workload.")
    skills: list[str] = _f("VARCHAR[]", "Skill, subject or product strings as the source gives them.", factory=list)
    part_of: list[str] = _f("VARCHAR[]", "uids of larger credentials this one is a component of.", factory=list)
    has_part: list[str] = _f("VARCHAR[]", "uids of the components this credential bundles.", factory=list)
    prepares_for: list[str] = _f("VARCHAR[]", "uids of credentials this one prepares for.", factory=list)
    prepared_by: list[str] = _f(
        "VARCHAR[]", "uids of learning the source recommends to prepare for this one (study guides).", factory=list
    )
    alignments: list[dict] = _f(
        "JSON",
        "Alignments to skill or competency frameworks as the source states them (Open Badges `alignment[]`): "
        "a list of objects with `framework`, `code`, `name`, `url` and `type` (OB 3.0 targetType), any may be null.",
        factory=list,
    )
    # EU micro-credential elements (2022/C 243/02) and raw texts the normalisation step parses
    # (pipeline/normalise); the parsed, controlled values are columns of the published `listings`/`credentials`.
    learning_outcomes: list[str] = _f("VARCHAR[]", "Learning outcomes, verbatim, one per item.", factory=list)
    prerequisites: str | None = _f("VARCHAR", "Prerequisites as the source states them, verbatim.")
    level_text: str | None = _f("VARCHAR", "Level exactly as the source states it (parsed into `level`).")
    language_text: str | None = _f(
        "VARCHAR", "Language exactly as the source states it: one tag or name, or a comma-separated list (parsed into `language`)."
    )
    cost_text: str | None = _f(
        "VARCHAR", "Every offer exactly as the source states it, e.g. `Audit: USD 0; Verified certificate: USD 199` (parsed into the cost columns)."
    )
    credits_text: str | None = _f("VARCHAR", "Credits as stated, e.g. `5 ECTS` (parsed into `ects`).")
    eqf_text: str | None = _f("VARCHAR", "EQF / NQF level as stated (parsed into `eqf_level`).")
    issuer_country: str | None = _f("VARCHAR", "Country of the awarding body as stated (name or code).")
    participation_text: str | None = _f("VARCHAR", "Form of participation as stated (online, on-site, blended).")
    pacing_text: str | None = _f("VARCHAR", "Pacing as stated (self-paced, scheduled runs).")
    assessment_text: str | None = _f("VARCHAR", "Type of assessment as stated.")
    supervision_text: str | None = _f("VARCHAR", "Supervision and identity verification of assessment, as stated.")
    quality_assurance_text: str | None = _f("VARCHAR", "Quality assurance or accreditation, as stated.")
    recognition: list[dict] = _f(
        "JSON",
        "Bodies other than the awarding body that stand behind it, as the source names them: a list of objects "
        "with `role` (`accredited_by`, `approved_by`, `recognized_by`, `regulated_by`, `endorsed_by`), `name` and "
        "`id` (either may be null), e.g. CTDL `accreditedBy`/`recognizedBy`, Open Badges endorsements.",
        factory=list,
    )
    criteria_text: str | None = _f("VARCHAR", "What must be done to earn it, as stated (Open Badges criteria narrative).")
    code: str | None = _f("VARCHAR", "The source's human-readable code, e.g. `AZ-900` (OB `humanCode`, CTDL `codedNotation`).")
    runs: list[dict] = _f(
        "JSON",
        "Runs, sessions or course instances the source publishes, one object each, every value the source's own "
        "text (any may be null): `id`, `url`, `start`, `end` (dates as stated), `pacing_text`, "
        "`participation_text` (mode), `language_text`, `cost_text`, `duration_text` (workload), `length_text`, "
        "`instructors` (e.g. Coursera `startDate`, FutureLearn runs, edX start/end, MOOChub start/endDate, schema.org "
        "CourseInstance). Typed per run in the `credential_runs` table.",
        factory=list,
    )
    source_modified: str | None = _f("TIMESTAMPTZ", "When the source says the listing last changed (ISO 8601).")
    fetched_at: str = _f("TIMESTAMPTZ", "When the crawler fetched the response (ISO 8601, UTC).", required=True)
    source_url: str = _f("VARCHAR", "The URL of the response the record was read from.", required=True)
    raw: dict = _f("JSON", "The source's own record, unmodified.", factory=dict)
    uid: str = field(
        init=False,
        default="",
        metadata={"sql": "VARCHAR", "doc": "Stable id: `source:source_id`, the same on every crawl.", "required": True},
    )

    def __post_init__(self) -> None:
        self.uid = make_uid(self.source, self.source_id) if self.source and self.source_id else ""


def make_uid(source: str, source_id: str) -> str:
    """Stable, readable id: the same source record gets the same uid on every crawl."""
    return f"{source}:{source_id}"


LISTING_FIELDS = [f for f in dataclasses.fields(Listing)]
REQUIRED_FIELDS = [f.name for f in LISTING_FIELDS if f.metadata["required"]]


def validate(record: dict[str, Any]) -> list[str]:
    """Reasons a record breaks the canonical contract; an empty list means it is valid.

    Each reason starts with a short code (``missing_field``, ``wrong_type``, ``bad_vocabulary``) so the
    quarantine table can be grouped by it. Only the feed's own fields are checked: the vocabularies of typed
    values (level, cost kind) are guaranteed by the normaliser that computes them, and keys that are not
    fields of the record are ignored.
    """
    problems: list[str] = []
    for f in LISTING_FIELDS:
        value = record.get(f.name)
        if f.metadata["required"] and (value is None or (isinstance(value, str) and not value.strip())):
            problems.append(f"missing_field: {f.name} is required")
            continue
        if value is None:
            continue
        sql = f.metadata["sql"]
        ok = True
        if sql == "VARCHAR" or sql == "TIMESTAMPTZ":
            ok = isinstance(value, str)
        elif sql == "VARCHAR[]":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif sql == "JSON":
            ok = isinstance(value, (dict, list))
        if not ok:
            problems.append(f"wrong_type: {f.name} should be {sql}, got {type(value).__name__}")
    ctype = record.get("credential_type")
    if isinstance(ctype, str) and ctype and ctype not in CREDENTIAL_TYPES:
        problems.append(f"bad_vocabulary: credential_type {ctype!r} is not in the controlled list")
    return problems
