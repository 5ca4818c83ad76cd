"""Assets: crawl (per provider) -> staged listings -> built credentials (checked) -> published catalogue."""


import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import dagster as dg

from pipeline import crawl as crawler
from pipeline import dictionary, lock, quality, warehouse
from pipeline.defs.partitions import PROVIDERS, provider_partitions
from pipeline.defs.resources import CatalogueResource


class CrawlConfig(dg.Config):
    offline: bool = False
    """Crawl the bundled offline snapshot over loopback HTTP instead of the live site."""


@dg.asset(
    partitions_def=provider_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    kinds={"scrapy"},
    group_name="crawl",
    description="Raw JSON Lines feeds landed by each provider's spider (listings, quarantine, stats).",
)
def raw_listings(context: dg.AssetExecutionContext, config: CrawlConfig, catalogue: CatalogueResource):
    offline = config.offline or os.environ.get("CREDCAT_OFFLINE") == "1"
    # Providers are different sites, so crawling a few at once stays polite (each spider throttles its own
    # domain); each crawl is its own subprocess.
    workers = max(1, int(os.environ.get("CREDCAT_CRAWL_WORKERS", "2")))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda p: crawler.crawl(p, offline=offline, data_dir=catalogue.data),
                                context.partition_keys))
    summary = {}
    for provider, result in zip(context.partition_keys, results):
        status = "ok" if result.ok else f"failed (exit {result.returncode}, {result.finish_reason})"
        if not result.ok:
            context.log.error(f"{provider}: crawl {status}; its last good feed stays in use. Log: {result.run_dir}")
        elif result.listings == 0:
            context.log.warning(f"{provider}: crawl finished with no listings")
        summary[provider] = {"status": status, "listings": result.listings, "quarantined": result.quarantined,
                             "run": result.run_dir.name,
                             "responses": result.stats.get("response_received_count", 0)}
    return dg.MaterializeResult(metadata={
        "offline": offline,
        "providers": dg.MetadataValue.json(summary),
        "listings": sum(s["listings"] for s in summary.values()),
        "quarantined": sum(s["quarantined"] for s in summary.values()),
    })


@dg.asset(deps=[raw_listings], kinds={"duckdb"}, group_name="catalogue",
          description="A fresh working catalogue with every provider's latest good feed, staged and resolved.")
@lock.writer(first=True)
def staged_listings(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    runs = {p: run for p in PROVIDERS if (run := crawler.latest_run(p, catalogue.data)) is not None}
    missing = sorted(set(PROVIDERS) - set(runs))
    if missing:
        context.log.warning(f"no finished crawl yet for: {', '.join(missing)}")
    con = warehouse.fresh_build(catalogue.build_path)
    try:
        staged = warehouse.stage(con, runs, catalogue.catalogue_path)
        per_provider = dict(con.execute("select source, count(*) from int_listings_normalised group by 1").fetchall())
        quarantined = dict(con.execute("select source, count(*) from stg_quarantine group by 1").fetchall())
    finally:
        con.close()
    return dg.MaterializeResult(metadata={
        "feeds": dg.MetadataValue.json({p: str(r) for p, r in runs.items()}),
        "listings_by_provider": dg.MetadataValue.json(per_provider),
        "quarantined_by_provider": dg.MetadataValue.json(quarantined),
        "listings": sum(per_provider.values()),
        "distinct_values_parsed": dg.MetadataValue.json(staged["distinct_values_parsed"]),
    })


def _md_table(columns, rows) -> str:
    out = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    out += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows]
    return "\n".join(out)


def _coverage_markdown(columns, rows) -> str:
    """Completeness report: one line per field, one column per provider."""
    return _md_table(["field", *[r[0] for r in rows]], [[c, *[r[i] for r in rows]] for i, c in enumerate(columns) if i])


@dg.asset(deps=[staged_listings], kinds={"duckdb"}, group_name="catalogue",
          description="One row per source record, normalised, plus quarantine, vocabularies and organisations.")
@lock.writer()
def listings(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    with warehouse.connect(catalogue.build_path) as con:
        warehouse.run_models(con, ["marts"])
        by_type = dict(con.execute("select credential_type, count(*) from listings group by 1").fetchall())
        rows = con.execute("select count(*) from listings").fetchone()[0]
        quarantined = con.execute("select count(*) from quarantine").fetchone()[0]
        coverage_cols, coverage_rows = dictionary.coverage(con, "listings")
        shares = quality.quarantine_shares(con)
        reasons = con.execute("select source, reason, count(*) from quarantine group by all order by all").fetchall()
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        "by_credential_type": dg.MetadataValue.json(by_type),
        "quarantined": quarantined,
        "quarantine_share_by_provider": dg.MetadataValue.json(shares),
        "quarantine_reasons": dg.MetadataValue.json([{"source": s, "reason": r, "count": n} for s, r, n in reasons]),
        "coverage": dg.MetadataValue.md(_coverage_markdown(coverage_cols, coverage_rows)),
    })


@dg.asset(deps=[listings], kinds={"duckdb"}, group_name="catalogue",
          description="Listings resolved into credentials: duplicates merged (credential_sources keeps every "
                      "member), equivalents linked same_as (credential_links). Checked before publishing.")
@lock.writer()
def credentials(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    from pipeline.resolve import resolve

    with warehouse.connect(catalogue.build_path) as con:
        stats = resolve(con, catalogue.catalogue_path)
        rows = con.execute("select count(*) from credentials").fetchone()[0]
        links = con.execute("select count(*) from credential_links").fetchone()[0]
        preview = con.execute("select uid, title, credential_type, member_count from credentials "
                              "order by member_count desc, uid limit 10").fetchall()
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        "same_as_links": links,
        "matcher": dg.MetadataValue.json(stats),
        "preview": dg.MetadataValue.md(_md_table(["uid", "title", "credential_type", "members"], preview)),
    })


@dg.asset(deps=[credentials], kinds={"duckdb"}, group_name="skills",
          description="ESCO and O*NET skills (vendored, CC BY 4.0) and each credential mapped to them.")
@lock.writer()
def credential_skills(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    from pipeline.skills.mapping import map_credential_skills
    from pipeline.skills.taxonomy import load_taxonomy

    with warehouse.connect(catalogue.build_path) as con:
        taxonomy = load_taxonomy(con)
        mapped = map_credential_skills(con)
        by_method = con.execute("select coalesce(method, 'unmapped'), count(*) from credential_skills "
                                "group by 1 order by 2 desc").fetchall()
    return dg.MaterializeResult(metadata={
        "taxonomy": dg.MetadataValue.json(taxonomy),
        "mapping": dg.MetadataValue.json(mapped),
        "by_method": dg.MetadataValue.json(dict(by_method)),
    })


@dg.asset(deps=[credential_skills], kinds={"duckdb"}, group_name="skills",
          description="The stacking graph: explicit edges the sources state, inferred edges flagged, cycles reported.")
@lock.writer()
def stack_edges(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    from pipeline.stacking.graph import build_stack_edges, load_ctdl_pathways

    with warehouse.connect(catalogue.build_path) as con:
        ctdl = load_ctdl_pathways(con)
        counts = build_stack_edges(con)
        by_relation = con.execute("select relation, inferred, count(*) from stack_edges group by all order by all").fetchall()
        cycles = con.execute("select count(*) from stack_cycles").fetchone()[0]
    if cycles:
        context.log.warning(f"{cycles} stacking cycle(s) found; see the stack_cycles table")
    return dg.MaterializeResult(metadata={
        "edges": dg.MetadataValue.json(counts),
        "ctdl_pathways": dg.MetadataValue.json(ctdl),
        "by_relation": dg.MetadataValue.json([{"relation": r, "inferred": i, "count": n} for r, i, n in by_relation]),
        "cycles": cycles,
    })


@dg.asset(deps=[stack_edges], kinds={"duckdb"}, group_name="skills",
          description="Pathways per destination credential, their ordered steps, and ranked pathways per skill.")
@lock.writer()
def pathways(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    from pipeline.stacking.graph import build_pathways

    with warehouse.connect(catalogue.build_path) as con:
        counts = build_pathways(con)
    return dg.MaterializeResult(metadata={"tables": dg.MetadataValue.json(counts),
                                          "dagster/row_count": counts.get("pathways", 0)})


# The nightly refresh starts at 02:00 UTC: a catalogue not republished by 04:00 UTC is overdue.
NIGHTLY_FRESHNESS = dg.FreshnessPolicy.cron(deadline_cron="0 4 * * *", lower_bound_delta=timedelta(hours=2))


@dg.asset(deps=[credentials, pathways], kinds={"duckdb"}, group_name="catalogue",
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

    refresh_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{context.run.run_id[:8]}"
    manifest = export_catalogue(catalogue.catalogue_path, catalogue.exports_dir, refresh_id=refresh_id)
    return dg.MaterializeResult(metadata={
        "refresh_id": refresh_id,
        "path": dg.MetadataValue.path(str(catalogue.exports_dir / refresh_id)),
        "row_counts": dg.MetadataValue.json({t: v["rows"] for t, v in manifest["tables"].items()}),
    })
