"""Blocking in DuckDB SQL: match keys for every record, then candidate pairs from several keys.

The SQL lives in ``sql/intermediate/int_match_keys.sql`` and ``sql/intermediate/int_match_candidate_pairs.sql``;
this module registers the input, runs them and hands back numpy arrays (no Python loop per record or pair).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.matching.keys import BOILERPLATE_SQL, TRACKING_PARAMS_SQL

SQL_DIR = Path(__file__).resolve().parents[2] / "sql" / "intermediate"
BLOCK_KEYS = ("url", "title", "title_tokens", "org_title_prefix")
DEFAULT_MAX_BLOCK = 100


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def build_match_keys(con: duckdb.DuckDBPyConnection, records: pd.DataFrame) -> pd.DataFrame:
    """Register ``records`` (rid, side, title, url, description, duration_hours, level, language, platform,
    org_key, org_acr) as ``match_input``, create table ``match_keys`` and return it ordered by rid."""
    con.register("match_input_df", records)
    con.execute("create or replace temp view match_input as select * from match_input_df")
    con.execute(
        "create or replace temp table match_keys as " + _sql("int_match_keys"), {"tracking": TRACKING_PARAMS_SQL, "boilerplate": BOILERPLATE_SQL}
    )
    con.unregister("match_input_df")
    return con.execute("select * from match_keys order by rid").df()


def candidate_pairs(
    con: duckdb.DuckDBPyConnection, *, link_mode: bool = False, max_block: int = DEFAULT_MAX_BLOCK
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (rid_l, rid_r, key_mask) from table ``match_keys``.

    ``key_mask`` has bit i set when blocking key ``BLOCK_KEYS[i]`` proposed the pair.
    """
    sql = _sql("int_match_candidate_pairs")
    mask_expr = " + ".join(
        f"(case when list_contains(block_keys, '{k}') then {1 << i} else 0 end)" for i, k in enumerate(BLOCK_KEYS)
    )
    rel = con.execute(
        f"select rid_l, rid_r, ({mask_expr})::integer as key_mask from ({sql}) order by rid_l, rid_r",
        {"max_block": max_block, "link_mode": link_mode},
    )
    res = rel.fetchnumpy()
    return (
        np.asarray(res["rid_l"], dtype=np.int64),
        np.asarray(res["rid_r"], dtype=np.int64),
        np.asarray(res["key_mask"], dtype=np.int32),
    )


def skipped_blocks(con: duckdb.DuckDBPyConnection, *, max_block: int = DEFAULT_MAX_BLOCK) -> dict[str, int]:
    """How many blocks per key were too large (> max_block records) and so proposed no pairs."""
    sql = _sql("int_match_candidate_pairs")
    head = sql[: sql.index("kept as")].rstrip().rstrip(",")
    rows = con.execute(
        head + " select key_name, count(*) from block_sizes where n > $max_block group by 1", {"max_block": max_block}
    ).fetchall()
    return {k: int(v) for k, v in rows}


def decode_key_mask(mask: int) -> list[str]:
    return [k for i, k in enumerate(BLOCK_KEYS) if mask & (1 << i)]


def blocking_recall(rid_l: np.ndarray, rid_r: np.ndarray, truth_label: np.ndarray) -> tuple[float, int, int]:
    """Share of true matching pairs that blocking proposed: (recall, true pairs found, true pairs in total).

    ``truth_label[rid]`` is the true cluster of record ``rid`` (dedupe mode). Candidate pairs are unique,
    so counting the candidate pairs inside a true cluster needs no pair listing of the truth.
    """
    truth_label = np.asarray(truth_label)
    found = int(np.count_nonzero(truth_label[rid_l] == truth_label[rid_r]))
    _, counts = np.unique(truth_label, return_counts=True)
    total = int((counts.astype(np.int64) * (counts - 1) // 2).sum())
    return (found / total if total else 1.0), found, total
