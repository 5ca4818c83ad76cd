"""Parse every distinct raw value of the staged listings once and hand DuckDB lookup tables to join back.

DuckDB does the set work (``SELECT DISTINCT``, the joins in ``sql/intermediate/int_listings_normalised.sql``);
Python only parses each distinct string once. The tables are named ``seed_parsed_<kind>`` and never
published (the raw text stays beside every parsed value in ``credentials``).
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from pipeline.normalise.frame import parse_distinct

V, D, B, I, J = "VARCHAR", "DOUBLE", "BOOLEAN", "INTEGER", "JSON"

# kind -> (SQL expression over stg_listings giving the raw value, {parsed column kept: DuckDB type})
LOOKUPS: dict[str, tuple[str, dict[str, str]]] = {
    "duration": ("duration_text", {"duration_hours": D, "duration_estimated": B, "duration_reason": V}),
    "price": ("cost_text", {"cost_kind": V, "cost_amount": D, "cost_currency": V, "cost_period": V,
                            "cost_offers": J, "price_reason": V}),
    "level": ("coalesce(level_text, level)", {"level": V, "level_reason": V}),
    "language": ("coalesce(language_text, language)", {"language": V, "languages": J, "language_reason": V}),
    "organisation": ("organisation", {"organisation_name": V, "organisation_key": V, "organisation_country": V,
                                      "organisation_known": B, "organisation_reason": V}),
    "country": ("issuer_country", {"issuer_country": V, "country_reason": V}),
    "ects": ("credits_text", {"ects_stated": D, "ects_reason": V}),
    "eqf": ("eqf_text", {"eqf_level": I, "eqf_reason": V}),
    "participation": ("participation_text", {"participation": V, "participation_reason": V}),
    "pacing": ("pacing_text", {"pacing": V, "pacing_reason": V}),
    "assessment": ("assessment_text", {"assessment": V, "assessment_reason": V}),
    "supervision": ("supervision_text", {"supervision": V, "supervision_reason": V}),
    "quality_assurance": ("quality_assurance_text", {"quality_assurance": V, "quality_assurance_reason": V}),
}


def _jsonable(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def build_lookups(con: duckdb.DuckDBPyConnection, source_table: str = "stg_listings") -> dict[str, int]:
    """Create ``seed_parsed_<kind>(raw, <parsed columns>)`` for every kind; returns distinct values per kind."""
    counts = {}
    for kind, (expr, keep) in LOOKUPS.items():
        distinct = con.execute(f"select distinct {expr} as raw from {source_table} where {expr} is not null").df()
        parsed = parse_distinct(kind, distinct["raw"].astype(object).rename("raw"))
        frame = pd.DataFrame({"raw": parsed["raw"].astype(object)})
        for col, typ in keep.items():
            values = parsed[col] if col in parsed.columns else pd.Series([None] * len(parsed), dtype=object)
            frame[col] = values.map(_jsonable).astype(object) if typ == J else values
        cols = ", ".join(f'"{c}" {t}' for c, t in {"raw": V, **keep}.items())
        con.execute(f"create or replace table seed_parsed_{kind} ({cols})")
        if len(frame):
            con.register("parsed_frame", frame)
            try:
                casts = ", ".join(f'cast("{c}" as {t})' for c, t in {"raw": V, **keep}.items())
                con.execute(f"insert into seed_parsed_{kind} select {casts} from parsed_frame")
            finally:
                con.unregister("parsed_frame")
        counts[kind] = len(frame)
    return counts
