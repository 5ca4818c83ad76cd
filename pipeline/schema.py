"""DuckDB types for the canonical record, derived from :mod:`spiders.record` (the single definition)."""

from __future__ import annotations

from spiders.record import CREDENTIAL_TYPES, LISTING_FIELDS
from spiders.items import Quarantined
import dataclasses

# Columns of a raw listings feed, in feed order, as DuckDB types.
LISTING_COLUMNS: dict[str, str] = {f.name: f.metadata["sql"] for f in LISTING_FIELDS}

QUARANTINE_COLUMNS: dict[str, str] = {
    f.name: ("TIMESTAMPTZ" if f.name == "fetched_at" else "VARCHAR") for f in dataclasses.fields(Quarantined)
}


def read_json_columns(columns: dict[str, str]) -> str:
    """A ``columns={...}`` struct literal for ``read_json``; names and types come from our own schema only."""
    return "{" + ", ".join(f"'{name}': '{sql}'" for name, sql in columns.items()) + "}"


def credential_type_rows() -> list[tuple[str, str, str, str]]:
    return [(term, ctdl, ob3, doc) for term, (ctdl, ob3, doc) in CREDENTIAL_TYPES.items()]
