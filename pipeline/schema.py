"""DuckDB types for the canonical record, derived from :mod:`spiders.record` (the single definition), and for
the typed columns the normaliser derives from its raw text."""

from __future__ import annotations

from spiders.record import CREDENTIAL_TYPES, LISTING_FIELDS
from spiders.items import Quarantined
import dataclasses

# Columns of a raw listings feed, in feed order, as DuckDB types.
LISTING_COLUMNS: dict[str, str] = {f.name: f.metadata["sql"] for f in LISTING_FIELDS}

# Typed columns that exist only in the published `listings` / `credentials`: computed by pipeline/normalise
# from the record's raw text (sql/intermediate/int_listings_normalised.sql), never carried by the feed.
# Their meanings are in sql/dictionary.toml.
NORMALISED_COLUMNS: dict[str, str] = {
    "organisation_raw": "VARCHAR",
    "organisation_key": "VARCHAR",
    "issuer_country_text": "VARCHAR",
    "level": "VARCHAR",
    "eqf_level": "INTEGER",
    "eqf_provenance": "VARCHAR",
    "eqf_rule": "VARCHAR",
    "level_framework": "VARCHAR",
    "audience_level": "JSON",
    "language": "VARCHAR",
    "duration_hours": "DOUBLE",
    "duration_rule": "VARCHAR",
    "duration_hours_per_week": "DOUBLE",
    "duration_estimated": "BOOLEAN",
    "length_weeks": "DOUBLE",
    "length_days": "DOUBLE",
    "workload_hours": "DOUBLE",
    "workload_rule": "VARCHAR",
    "workload_provenance": "VARCHAR",
    "ects": "DOUBLE",
    "ects_estimated": "BOOLEAN",
    "ects_provenance": "VARCHAR",
    "ects_rule": "VARCHAR",
    "credits": "JSON",
    "credit_system": "VARCHAR",
    "cost_amount": "DOUBLE",
    "cost_currency": "VARCHAR",
    "cost_kind": "VARCHAR",
    "cost_period": "VARCHAR",
    "cost_offers": "JSON",
    "assessment_type": "VARCHAR",
    "assessment_types": "JSON",
    "assessment_source": "VARCHAR",
    "participation": "VARCHAR",
    "pacing": "VARCHAR",
    "supervision": "VARCHAR",
    "supervision_source": "VARCHAR",
    "supervised": "BOOLEAN",
    "identity_verified": "BOOLEAN",
    "quality_assurance": "VARCHAR",
    "quality_assurance_provenance": "VARCHAR",
    "quality_assurance_rule": "VARCHAR",
    "recognised_by": "JSON",
    "stackability": "VARCHAR",
}

QUARANTINE_COLUMNS: dict[str, str] = {
    f.name: ("TIMESTAMPTZ" if f.name == "fetched_at" else "VARCHAR") for f in dataclasses.fields(Quarantined)
}


def read_json_columns(columns: dict[str, str]) -> str:
    """A ``columns={...}`` struct literal for ``read_json``; names and types come from our own schema only."""
    return "{" + ", ".join(f"'{name}': '{sql}'" for name, sql in columns.items()) + "}"


def credential_type_rows() -> list[tuple[str, str, str, str]]:
    return [(term, ctdl, ob3, doc) for term, (ctdl, ob3, doc) in CREDENTIAL_TYPES.items()]
