"""Parse every distinct raw value of the staged listings once and hand DuckDB lookup tables to join back.

DuckDB does the set work (``SELECT DISTINCT``, the joins in ``sql/intermediate/int_listings_normalised.sql``);
Python only parses each distinct string once. The tables are named ``seed_parsed_<kind>`` and never
published (the raw text stays beside every parsed value in ``credentials``). This is the only way a typed
value reaches the catalogue: the feed carries text only (contract 1 of TEAM.md).
"""

from __future__ import annotations

import json

import duckdb

V, D, B, I, J = "VARCHAR", "DOUBLE", "BOOLEAN", "INTEGER", "JSON"

# kind -> (raw columns of stg_listings, in the parser's argument order, {parsed column kept: DuckDB type}).
# The lookup table is keyed by `raw` (and `raw_length` for the duration's second input).
LOOKUPS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "duration": (("duration_text", "length_text"), {
        "duration_hours": D, "duration_rule": V, "duration_hours_per_week": D, "duration_estimated": B,
        "length_weeks": D, "length_days": D, "duration_reason": V,
        "ects_estimate": D, "ects_estimate_rule": V}),
    "price": (("cost_text",), {"cost_kind": V, "cost_amount": D, "cost_currency": V, "cost_period": V,
                               "cost_offers": J, "price_reason": V}),
    "level": (("level_text",), {"level": V, "level_reason": V}),
    "language": (("language_text",), {"language": V, "languages": J, "language_reason": V}),
    "organisation": (("organisation",), {"organisation_name": V, "organisation_key": V, "organisation_country": V,
                                         "organisation_known": B, "organisation_reason": V}),
    "country": (("issuer_country",), {"issuer_country": V, "country_reason": V}),
    "credits": (("credits_text",), {"credits": J, "credit_system": V, "credits_ects": D, "credits_ects_stated": B,
                                    "credits_ects_rule": V, "credits_hours": D, "credits_hours_stated": B,
                                    "credits_hours_rule": V, "credits_reason": V}),
    "text_ects": (("description",), {"text_ects": D, "text_ects_hours": D, "text_ects_hours_rule": V}),
    "eqf": (("eqf_text",), {"eqf_level": I, "eqf_stated": B, "eqf_rule": V, "eqf_framework": V, "eqf_reason": V}),
    "level_eqf": (("level_text",), {"eqf_level": I, "eqf_stated": B, "eqf_rule": V, "eqf_framework": V}),
    "audience": (("level_text",), {"audience_level": J}),
    "recognition": (("recognition",), {"recognition_bodies": J, "recognition_quality_assurance": V,
                                       "recognition_rule": V, "recognition_reason": V}),
    "participation": (("participation_text",), {"participation": V, "participation_reason": V}),
    "pacing": (("pacing_text",), {"pacing": V, "pacing_reason": V}),
    "assessment": (("assessment_text",), {"assessment": V, "assessment_values": J, "assessment_reason": V}),
    "criteria_assessment": (("criteria_text",), {"assessment": V, "assessment_values": J}),
    "supervision": (("supervision_text",), {"supervision": V, "supervision_reason": V}),
    "assessment_supervision": (("assessment_text",), {"supervision": V}),
    "criteria_supervision": (("criteria_text",), {"supervision": V}),
    "quality_assurance": (("quality_assurance_text",), {"quality_assurance": V, "quality_assurance_reason": V}),
}
# Lookups that run a parser on another raw column than its own (lookup name -> parser kind of frame.KINDS).
PARSER_OF = {"level_eqf": "eqf", "criteria_assessment": "assessment", "assessment_supervision": "supervision",
             "criteria_supervision": "supervision"}
# Lookups whose raw column is long free text: only values that can hold what the parser reads are parsed (a
# description without "ects" states no ECTS figure), so a million distinct descriptions never reach Python.
PREFILTER = {"text_ects": "description ilike '%ects%'"}
KEYS = ("raw", "raw_length")  # names of the raw key columns of a lookup table, in input order


def _jsonable(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def build_lookups(con: duckdb.DuckDBPyConnection, source_table: str = "stg_listings") -> dict[str, int]:
    """Create ``seed_parsed_<kind>(raw, <parsed columns>)`` for every kind; returns distinct values per kind."""
    import pandas as pd  # here, not at the top: the registry reads LOOKUPS at start-up, for every command

    from pipeline.normalise.frame import parse_distinct

    counts = {}
    for kind, (inputs, keep) in LOOKUPS.items():
        keys = KEYS[: len(inputs)]
        select = ", ".join(f"{col}::varchar as {key}" for col, key in zip(inputs, keys))
        where = " or ".join(f"{col} is not null" for col in inputs)
        if kind in PREFILTER:
            where = f"({where}) and {PREFILTER[kind]}"
        distinct = con.execute(f"select distinct {select} from {source_table} where {where}").df()
        parsed = parse_distinct(PARSER_OF.get(kind, kind), distinct.astype(object) if len(inputs) > 1 else
                                distinct["raw"].astype(object).rename("raw"))
        frame = pd.DataFrame({key: parsed[key].astype(object) for key in keys})
        for col, typ in keep.items():
            values = parsed[col] if col in parsed.columns else pd.Series([None] * len(parsed), dtype=object)
            frame[col] = values.map(_jsonable).astype(object) if typ == J else values
        types = {**{key: V for key in keys}, **keep}
        cols = ", ".join(f'"{c}" {t}' for c, t in types.items())
        con.execute(f"create or replace table seed_parsed_{kind} ({cols})")
        if len(frame):
            con.register("parsed_frame", frame)
            try:
                casts = ", ".join(f'cast("{c}" as {t})' for c, t in types.items())
                con.execute(f"insert into seed_parsed_{kind} select {casts} from parsed_frame")
            finally:
                con.unregister("parsed_frame")
        counts[kind] = len(frame)
    return counts
