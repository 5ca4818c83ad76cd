"""``credential_runs``: one row per run (session, course instance) a source publishes for a listing.

The feed carries each run as the source's own text (``Listing.runs``, spiders/record.py); this step types the
dates, price, workload, language, pacing and mode of every run with the one set of parsers
(``pipeline/normalise``) and keeps the raw text beside each value. Only accepted listings' runs are read.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from pipeline.normalise.dates import parse_date
from pipeline.normalise.durations import parse_duration
from pipeline.normalise.languages import parse_language
from pipeline.normalise.prices import parse_price
from pipeline.normalise.vocab import parse_pacing, parse_participation

COLUMNS = {
    "uid": "VARCHAR", "credential_uid": "VARCHAR", "source": "VARCHAR", "run_index": "INTEGER", "run_id": "VARCHAR",
    "url": "VARCHAR", "start_date": "TIMESTAMPTZ", "end_date": "TIMESTAMPTZ", "start_text": "VARCHAR",
    "end_text": "VARCHAR", "pacing": "VARCHAR", "pacing_text": "VARCHAR", "participation": "VARCHAR",
    "participation_text": "VARCHAR", "language": "VARCHAR", "language_text": "VARCHAR", "cost_kind": "VARCHAR",
    "cost_amount": "DOUBLE", "cost_currency": "VARCHAR", "cost_period": "VARCHAR", "cost_offers": "JSON",
    "cost_text": "VARCHAR", "workload_hours": "DOUBLE", "length_weeks": "DOUBLE", "duration_text": "VARCHAR",
    "length_text": "VARCHAR", "instructors": "VARCHAR",
}


def _text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def type_run(run: dict) -> dict:
    """One run's raw texts -> the typed columns beside them."""
    raw = {k: _text(run.get(k)) for k in ("id", "url", "start", "end", "pacing_text", "participation_text",
                                          "language_text", "cost_text", "duration_text", "length_text", "instructors")}
    start, end = parse_date(raw["start"]), parse_date(raw["end"])
    price = parse_price(raw["cost_text"]) if raw["cost_text"] else None
    primary = price.primary if price else None
    work = parse_duration(raw["duration_text"], raw["length_text"]) if raw["duration_text"] or raw["length_text"] else None
    return {
        "run_id": raw["id"], "url": raw["url"], "start_date": start.iso, "end_date": end.iso,
        "start_text": raw["start"], "end_text": raw["end"],
        "pacing": parse_pacing(raw["pacing_text"]).value if raw["pacing_text"] else None,
        "pacing_text": raw["pacing_text"],
        "participation": parse_participation(raw["participation_text"]).value if raw["participation_text"] else None,
        "participation_text": raw["participation_text"],
        "language": parse_language(raw["language_text"]).tag if raw["language_text"] else None,
        "language_text": raw["language_text"],
        "cost_kind": primary.kind if primary else None, "cost_amount": primary.amount if primary else None,
        "cost_currency": primary.currency if primary else None, "cost_period": primary.period if primary else None,
        "cost_offers": json.dumps([o.as_dict() for o in price.offers]) if price and price.offers else None,
        "cost_text": raw["cost_text"],
        "workload_hours": work.hours if work else None, "length_weeks": work.weeks if work else None,
        "duration_text": raw["duration_text"], "length_text": raw["length_text"], "instructors": raw["instructors"],
    }


def build_runs(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("""
        select r.uid, s.credential_uid, r.source, r.runs
        from (select uid, source, runs from raw_listings where runs is not null and json_array_length(runs) > 0
              qualify row_number() over (partition by uid order by fetched_at desc) = 1) as r
        join listings as l using (uid)
        left join credential_sources as s using (uid)
        order by r.uid""").fetchall()
    out = []
    for uid, credential_uid, source, runs in rows:
        for i, run in enumerate(json.loads(runs) if isinstance(runs, str) else runs or []):
            if isinstance(run, dict):
                out.append({"uid": uid, "credential_uid": credential_uid, "source": source, "run_index": i, **type_run(run)})
    cols = ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items())
    con.execute(f"create or replace table credential_runs ({cols})")
    if out:
        frame = pd.DataFrame(out, columns=list(COLUMNS)).astype(object)  # object: DuckDB scans pandas 3 strings
        con.register("runs_frame", frame)
        con.execute("insert into credential_runs select " + ", ".join(f'cast("{c}" as {t})' for c, t in COLUMNS.items())
                    + " from runs_frame")
        con.unregister("runs_frame")
    return {"runs": len(out), "listings_with_runs": len({r["uid"] for r in out})}
