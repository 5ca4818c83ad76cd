"""The public entry points of the matcher: deduplicate one table, link two tables.

    dedupe_frame(df, previous_membership=None) -> DedupeResult(clusters, links, pairs, stats)
    link_frames(left, right) -> DataFrame[left_id, right_id, score, evidence]

Merging clusters into credentials (survivorship) is the SQL model ``sql/marts/credentials.sql``.

Two relations are kept apart (see docs/deduplication.md):

* duplicate - the same offering seen more than once: a pair above the threshold on the same platform (or with
  the same canonical URL), same organisation, no conflicting run markers. Duplicates are merged into one
  credential (one cluster); every record stays a member.
* same_as - the same course on another platform, or another run of it: a pair above the threshold that is not a
  duplicate, whose organisations agree. Kept as separate credentials with a link and its evidence.

Different organisations are neither: ``org_diff`` is a cannot-link for both relations.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, TextIO

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import warehouse
from pipeline.matching import blocking
from pipeline.matching.cluster import assign_cluster_ids, connected_components, constrained_clusters
from pipeline.matching.keys import AFFIXES, Affixes, clean_title_macro, org_acronym, org_key
from pipeline.matching.scoring import FEATURES, MatchParams, compute_signals, explain, predict_proba

STANDARD_COLUMNS = ["id", "title", "organisation", "platform", "url", "description", "duration_hours", "level",
                    "language"]
REQUIRED_COLUMNS = ["id", "title", "organisation"]
# accepted spellings of the standard columns (canonical Listing fields and the CLI's names)
COLUMN_ALIASES = {"provider": "organisation", "uid": "id", "organization": "organisation"}
INDICATORS = [f for f in FEATURES if not f.endswith("_sim")]
EXPLAIN_AUTO_LIMIT = 50_000


class DedupeResult(NamedTuple):
    clusters: pd.DataFrame   # id, cluster_id
    links: pd.DataFrame      # cluster_id_l, cluster_id_r, left_id, right_id, score, relation, evidence
    pairs: pd.DataFrame      # every scored pair: left_id, right_id, score, relation, signals, explanation
    stats: dict


class MissingColumnsError(ValueError):
    """The input lacks required columns."""


def standardise(df: pd.DataFrame, column_map: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename the input's columns to the standard names, add missing optional ones, check required ones.

    ``column_map`` maps a standard name to the input's column name (``{"title": "course_name"}``). Values
    are not converted here (DuckDB casts them), so this is cheap at a million rows.
    """
    column_map = {COLUMN_ALIASES.get(k, k): v for k, v in dict(column_map or {}).items() if v}
    cols: dict[str, pd.Series] = {}
    for std, src in column_map.items():
        if src not in df.columns:
            raise MissingColumnsError(f"column {src!r} (given for {std!r}) is not in the input; "
                                      f"columns present: {', '.join(map(str, df.columns))}")
        cols[std] = df[src]
    for c in df.columns:
        std = COLUMN_ALIASES.get(str(c), str(c))
        if std in STANDARD_COLUMNS and std not in cols:
            cols[std] = df[c]
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        names = ", ".join("provider" if m == "organisation" else m for m in missing)
        flag = "provider" if missing[0] == "organisation" else missing[0]
        raise MissingColumnsError(f"missing required column(s): {names}; columns present: "
                                  f"{', '.join(map(str, df.columns))} (name another column with --{flag}-col)")
    out = pd.DataFrame({c: (cols[c].reset_index(drop=True) if c in cols else pd.Series(np.full(len(df), None, dtype=object)))
                        for c in STANDARD_COLUMNS})
    if not pd.api.types.is_string_dtype(out["id"]):
        out["id"] = out["id"].astype(str)
    dup = out["id"].duplicated()
    if dup.any():
        raise ValueError(f"ids must be unique; {out['id'][dup].iloc[0]!r} appears more than once")
    return out


def resolve_acronyms(keys: list[str]) -> list[str]:
    """Map an organisation key that is the acronym of exactly one other key in the data onto that key.

    "ucsc" -> "university california santa cruz" when that is the only organisation with those initials;
    an ambiguous acronym is left alone. Runs on distinct organisations only.
    """
    by_acr: dict[str, set[str]] = {}
    for k in set(keys):
        a = org_acronym(k)
        if len(a) >= 3:
            by_acr.setdefault(a, set()).add(k)
    out = []
    for k in keys:
        if k and " " not in k and k in by_acr and len(by_acr[k]) == 1:
            out.append(next(iter(by_acr[k])))
        else:
            out.append(k)
    return out


@lru_cache(maxsize=200_000)
def _org_key(name: str) -> str:
    """org_key without a resolver, once per name per process (a refresh resolves a type's names several times)."""
    return org_key(name)


def isin(values, wanted) -> np.ndarray:
    """``values`` (a column of ids) in ``wanted`` (any iterable of ids) as a boolean array: pyarrow's hash
    lookup (a pandas 3 string column's ``isin`` of a Python set is slow at 100k ids)."""
    import pyarrow.compute as pc

    col = pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)
    return pc.is_in(col, value_set=pa.array(list(wanted), pa.string(), from_pandas=True)
                    ).fill_null(False).to_numpy(zero_copy_only=False)


def org_resolution(names, org_resolver: Callable[[str], str | None] | None = None) -> dict[str, tuple[str, bool]]:
    """Per distinct organisation name: its key after acronym resolution over all ``names``, and whether
    that key is an acronym several organisations share (blocking treats it like a missing organisation)."""
    distinct = sorted({str(n) for n in names if not pd.isna(n)})
    keys = resolve_acronyms([org_key(n, org_resolver) if org_resolver else _org_key(n) for n in distinct])
    acronyms = {a for a in map(org_acronym, set(keys)) if len(a) >= 3}
    return {n: (k, " " not in k and k in acronyms) for n, k in zip(distinct, keys)}


DEFAULT_MATCH_MEMORY = "1500MB"


def _connect() -> duckdb.DuckDBPyConnection:
    """The matcher's own DuckDB connection, its memory capped (``CREDCAT_MATCH_MEMORY``, default 1500MB; the rest
    spills to a temporary directory) so that a million records stay within the machine's memory budget."""
    import os
    import tempfile

    con = duckdb.connect()
    con.execute("set memory_limit = ?", [os.environ.get("CREDCAT_MATCH_MEMORY") or DEFAULT_MATCH_MEMORY])
    # one directory per process (DuckDB creates it when it spills and removes it on close)
    con.execute("set temp_directory = ?", [os.path.join(tempfile.gettempdir(), f"credcat-match-{os.getpid()}")])
    return con


def _input_views(con: duckdb.DuckDBPyConnection, keys: pa.Table | str | None) -> None:
    """``match_input_all`` (every record of ``match_raw``), ``match_stored`` (the given keys by rid) and
    ``match_input`` (the records whose keys the keys model computes: those without stored keys)."""
    con.execute("""
        create or replace temp view match_input_all as
        select rid, side, cast(title as varchar) as title, cast(url as varchar) as url,
               cast(description as varchar) as description, try_cast(duration_hours as double) as duration_hours,
               cast(level as varchar) as level, cast(language as varchar) as language,
               cast(platform as varchar) as platform, org_code, block_org
        from match_raw
    """)
    drop_relation(con, "match_stored")
    cols = ", ".join(f"k.{c}" for c in blocking.STORED)
    if isinstance(keys, str):  # a table of the connection (uid, blocking.STORED): listing_match_keys, read in
        # place (a copy of a million listings' wide keys held ~0.5 GB while the matcher ran)
        con.execute(f"create temp view match_stored as select r.rid, {cols} from match_raw as r join {keys} as k on k.uid = r.id")
        con.execute("create or replace temp view match_input as select * from match_input_all anti join match_stored using (rid)")
        return
    con.execute(f"create temp table match_stored (rid BIGINT, {blocking.STORED_DDL})")
    if keys is not None and len(keys):
        con.register("match_keys_given", keys)
        con.execute(f"insert into match_stored select r.rid, {cols} from match_raw as r join match_keys_given as k on k.id = r.id")
        con.unregister("match_keys_given")
    con.execute("create or replace temp view match_input as select * from match_input_all anti join match_stored using (rid)")


def drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the temporary table or view ``name`` if there is one (DuckDB's DROP names the kind)."""
    kinds = con.execute("select table_type from information_schema.tables where table_name = ? "
                        "and table_catalog = 'temp'", [name]).fetchall()
    for (kind,) in kinds:
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {name}")


def stored_keys(df: pd.DataFrame) -> pa.Table:
    """The keys of records that depend on them alone (``blocking.STORED``; ``df``: id and
    ``blocking.KEY_INPUTS``), as the catalogue keeps them (``listing_match_keys``): one row per record, by id."""
    con = _connect()
    try:
        raw = pd.DataFrame({c: df[c] if c in df else None for c in ["id", *blocking.KEY_INPUTS]})
        con.register("stored_keys_input", pa.Table.from_pandas(raw, preserve_index=False))
        return con.execute(keys_model(con, "stored_keys_input")).to_arrow_table()
    finally:
        con.close()


def keys_model(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """Run the keys model in ``con`` over the relation ``source`` (id and ``blocking.KEY_INPUTS``) into the
    temp table ``match_keys``; returns the query of its stored keys (id, ``blocking.STORED``, by id). Inside
    the caller's connection, so that a refresh keys its listings without handing them to another database."""
    inputs = ", ".join(f"cast({c} as varchar) as {c}" for c in blocking.KEY_INPUTS)
    con.execute(f"""create or replace temp table match_raw as
        select (row_number() over (order by id) - 1)::bigint as rid, 0 as side, cast(id as varchar) as id, {inputs},
               null::varchar as description, null::double as duration_hours, -1::bigint as org_code,
               -1::bigint as block_org
        from {source}""")
    _input_views(con, None)
    con.execute(clean_title_macro(AFFIXES))
    warehouse.create_temp(con, "match_keys")
    for view in ("match_input", "match_input_all"):
        con.execute(f"drop view {view}")
    drop_relation(con, "match_stored")
    return (f"select r.id, {', '.join(f'k.{c}' for c in blocking.STORED)} "
            "from match_keys as k join match_raw as r using (rid) order by k.rid")


class Matcher:
    """The match keys of one run (in DuckDB and as numpy arrays) and a scorer for pairs of its records."""

    def __init__(self, frames: list[pd.DataFrame], *, params: MatchParams | None = None,
                 org_resolver: Callable[[str], str | None] | None = None, workers: int = 2,
                 con: duckdb.DuckDBPyConnection | None = None, skip_org_diff: bool = False,
                 keep_keys: bool = False, affixes: Affixes | None = None, org_context: list | None = None,
                 keys: pa.Table | str | None = None, seen_titles: np.ndarray | None = None):
        """``org_context``: more organisation names that take part in acronym resolution without records of
        their own (a run over part of a table resolves them as the run over the whole table does).
        ``keys``: stored keys (id and ``blocking.STORED``, from :func:`stored_keys`) of some records, read
        instead of computed, or the name of a table of ``con`` that holds them by ``uid`` (a refresh's
        ``listing_match_keys``, read in place). ``con``: a connection to work in (its temp tables are dropped
        at :meth:`close`), else the matcher's own. ``seen_titles``: the hashes of the titles seen twice or more in the whole table
        (for a run over part of it; scoring's ``title_seen``)."""
        self.params = params or MatchParams.load()
        self.context: dict = {}  # what scoring learns from all candidate pairs (see scoring.compute_signals)
        self.workers = workers
        self.skip_org_diff = skip_org_diff
        self.own_con = con is None
        self.con = con or _connect()
        parts = []
        for side, f in enumerate(frames):
            g = f.assign(side=side) if len(frames) > 1 else f.assign(side=0)
            parts.append(g)
        raw = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
        raw["rid"] = np.arange(len(raw), dtype=np.int64)
        self.n = len(raw)
        self.ids = raw["id"].to_numpy(dtype=object)
        self.side = raw["side"].to_numpy()
        # organisations: resolved once per distinct name, joined back as an integer code
        raw_codes, orgs = pd.factorize(raw["organisation"], use_na_sentinel=True)
        resolved = org_resolution([*orgs, *(org_context or [])], org_resolver)
        org_keys = [resolved[str(o)][0] for o in orgs]
        key_codes, uniq = pd.factorize(pd.Series(org_keys, dtype=object))
        key_codes = np.where(np.asarray(org_keys, dtype=object) == "", -1, key_codes).astype(np.int64)
        self.org_keys = np.asarray(uniq, dtype=object)
        self.org_acronyms = np.array([org_acronym(k) for k in self.org_keys], dtype=object)
        raw["org_code"] = np.where(raw_codes >= 0, np.append(key_codes, -1)[raw_codes], -1)
        # blocking treats an acronym that stands for several organisations like a missing organisation
        flagged = {k: flag for k, flag in resolved.values()}
        ambiguous = np.array([flagged.get(k, False) for k in self.org_keys.tolist()] + [False], dtype=bool)
        org_code_arr = raw["org_code"].to_numpy()
        raw["block_org"] = np.where((org_code_arr >= 0) & ambiguous[np.where(org_code_arr >= 0, org_code_arr, -1)],
                                    -1, org_code_arr)
        # hand DuckDB an Arrow table: pandas 3 strings are Arrow-backed, so this is zero-copy and scans in parallel
        self.con.register("match_raw", pa.Table.from_pandas(raw, preserve_index=False))
        _input_views(self.con, keys)
        # the title rules of keys.py (affixes.toml) as macros the keys model calls
        self.con.execute(clean_title_macro(affixes or AFFIXES))
        self.K = blocking.build_match_keys(self.con, keep_keys=keep_keys)
        if seen_titles is not None:
            self.context["title_seen"] = np.isin(self.K["h_title_norm"], seen_titles) & (self.K["h_title_norm"] != 0)

    def candidates(self, *, link_mode: bool, max_block: int):
        return blocking.candidate_pairs(self.con, link_mode=link_mode, max_block=max_block)

    def score(self, rid_l: np.ndarray, rid_r: np.ndarray):
        sig = compute_signals(self.K, rid_l, rid_r, org_keys=self.org_keys, org_acronyms=self.org_acronyms,
                              workers=self.workers, skip_org_diff=self.skip_org_diff, context=self.context)
        return sig, predict_proba(sig, self.params)

    def close(self):
        if self.own_con:
            self.con.close()
            return
        for view in ("match_blocking", "match_input", "match_input_all"):
            self.con.execute(f"drop view if exists {view}")
        drop_relation(self.con, "match_stored")
        for table in ("match_keys", "match_hashes", "match_codes", "match_blocks"):
            self.con.execute(f"drop table if exists {table}")
        self.con.unregister("match_raw")


def _signal_mask(sig: pd.DataFrame) -> np.ndarray:
    mask = np.zeros(len(sig), dtype=np.int64)
    for i, f in enumerate(INDICATORS):
        mask |= (sig[f].to_numpy() > 0).astype(np.int64) << i
    return mask


def decode_signals(mask: int) -> list[str]:
    """The indicator signals set in a pair's ``signals`` bitmask."""
    return [f for i, f in enumerate(INDICATORS) if int(mask) & (1 << i)]


def render_explanations(pairs: pd.DataFrame, params: MatchParams | None = None) -> list[str]:
    """The explanation text of any rows of ``DedupeResult.pairs`` (from their signals bitmask and
    similarities): each signal that fired, with its value and its contribution in log-odds."""
    params = params or MatchParams.load()
    mask = pairs["signals"].to_numpy(dtype=np.int64)
    S = np.zeros((len(pairs), len(FEATURES)), dtype=np.float64)
    for j, f in enumerate(FEATURES):
        if f in ("title_sim", "title_set_sim", "org_sim", "desc_sim"):
            S[:, j] = pairs[f].to_numpy(dtype=np.float64)
        else:
            S[:, j] = (mask >> INDICATORS.index(f)) & 1
    return explain(S, params)


def _say(progress: TextIO | None, msg: str) -> None:
    if progress is not None:
        print(msg, file=progress, flush=True)


def dedupe_frame(
    df: pd.DataFrame,
    previous_membership: pd.DataFrame | None = None,
    *,
    params: MatchParams | None = None,
    column_map: dict[str, str] | None = None,
    org_resolver: Callable[[str], str | None] | None = None,
    max_block: int = blocking.DEFAULT_MAX_BLOCK,
    max_cluster_size: int = 50,
    workers: int = 2,
    explain_pairs: bool | str | Callable[[int], bool] = "auto",
    progress: TextIO | None = None,
    truth: np.ndarray | None = None,
    org_context: list | None = None,
    keys: pa.Table | str | None = None,
    seen_titles: np.ndarray | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> DedupeResult:
    """Deduplicate one table of listings.

    Returns ``clusters`` (id, cluster_id: one row per input record), ``links`` (same_as relations between
    clusters with their evidence), ``pairs`` (every scored candidate pair with its relation and signals) and
    ``stats``. ``previous_membership`` (id, cluster_id from the last run) keeps cluster ids stable.
    ``explain_pairs``: True, False, "auto" (only up to EXPLAIN_AUTO_LIMIT matched pairs) or a function of the
    number of matched pairs. ``truth`` (a true cluster label per input row) only adds blocking recall to the
    stats. ``org_context``
    (organisation names of records outside ``df``), ``keys`` (stored keys), ``seen_titles`` and ``con``: see
    :class:`Matcher`.
    """
    t0 = time.perf_counter()
    std = standardise(df, column_map)
    params = params or MatchParams.load()
    m = Matcher([std], params=params, org_resolver=org_resolver, workers=workers, skip_org_diff=True,
                org_context=org_context, keys=keys, seen_titles=seen_titles, con=con)
    t_keys = time.perf_counter()
    _say(progress, f"[dedupe] {len(std)} records: match keys built in {t_keys - t0:.1f}s")
    rid_l, rid_r, key_mask, skipped = m.candidates(link_mode=False, max_block=max_block)
    t_block = time.perf_counter()
    _say(progress, f"[dedupe] blocking: {len(rid_l)} candidate pairs in {t_block - t_keys:.1f}s")
    sig, proba = m.score(rid_l, rid_r)
    t_score = time.perf_counter()
    _say(progress, f"[dedupe] scoring: {len(rid_l)} pairs in {t_score - t_block:.1f}s")

    relation, cannot = _relations(sig, proba, params.threshold)
    strong = relation == 1

    def score_missing(l, r):
        s, p = m.score(l, r)
        _, cl = _relations(s, p, params.threshold)
        return p, cl

    labels, cstats = constrained_clusters(len(std), rid_l, rid_r, proba, params.threshold, strong_mask=strong,
                                          cannot_link=cannot, max_size=max_cluster_size,
                                          score_missing=score_missing)
    ids = m.ids
    m.close()  # the keys (in DuckDB and numpy) are not needed past clustering: free them before the output
    m.K = {}
    cluster_ids = assign_cluster_ids(ids, labels, previous_membership)
    t_cluster = time.perf_counter()
    _say(progress, f"[dedupe] clustering in {t_cluster - t_score:.1f}s")

    clusters = pd.DataFrame({"id": ids, "cluster_id": cluster_ids})
    # a pair above threshold that clustering kept apart is reported as such
    same_cluster = labels[rid_l] == labels[rid_r]
    relation = np.where((relation == 1) & ~same_cluster, 0, relation)
    relation = np.where(same_cluster & (relation != 1) & (proba >= params.threshold), 1, relation)
    rel_names = np.array(["none", "duplicate", "same_as"], dtype=object)
    pairs = pd.DataFrame({
        "left_id": ids[rid_l], "right_id": ids[rid_r], "score": np.round(proba, 4),
        "relation": rel_names[relation], "same_cluster": same_cluster,
        "signals": _signal_mask(sig), "title_sim": sig["title_sim"].to_numpy(),
        "title_set_sim": sig["title_set_sim"].to_numpy(), "org_sim": sig["org_sim"].to_numpy(),
        "desc_sim": sig["desc_sim"].to_numpy(), "block_keys": key_mask,
    })
    matched = np.flatnonzero(relation > 0)
    if callable(explain_pairs):  # decided by the caller from the number of matched pairs
        do_explain = explain_pairs(len(matched))
    else:
        do_explain = explain_pairs is True or (explain_pairs == "auto" and len(matched) <= EXPLAIN_AUTO_LIMIT)
    pairs["explanation"] = None
    if do_explain and len(matched):
        pairs.loc[matched, "explanation"] = explain(sig, params, matched)
    del sig

    links = _cluster_links(pairs, clusters, rid_l, rid_r, labels, params)
    t_end = time.perf_counter()
    sizes = np.bincount(labels)
    stats = {
        "records": int(len(std)), "candidate_pairs": int(len(rid_l)),
        "duplicate_pairs": int((pairs["relation"] == "duplicate").sum()),
        "same_as_pairs": int((pairs["relation"] == "same_as").sum()),
        "clusters": int(np.count_nonzero(sizes)), "largest_cluster": int(sizes.max()) if len(sizes) else 0,
        "same_as_links": int(len(links)), "threshold": params.threshold,
        "seconds": {"keys": t_keys - t0, "blocking": t_block - t_keys, "scoring": t_score - t_block,
                    "clustering": t_cluster - t_score, "output": t_end - t_cluster, "total": t_end - t0},
        "skipped_blocks": skipped,
        **cstats,
    }
    if truth is not None:
        rec, found, total = blocking.blocking_recall(rid_l, rid_r, np.asarray(truth))
        stats.update({"blocking_recall": rec, "true_pairs_in_candidates": found, "true_pairs": total})
    return DedupeResult(clusters, links, pairs, stats)


def touched_records(df: pd.DataFrame, earlier: pd.DataFrame, seeds: np.ndarray, now: dict, before: dict,
                    keys: pa.Table | str | None = None, earlier_keys: pa.Table | None = None,
                    con: duckdb.DuckDBPyConnection | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which records of ``df`` a dedupe run must see again after an edit (a boolean mask) and the hashes of
    the titles seen on two or more of ``df``'s records (the ``seen_titles`` of the touched run, so that it
    reads them as the run over the whole of ``df``).

    Touched are the records connected to a seed (``seeds``: a mask over ``df``, the new and edited records)
    or to an ``earlier`` record (the last run's version of the edited and removed records) through a value
    the matcher compares across records, read from the stored keys (``keys``, ``earlier_keys``; computed
    when missing; ``keys`` may name a table of ``con`` as for :class:`Matcher`): the canonical URL (blocks across organisations), and within one blocking organisation
    (``now`` / ``before``: :func:`org_resolution` of this run and the last) the title, its core, slug,
    compact and skeleton forms and a head or tail of a title that is a title. A value some record without a
    blocking organisation holds, and a title seen once in one run and more often in the other, join across
    organisations (the unscoped title block, ``title_both_seen``). Outside these groups blocks, block sizes,
    seen titles, junk URLs, vague heads and clusters are what they were: their last result stands. The
    caller checks that every organisation of both runs resolves as before."""
    n, cols = len(df), ", ".join(blocking.STORED)

    def records(frame: pd.DataFrame, stored, resolution: dict, offset: int, seed, run_new: bool):
        got = stored if stored is not None else stored_keys(frame.iloc[:0])
        missing = frame.iloc[:0] if isinstance(got, str) else \
            frame[~isin(frame["id"].astype(str), got.column("id").to_pylist())]
        if len(missing):
            got = pa.concat_tables([got, stored_keys(missing).cast(got.schema)])
        org = [("", False) if pd.isna(o) else resolution[str(o)] for o in frame["organisation"]]
        return pa.table({"id": frame["id"].astype(str).tolist(),
                         "rid": np.arange(offset, offset + len(frame), dtype=np.int64),
                         "borg": pa.array([k if k and not amb else None for k, amb in org], pa.string()),
                         "seed": np.broadcast_to(np.asarray(seed, dtype=bool), len(frame)),
                         "run_new": np.full(len(frame), run_new)}), got

    own = con is None
    con = con or _connect()
    try:
        for name, (meta, stored) in {"now_records": records(df, keys, now, 0, seeds, True),
                                     "earlier_records": records(earlier, earlier_keys, before, n, True, False)}.items():
            con.register(f"{name}_meta", meta)
            if isinstance(stored, str):
                source = f"(select uid as id, {cols} from {stored})"
            else:
                con.register(f"{name}_keys", stored)
                source = f"{name}_keys"
            con.execute(f"""create or replace temp table {name} as select m.rid, m.borg, m.seed, m.run_new, {cols}
                            from {name}_meta as m join {source} as k using (id)""")
        values = con.execute("""
            with r as (select * from now_records union all select * from earlier_records),
            v as (
                select rid, borg, 1 as ns, hash(url_canon) as v from r where url_canon <> ''
                union all
                select rid, borg, 2, hash(x) from (select rid, borg, unnest([title_norm, title_core, slug,
                    title_compact, title_skeleton]) as x from r) where x <> ''
                union all
                select rid, borg, 3, hash(x) from (select rid, borg, unnest([replace(title_norm, ' ', ''),
                    replace(title_core, ' ', '')]) as x from r) where x <> ''
                union all
                select a.rid, a.borg, 2, a.v from (select rid, borg, unnest(title_affixes) as v from r) as a
                semi join (select hash(title_norm) as v from r where title_norm <> '') using (v)
            ),
            -- a title's count crossing 2 between the runs (unchanged records are in both)
            counts as (
                select hash(title_norm) as v, count(*) filter (where run_new) as c_new,
                       count(*) filter (where not run_new or not seed) as c_old
                from r where title_norm <> '' group by 1
            ),
            open as (
                select distinct ns, v from v where borg is null
                union select 2, v from counts where (c_new >= 2) <> (c_old >= 2)
            )
            select v.rid, dense_rank() over (order by v.ns, v.v, case when v.ns = 1 or o.v is not null
                                                                  then null else v.borg end) - 1 as node
            from v left join open as o on o.ns = v.ns and o.v = v.v
        """).fetchnumpy()
        seen = con.execute("select hash(title_norm) from now_records where title_norm <> '' "
                           "group by 1 having count(*) >= 2").fetchnumpy()
    finally:
        if own:
            con.close()
        else:
            for name in ("now_records", "earlier_records"):
                con.execute(f"drop table {name}")
                for part in ("meta", "keys"):
                    con.unregister(f"{name}_{part}")
    total = n + len(earlier)
    rid, node = np.asarray(values["rid"], dtype=np.int64), np.asarray(values["node"], dtype=np.int64) + total
    labels = connected_components(total + (int(node.max()) - total + 1 if len(node) else 0), rid, node)
    start = np.concatenate([np.asarray(seeds, dtype=bool), np.ones(len(earlier), dtype=bool)])
    touched = np.isin(labels[:n], labels[:total][start])
    return touched, np.asarray(next(iter(seen.values())), dtype=np.uint64)


def _relations(sig: pd.DataFrame, proba: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Relation per pair (0 none, 1 duplicate, 2 same_as) and the cannot-link mask for clustering."""
    org_diff = sig["org_diff"].to_numpy() > 0
    run_conflict = sig["run_conflict"].to_numpy() > 0
    cross_platform = (sig["platform_diff"].to_numpy() > 0) & (sig["url_exact"].to_numpy() == 0)
    above = proba >= threshold
    cannot = org_diff | run_conflict | cross_platform
    rel = np.zeros(len(proba), dtype=np.int64)
    rel[above & ~cannot] = 1
    rel[above & ~org_diff & (run_conflict | cross_platform)] = 2
    return rel, cannot


def _cluster_links(pairs: pd.DataFrame, clusters: pd.DataFrame, rid_l, rid_r, labels,
                   params: MatchParams | None = None) -> pd.DataFrame:
    cols = ["cluster_id_l", "cluster_id_r", "left_id", "right_id", "score", "relation", "evidence"]
    sel = (pairs["relation"] == "same_as").to_numpy()
    if not sel.any():
        return pd.DataFrame(columns=cols)
    cid = clusters["cluster_id"].to_numpy(dtype=object)
    l = pairs.loc[sel].copy()
    l["cluster_id_l"] = cid[rid_l[sel]]
    l["cluster_id_r"] = cid[rid_r[sel]]
    swap = l["cluster_id_l"] > l["cluster_id_r"]
    l.loc[swap, ["cluster_id_l", "cluster_id_r", "left_id", "right_id"]] = \
        l.loc[swap, ["cluster_id_r", "cluster_id_l", "right_id", "left_id"]].to_numpy()
    l = l[l["cluster_id_l"] != l["cluster_id_r"]]
    l = l.sort_values("score", ascending=False, kind="stable").drop_duplicates(["cluster_id_l", "cluster_id_r"])
    missing = l["explanation"].isna().to_numpy()
    if missing.any():  # above the text-rendering cap: links always carry their evidence
        l.loc[missing, "explanation"] = render_explanations(l.loc[missing], params)
    l["evidence"] = l["explanation"]
    return l[cols].reset_index(drop=True)


def link_frames(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    params: MatchParams | None = None,
    column_map: dict[str, str] | None = None,
    org_resolver: Callable[[str], str | None] | None = None,
    max_block: int = blocking.DEFAULT_MAX_BLOCK,
    one_to_one: bool = False,
    workers: int = 2,
    progress: TextIO | None = None,
) -> pd.DataFrame:
    """Link two tables: pairs (left_id, right_id, score, evidence) scoring at or above the threshold.

    With ``one_to_one`` each record is linked at most once (greedy, best score first).
    """
    params = params or MatchParams.load()
    ls, rs = standardise(left, column_map), standardise(right, column_map)
    m = Matcher([ls, rs], params=params, org_resolver=org_resolver, workers=workers)
    rid_l, rid_r, _, _ = m.candidates(link_mode=True, max_block=max_block)
    _say(progress, f"[link] {len(ls)} x {len(rs)} records: {len(rid_l)} candidate pairs")
    sig, proba = m.score(rid_l, rid_r)
    above = proba >= params.threshold
    if params.meta.get("org_diff_cannot_link"):
        # the course model: two organisations are never one course (the same rule as dedupe mode)
        above &= sig["org_diff"].to_numpy() == 0
    keep = np.flatnonzero(above)
    if one_to_one and len(keep):
        keep = keep[np.argsort(-proba[keep], kind="stable")]
        seen_l, seen_r, chosen = set(), set(), []
        for k in keep.tolist():
            a, b = int(rid_l[k]), int(rid_r[k])
            if a in seen_l or b in seen_r:
                continue
            seen_l.add(a)
            seen_r.add(b)
            chosen.append(k)
        keep = np.array(sorted(chosen), dtype=np.int64)
    out = pd.DataFrame({
        "left_id": m.ids[rid_l[keep]], "right_id": m.ids[rid_r[keep]], "score": np.round(proba[keep], 4),
        "evidence": explain(sig, params, keep) if len(keep) else [],
    })
    m.con.close()
    return out.sort_values(["left_id", "right_id"], kind="stable").reset_index(drop=True)


def score_pairs(left: pd.DataFrame, right: pd.DataFrame, pairs: pd.DataFrame, *, params: MatchParams | None = None,
                column_map: dict[str, str] | None = None, workers: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    """Signals and probabilities for given (left_id, right_id) pairs, without blocking (labelled benchmark pairs)."""
    params = params or MatchParams(weights={}, intercept=0.0, threshold=0.5)
    ls, rs = standardise(left, column_map), standardise(right, column_map)
    m = Matcher([ls, rs], params=params, workers=workers)
    pos = {(int(s), i): r for r, (i, s) in enumerate(zip(m.ids, m.side))}
    a = np.array([pos[(0, str(x))] for x in pairs.iloc[:, 0]], dtype=np.int64)
    b = np.array([pos[(1, str(x))] for x in pairs.iloc[:, 1]], dtype=np.int64)
    sig, proba = m.score(a, b)
    m.con.close()
    return sig, proba
