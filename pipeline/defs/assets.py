"""Assets: crawl (per provider) -> one asset per catalogue table (built together, checked) -> published
catalogue -> exports. The tables and their lineage come from the model registry (pipeline.registry)."""


import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, UTC

import dagster as dg

from pipeline import crawl as crawler
from pipeline import dictionary, lock, quality, registry, warehouse
from pipeline.defs.partitions import FEED_PROVIDERS, PROVIDERS, provider_partitions
from pipeline.defs.resources import CatalogueResource
from pipeline.imports import import_runs


class CrawlConfig(dg.Config):
    offline: bool = False
    """Crawl the bundled offline snapshot over loopback HTTP instead of the live site."""


def _crawl_one(provider: str, offline: bool, data) -> crawler.CrawlResult | Exception:
    try:
        timeout = float(os.environ.get("CREDCAT_CRAWL_TIMEOUT", "3600"))
        return crawler.crawl(provider, offline=offline, data_dir=data, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - crawl() records its own failures; this is the last safety net
        return exc


@dg.asset(
    partitions_def=provider_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    output_required=False,
    kinds={"scrapy"},
    group_name="crawl",
    description="Raw JSON Lines feeds landed by each provider's spider (listings, quarantine, stats). A provider "
                "whose crawl failed (a lost request family, an empty crawl, a timeout, a missing snapshot) is a "
                "failed partition with the reason; it keeps its last good feed, marked stale.",
)
def raw_listings(context: dg.AssetExecutionContext, config: CrawlConfig, catalogue: CatalogueResource):
    offline = config.offline or os.environ.get("CREDCAT_OFFLINE") == "1"
    # Providers are different sites, so crawling a few at once stays polite (each spider throttles its own
    # domain); each crawl is its own subprocess, and one provider's failure never reaches the others.
    workers = max(1, int(os.environ.get("CREDCAT_CRAWL_WORKERS", "2")))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda p: _crawl_one(p, offline, catalogue.data), context.partition_keys))
    summary, failed = {}, {}
    for provider, result in zip(context.partition_keys, results):
        if isinstance(result, Exception):
            crawler.record_failure(provider, f"{type(result).__name__}: {result}", catalogue.data)
        summary[provider] = crawler.provider_status(provider, catalogue.data)
        if isinstance(result, crawler.CrawlResult):
            summary[provider].update(run=result.run_dir.name, responses=result.stats.get("response_received_count", 0))
        if summary[provider]["crawl"] != "ok":
            failed[provider] = summary[provider]["last_failure_reason"]
            context.log.error(f"{provider}: crawl failed: {failed[provider]}; its last good feed stays in use")
    if not failed:
        yield dg.MaterializeResult(metadata=_crawl_metadata(offline, summary))
        return
    # Only the good partitions are materialised; failing the step afterwards marks the others failed, with
    # the reasons, in the UI's partition view. The publish still runs from every provider's last good feed
    # (pipeline/refresh.py and the publish_after_crawl sensor start it).
    for provider, info in summary.items():
        if provider not in failed:
            yield dg.AssetMaterialization(asset_key=context.asset_key, partition=provider,
                                          metadata=_crawl_metadata(offline, {provider: info}))
    raise dg.Failure(
        description="crawl failed for " + "; ".join(f"{p}: {r}" for p, r in sorted(failed.items())),
        metadata={"failed": dg.MetadataValue.json(failed), "providers": dg.MetadataValue.json(summary)},
        allow_retries=False,
    )


def _crawl_metadata(offline: bool, summary: dict) -> dict:
    """The `credcat status` figures: per provider as JSON, and flat for a single provider's partition."""
    metadata = {
        "offline": offline,
        "providers": dg.MetadataValue.json(summary),
        "listings": sum(s["listings"] or 0 for s in summary.values()),
        "stale": dg.MetadataValue.json(sorted(p for p, s in summary.items() if s["stale"])),
    }
    if len(summary) == 1:
        (info,) = summary.values()
        metadata.update({k: str(info[k]) for k in ("last_success", "last_failure", "last_failure_reason", "stale_since")
                         if info.get(k)})
        if info.get("age_hours") is not None:
            metadata["age_hours"] = float(info["age_hours"])
    return metadata


def _md_table(columns, rows) -> str:
    out = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    out += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows]
    return "\n".join(out)


def _coverage_markdown(columns, rows) -> str:
    """Completeness report: one line per field, one column per provider."""
    return _md_table(["field", *[r[0] for r in rows]], [[c, *[r[i] for r in rows]] for i, c in enumerate(columns) if i])


def _json(value):
    return dg.MetadataValue.json(value) if isinstance(value, (dict, list)) else value


def table_spec(table: str) -> dg.AssetSpec:
    """One published table as an asset: its producer, and the tables and assets it is built from."""
    reg = registry.registry()
    producer = reg.producer(table)
    tables, external = reg.published_inputs(table)
    return dg.AssetSpec(
        table,
        deps=sorted(tables | external),
        description=dictionary.table_doc(table) or producer.description,
        group_name="catalogue",
        kinds={"duckdb", "sql" if producer.kind == "sql" else "python"},
        metadata={"built_by": producer.where},
    )


def _table_metadata(con, table: str) -> dict:
    """What the UI shows for a table beyond its producer's counts (the first thing to look at when it is off)."""
    if table == "listings":
        coverage_cols, coverage_rows = dictionary.coverage(con, "listings")
        return {"by_credential_type": dg.MetadataValue.json(dict(con.execute(
                    "select credential_type, count(*) from listings group by 1").fetchall())),
                "coverage": dg.MetadataValue.md(_coverage_markdown(coverage_cols, coverage_rows))}
    if table == "quarantine":
        reasons = con.execute("select source, reason, count(*) from quarantine group by all order by all").fetchall()
        return {"quarantine_share_by_provider": dg.MetadataValue.json(quality.quarantine_shares(con)),
                "quarantine_reasons": dg.MetadataValue.json([{"source": s, "reason": r, "count": n}
                                                             for s, r, n in reasons])}
    if table == "credential_profiles":  # per-provider coverage of each element (issue 12)
        from pipeline import profiles

        rows = profiles.coverage(con)
        return {"coverage_by_provider": dg.MetadataValue.md(profiles.coverage_markdown(rows)),
                "coverage": dg.MetadataValue.json(rows)}
    if table == "credentials":
        preview = con.execute("select uid, title, credential_type, member_count from credentials "
                              "order by member_count desc, uid limit 10").fetchall()
        return {"preview": dg.MetadataValue.md(_md_table(["uid", "title", "credential_type", "members"], preview))}
    return {}


def _cell(value) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:37] + "..."


def _preview_and_schema(con, table: str) -> dict:
    """Every table in the UI: its first rows as Markdown (8 columns at most) and its columns with their
    meaning from the data dictionary."""
    cur = con.execute(f'select * from "{table}" limit 5')
    names = [d[0] for d in cur.description][:8]
    rows = [[_cell(v) for v in r[:8]] for r in cur.fetchall()]
    types = dict(con.execute("select column_name, data_type from information_schema.columns where table_name = ? "
                             "and table_schema = 'main' order by ordinal_position", [table]).fetchall())
    return {"preview": dg.MetadataValue.md(_md_table(names, rows) if rows else "_(empty)_"),
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(name, dtype, description=dictionary.column_doc(table, name) or "")
                for name, dtype in types.items()])}


@dg.multi_asset(
    specs=[table_spec(t) for t in registry.registry().published()],
    name="build_catalogue",
    description="Every table of the catalogue, built by the one runner (pipeline.warehouse) from the model "
                "registry (pipeline.registry) into a fresh working file; checked, then published by `catalogue`.",
)
@lock.writer(first=True)
def build_catalogue(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    runs = {p: run for p in FEED_PROVIDERS if (run := crawler.latest_run(p, catalogue.data)) is not None}
    missing = sorted(set(PROVIDERS) - set(runs))
    runs.update(import_runs(catalogue.data))  # documents read in with `credcat import` (pipeline/imports.py)
    if missing:
        context.log.warning(f"no finished crawl yet for: {', '.join(missing)}")
    reg = registry.registry()
    con = warehouse.fresh_build(catalogue.build_path)
    try:
        steps = warehouse.build(con, inputs=warehouse.Build(runs, catalogue.catalogue_path))
        cycles = con.execute("select count(*) from stack_cycles").fetchone()[0]
        if cycles:
            context.log.warning(f"{cycles} stacking cycle(s) found; see the stack_cycles table")
        for table in reg.published():
            producer = reg.producer(table)
            metadata = {"dagster/row_count": con.execute(f'select count(*) from "{table}"').fetchone()[0],
                        "built_by": producer.where,
                        **{f"step/{k}": _json(v) for k, v in steps.get(producer.name, {}).items()},
                        **_preview_and_schema(con, table), **_table_metadata(con, table)}
            yield dg.MaterializeResult(asset_key=table, metadata=metadata)
    finally:
        con.close()


# The nightly refresh starts at 02:00 UTC: a catalogue not republished by 04:00 UTC is overdue.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.cron(deadline_cron="0 4 * * *", lower_bound_delta=timedelta(hours=2))


@dg.asset(deps=registry.registry().published(), kinds={"duckdb"}, group_name="catalogue",
          freshness_policy=NIGHTLY_FRESHNESS,
          description="The published catalogue file, swapped in atomically once every blocking check passed.")
@lock.writer(last=True)
def catalogue(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    path = warehouse.publish(catalogue.build_path, catalogue.catalogue_path)
    counts = warehouse.published_counts(path)
    context.log.info(f"published {sum(counts.values())} listings to {path}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "listings_by_provider": dg.MetadataValue.json(counts),
        "dagster/row_count": sum(counts.values()),
    })


@dg.asset(deps=[catalogue], kinds={"parquet"}, group_name="exports",
          description="Versioned Parquet + JSON Schema + manifest for downstream services; `latest` moves last.")
def exports(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    from pipeline.exports import export_catalogue

    refresh_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{context.run.run_id[:8]}"
    manifest = export_catalogue(catalogue.catalogue_path, catalogue.exports_dir, refresh_id=refresh_id)
    return dg.MaterializeResult(metadata={
        "refresh_id": refresh_id,
        "path": dg.MetadataValue.path(str(catalogue.exports_dir / refresh_id)),
        "row_counts": dg.MetadataValue.json({t: v["rows"] for t, v in manifest["tables"].items()}),
        "change_set": dg.MetadataValue.json({k: v for k, v in (manifest["change_set"] or {}).items() if k != "files"}),
    })
