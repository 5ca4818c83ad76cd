"""Data-quality rules for a built catalogue. Plain functions: the Dagster asset checks call them, the tests
feed them data that must fail them."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from spiders.record import REQUIRED_FIELDS


@dataclass
class Outcome:
    passed: bool
    summary: str
    metadata: dict = field(default_factory=dict)


def uid_unique(con: duckdb.DuckDBPyConnection, table: str = "credentials") -> Outcome:
    dupes = con.execute(
        f'select uid, count(*) as n from "{table}" group by uid having count(*) > 1 order by n desc limit 20'
    ).fetchall()
    return Outcome(
        passed=not dupes,
        summary="every uid is unique" if not dupes else f"{len(dupes)} uid(s) appear more than once",
        metadata={"duplicate_uids": [u for u, _ in dupes]},
    )


def required_fields_present(con: duckdb.DuckDBPyConnection, table: str = "credentials") -> Outcome:
    exprs = ", ".join(
        f"count(*) filter (where \"{f}\" is null or trim(\"{f}\"::varchar) = '') as \"{f}\"" for f in REQUIRED_FIELDS
    )
    row = con.execute(f'select {exprs} from "{table}"').fetchone()
    missing = {f: n for f, n in zip(REQUIRED_FIELDS, row) if n}
    return Outcome(
        passed=not missing,
        summary="required fields present" if not missing else f"required fields missing: {missing}",
        metadata={"missing_by_field": missing},
    )


MIN_TYPE_COUNT = 10  # smaller listing types are guarded only through the provider's total (noise otherwise)


def counts_collapsed(now: dict[str, int], before: dict[str, int], ratio: float) -> dict[str, dict]:
    """The listing types (with at least ``MIN_TYPE_COUNT`` before) whose count fell below ``ratio`` of
    ``before``, plus ``"(all types)"`` when the total did; a type missing from ``now`` counts as zero."""
    out = {key: {"before": n, "now": now.get(key, 0), "min_ratio": ratio}
           for key, n in sorted(before.items()) if n >= MIN_TYPE_COUNT and now.get(key, 0) < n * ratio}
    total_before, total_now = sum(before.values()), sum(now.values())
    if total_before and total_now < total_before * ratio:
        out["(all types)"] = {"before": total_before, "now": total_now, "min_ratio": ratio}
    return out


def row_count_not_collapsing(
    built: dict[str, int | dict[str, int]], last_good: dict[str, int | dict[str, int]],
    min_ratio: dict[str, float] | float,
) -> Outcome:
    """Each provider keeps at least ``min_ratio`` of its last good listing count, per listing type when the
    counts are given per type (``{provider: {credential_type: n}}``): a site redesign that "succeeds" with
    nothing must not wipe the catalogue, and losing one whole type must not hide behind the others. The
    baseline is the last good count, never the previous partial one, so losses cannot compound."""
    collapsed = {}
    for provider, before in last_good.items():
        ratio = min_ratio.get(provider, 0.5) if isinstance(min_ratio, dict) else min_ratio
        now = built.get(provider, {} if isinstance(before, dict) else 0)
        if isinstance(before, dict):
            now = now if isinstance(now, dict) else {}
            collapsed.update({f"{provider}/{t}": c for t, c in counts_collapsed(now, before, ratio).items()})
        elif before and now < before * ratio:
            collapsed[provider] = {"before": before, "now": now, "min_ratio": ratio}
    return Outcome(
        passed=not collapsed,
        summary="no provider collapsed" if not collapsed else f"listing count collapsed for {sorted(collapsed)}",
        metadata={"collapsed": collapsed, "built": built, "last_good": last_good},
    )


def counts_by_type(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """``{provider: {credential_type: listings}}`` in a catalogue (``{}`` when it has none). Older
    catalogues without ``listings`` are read from ``credentials``, without types under ``?``."""
    columns = {(t, c) for t, c in con.execute("select table_name, column_name from information_schema.columns").fetchall()}
    table = next((t for t in ("listings", "credentials") if (t, "source") in columns), None)
    if table is None:
        return {}
    ctype = "credential_type" if (table, "credential_type") in columns else "null"
    out: dict[str, dict[str, int]] = {}
    for source, kind, n in con.execute(f"select source, coalesce({ctype}, '?'), count(*) from {table} group by all").fetchall():
        out.setdefault(source, {})[kind] = n
    return out


def quarantine_shares(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Per provider: quarantined / (quarantined + listings) in a catalogue."""
    rows = con.execute("""
        with l as (select source, count(*) as n from listings group by 1),
             q as (select source, count(*) as n from quarantine group by 1)
        select coalesce(l.source, q.source), coalesce(q.n, 0) / (coalesce(q.n, 0) + coalesce(l.n, 0))
        from l full join q using (source)
    """).fetchall()
    return {source: round(float(share), 4) for source, share in rows}


def quarantine_share_not_jumping(
    built: dict[str, float], published: dict[str, float], max_jump: float = 0.10, ceiling: float = 0.5
) -> Outcome:
    """A provider whose quarantine share jumps (a format change, a broken page template) is not published:
    its share may rise by at most ``max_jump`` over the published one, and never above ``ceiling``."""
    jumped = {}
    for provider, share in built.items():
        before = published.get(provider)
        # a provider seen for the first time has nothing to jump from: only the ceiling applies
        if share > ceiling or (before is not None and share - before > max_jump):
            jumped[provider] = {"before": before, "now": share}
    return Outcome(
        passed=not jumped,
        summary="quarantine shares steady" if not jumped else f"quarantine share jumped for {sorted(jumped)}",
        metadata={"jumped": jumped, "built": built, "published": published},
    )


def cluster_size_bounded(con: duckdb.DuckDBPyConnection, max_size: int) -> Outcome:
    largest = con.execute("select uid, member_count from credentials order by member_count desc limit 5").fetchall()
    too_big = [(u, n) for u, n in largest if n > max_size]
    return Outcome(
        passed=not too_big,
        summary=f"largest credential merges {largest[0][1] if largest else 0} listing(s) (bound {max_size})",
        metadata={"largest": [{"uid": u, "members": n} for u, n in largest], "bound": max_size},
    )


def one_credential_per_listing(con: duckdb.DuckDBPyConnection) -> Outcome:
    row = con.execute("""
        select
            (select count(*) from listings where uid not in (select uid from credential_sources)) as orphaned,
            (select count(*) from (select uid from credential_sources group by uid having count(*) > 1)) as doubled,
            (select count(*) from credential_sources where credential_uid not in (select uid from credentials)) as dangling
    """).fetchone()
    orphaned, doubled, dangling = row
    ok = not (orphaned or doubled or dangling)
    return Outcome(
        passed=ok,
        summary="every listing is in exactly one credential" if ok else
        f"{orphaned} listing(s) in no credential, {doubled} in several, {dangling} pointing at no credential",
        metadata={"orphaned": orphaned, "in_several": doubled, "dangling": dangling},
    )


def profiles_keep_statements(con: duckdb.DuckDBPyConnection) -> Outcome:
    """credential_profiles never shows an estimate where the source states the value, and never a price
    without its rate date or an unknown price as 0 (issue 12)."""
    rules = {
        "stated_ects_overwritten": "exists (select 1 from unnest(from_json(credits::varchar, '[\"json\"]')) as t(c) "
                                   "where c->>'system' = 'ects') and ects_provenance <> 'stated'",
        "price_without_rate_date": "price_to_earn is not null and price_to_earn > 0 and price_rate_date is null",
        "unknown_price_as_zero": "price_to_earn = 0 and coalesce(price_rule, '') <> 'free'",
        "price_not_in_reference_currency": "price_to_earn_original is not null and price_to_earn_original > 0 "
                                           "and price_to_earn is null and price_reason is null",
        "derived_without_rule": "(ects_provenance = 'derived' and ects_rule is null) or "
                                "(eqf_provenance = 'derived' and eqf_rule is null) or "
                                "(workload_provenance <> 'unknown' and workload_rule is null)",
    }
    found = {name: [u for (u,) in con.execute(f"select uid from credential_profiles where {where} order by uid "
                                              "limit 5").fetchall()]
             for name, where in rules.items()}
    bad = {k: v for k, v in found.items() if v}
    checked = con.execute("select count(*) from credential_profiles").fetchone()[0]
    if bad:
        return Outcome(False, "; ".join(f"{k}: {', '.join(v)}" for k, v in bad.items()), {"failures": bad})
    return Outcome(True, f"{checked} profile(s): statements kept, every price converted with its rate date",
                   {"profiles": checked})
