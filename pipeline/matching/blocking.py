"""Blocking in DuckDB SQL: match keys for every record, then candidate pairs from several keys.

The SQL lives in ``sql/matching/`` (``match_keys``, ``match_blocks``, ``match_candidate_pairs``); this module
runs them by name through the one SQL runner (:func:`pipeline.warehouse.query`), with parameters, and hands
back numpy arrays (no Python loop per record or per pair).
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb
import numpy as np

from pipeline import warehouse

BLOCK_KEYS = {1: "url", 2: "title", 4: "org_compact_title", 8: "title_no_org", 16: "title_code", 32: "title_affix"}
DEFAULT_MAX_BLOCK = 100
TIMINGS: dict[str, float] = {}
HASHED = ["title_norm", "title_core", "title_nums", "title_codes", "run_key", "url_canon", "url_host", "slug",
          "slug_full", "title_compact", "title_skeleton", "platform_key", "level_key", "language_key"]
STRINGS = ["title_norm", "title_codes", "desc_text"]
# the keys that depend on a record's title, URL, platform, level and language alone (KEY_INPUTS), never on
# other records or the organisation: what the catalogue keeps per listing (``listing_match_keys``) so that
# a refresh computes them only for new and changed listings
STORED = ["title_norm", "title_core", "title_nums", "title_codes", "run_key", "url_canon", "url_host", "slug",
          "slug_full", "title_compact", "title_skeleton", "title_affixes", "platform_key", "level_key", "language_key"]
KEY_INPUTS = ("title", "url", "platform", "level", "language")
STORED_DDL = ", ".join(f"{c} {'UBIGINT[]' if c == 'title_affixes' else 'VARCHAR'}" for c in STORED)


def build_match_keys(con: duckdb.DuckDBPyConnection, *, keep_keys: bool = False) -> dict[str, np.ndarray]:
    """Run the keys model over the view ``match_input``; create ``match_keys`` and ``match_hashes``.

    ``match_input`` holds the records without stored keys; those with them (the table ``match_stored``:
    rid and the STORED columns) are read from it and joined with ``match_input_all`` (every record).

    Returns the per-record arrays scoring needs, indexed by rid: ``h_<key>`` (uint64 hash, 0 = empty),
    ``org_code``, ``duration`` and the strings ``title_norm``, ``title_codes``, ``desc_text``. Unless
    ``keep_keys``, the wide ``match_keys`` table is then reduced to what blocking still reads (memory).
    """
    import time
    t0 = time.perf_counter()
    warehouse.create_temp(con, "match_keys")
    con.execute(f"""insert into match_keys by name
        select i.rid, i.side, {', '.join(f's.{c}' for c in STORED)}, lower(left(coalesce(i.description, ''), 200))
               as desc_text, i.duration_hours as duration, coalesce(i.org_code, -1) as org_code,
               coalesce(i.block_org, -1) as block_org
        from match_input_all as i join match_stored as s using (rid)""")
    TIMINGS["keys_sql"] = time.perf_counter() - t0
    hashes = ", ".join(f"case when {c} <> '' then hash({c}) else 0 end as h_{c}" for c in HASHED)
    con.execute(f"""
        create or replace temp table match_hashes as
        select rid, side, {hashes}, org_code, block_org, duration,
               case when block_org >= 0 and title_norm <> '' then hash(block_org, replace(title_norm, ' ', '')) else 0 end
                   as h_org_compact,
               case when block_org >= 0 and title_core <> '' then hash(block_org, replace(title_core, ' ', '')) else 0 end
                   as h_org_compact_core
        from match_keys order by rid
    """)
    # the blocking models name their keys h_url, h_title, h_core, h_slug
    con.execute("""create or replace temp view match_blocking as
        select *, h_url_canon as h_url, h_title_norm as h_title, h_title_core as h_core from match_hashes""")
    TIMINGS["hashes_sql"] = time.perf_counter() - t0
    raw = con.execute("select * from match_blocking order by rid").fetchnumpy()
    arrays = {k: np.asarray(v) for k, v in raw.items() if k != "duration"}
    # NULL durations arrive masked: keep them as NaN (np.asarray would expose the masked fill value)
    arrays["duration"] = np.ma.filled(np.ma.asarray(raw["duration"]).astype(np.float64), np.nan)
    strings = con.execute(f"select {', '.join(STRINGS)} from match_keys order by rid").fetchnumpy()
    for k in STRINGS:
        arrays[k] = np.asarray(strings[k], dtype=object)
    del strings
    if keep_keys:
        return arrays
    # keep only what blocking still reads (title codes, link mode): the strings now live in numpy
    con.execute("create or replace temp table match_codes as select rid, side, title_codes, title_affixes from match_keys")
    con.execute("drop table match_keys")
    con.execute("alter table match_codes rename to match_keys")
    TIMINGS["fetch"] = time.perf_counter() - t0
    return arrays


class Candidates(NamedTuple):
    rid_l: np.ndarray
    rid_r: np.ndarray
    key_mask: np.ndarray          # bits: see BLOCK_KEYS
    skipped_blocks: dict[str, int]  # per key, blocks of more than max_block records (they proposed no pairs)


def candidate_pairs(
    con: duckdb.DuckDBPyConnection, *, link_mode: bool = False, max_block: int = DEFAULT_MAX_BLOCK,
    org_scoped: bool | None = None,
) -> Candidates:
    """Candidate pairs from ``match_hashes``, and how many blocks were too large to propose any.

    ``org_scoped`` (default: in dedupe mode) splits title blocks by organisation code."""
    if org_scoped is None:
        org_scoped = not link_mode
    params = {"max_block": max_block, "link_mode": link_mode, "org_scoped": org_scoped}
    warehouse.create_temp(con, "match_blocks", {"link_mode": link_mode, "org_scoped": org_scoped})
    res = warehouse.query(con, "match_candidate_pairs", params).fetchnumpy()
    skipped = con.execute("select key_bit, count(distinct key_value) from match_blocks where n > $max_block group by 1",
                          {"max_block": max_block}).fetchall()
    con.execute("drop table match_blocks")  # a row per record and key: freed before scoring (memory)
    return Candidates(np.asarray(res["rid_l"], dtype=np.int64), np.asarray(res["rid_r"], dtype=np.int64),
                      np.asarray(res["key_mask"], dtype=np.int32),
                      {BLOCK_KEYS[int(k)]: int(v) for k, v in sorted(skipped)})


def decode_key_mask(mask: int) -> list[str]:
    return [name for bit, name in BLOCK_KEYS.items() if int(mask) & bit]


def blocking_recall(rid_l: np.ndarray, rid_r: np.ndarray, truth_label: np.ndarray) -> tuple[float, int, int]:
    """Share of true matching pairs that blocking proposed: (recall, true pairs found, true pairs in total).

    ``truth_label[rid]`` is the true cluster of record ``rid``. Candidate pairs are unique, so counting the
    candidate pairs inside a true cluster needs no listing of the true pairs.
    """
    truth_label = np.asarray(truth_label)
    found = int(np.count_nonzero(truth_label[rid_l] == truth_label[rid_r]))
    _, counts = np.unique(truth_label, return_counts=True)
    total = int((counts.astype(np.int64) * (counts - 1) // 2).sum())
    return (found / total if total else 1.0), found, total
