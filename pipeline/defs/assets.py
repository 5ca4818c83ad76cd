"""Assets: crawl (per provider) -> staged listings -> built credentials (checked) -> published catalogue."""


import os

import dagster as dg

from pipeline import crawl as crawler
from pipeline import dictionary, quality, warehouse
from pipeline.defs.partitions import PROVIDERS, provider_partitions
from pipeline.defs.resources import CatalogueResource

WRITER_POOL = "duckdb_writer"  # every DuckDB writer runs alone


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
    summary = {}
    for provider in context.partition_keys:
        result = crawler.crawl(provider, offline=offline, data_dir=catalogue.data)
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


@dg.asset(deps=[raw_listings], kinds={"duckdb"}, group_name="catalogue", pool=WRITER_POOL,
          description="A fresh working catalogue with every provider's latest good feed, staged and resolved.")
def staged_listings(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    runs = {p: run for p in PROVIDERS if (run := crawler.latest_run(p, catalogue.data)) is not None}
    missing = sorted(set(PROVIDERS) - set(runs))
    if missing:
        context.log.warning(f"no finished crawl yet for: {', '.join(missing)}")
    con = warehouse.fresh_build(catalogue.build_path)
    try:
        warehouse.load_raw(con, runs)
        warehouse.run_models(con, ["staging", "intermediate"])
        per_provider = dict(con.execute("select source, count(*) from int_listings group by 1").fetchall())
        quarantined = dict(con.execute("select source, count(*) from stg_quarantine group by 1").fetchall())
    finally:
        con.close()
    return dg.MaterializeResult(metadata={
        "feeds": dg.MetadataValue.json({p: str(r) for p, r in runs.items()}),
        "listings_by_provider": dg.MetadataValue.json(per_provider),
        "quarantined_by_provider": dg.MetadataValue.json(quarantined),
        "listings": sum(per_provider.values()),
    })


@dg.asset(deps=[staged_listings], kinds={"duckdb"}, group_name="catalogue", pool=WRITER_POOL,
          description="The catalogue's marts (credentials, quarantine, vocabularies) built and awaiting checks.")
def credentials(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    con = warehouse.connect(catalogue.build_path)
    try:
        warehouse.run_models(con, ["marts"])
        by_type = dict(con.execute("select credential_type, count(*) from credentials group by 1").fetchall())
        rows = con.execute("select count(*) from credentials").fetchone()[0]
        quarantined = con.execute("select count(*) from quarantine").fetchone()[0]
        preview = con.execute("select uid, title, credential_type from credentials limit 10").fetchall()
        coverage_cols, coverage_rows = dictionary.coverage(con)
        shares = quality.quarantine_shares(con)
        reasons = con.execute("select source, reason, count(*) from quarantine group by all order by all").fetchall()
    finally:
        con.close()
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        "by_credential_type": dg.MetadataValue.json(by_type),
        "quarantined": quarantined,
        "quarantine_share_by_provider": dg.MetadataValue.json(shares),
        "quarantine_reasons": dg.MetadataValue.json([{"source": s, "reason": r, "count": n} for s, r, n in reasons]),
        "coverage": dg.MetadataValue.md(_coverage_markdown(coverage_cols, coverage_rows)),
        "preview": dg.MetadataValue.md(_md_table(["uid", "title", "credential_type"], preview)),
    })


def _md_table(columns, rows) -> str:
    out = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    out += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows]
    return "\n".join(out)


def _coverage_markdown(columns, rows) -> str:
    """Completeness report: one line per field, one column per provider."""
    return _md_table(["field", *[r[0] for r in rows]], [[c, *[r[i] for r in rows]] for i, c in enumerate(columns) if i])


@dg.asset(deps=[credentials], kinds={"duckdb"}, group_name="catalogue", pool=WRITER_POOL,
          description="The published catalogue file, swapped in atomically once every blocking check passed.")
def catalogue(context: dg.AssetExecutionContext, catalogue: CatalogueResource):
    path = warehouse.publish(catalogue.build_path, catalogue.catalogue_path)
    counts = warehouse.published_counts(path)
    context.log.info(f"published {sum(counts.values())} listings to {path}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "listings_by_provider": dg.MetadataValue.json(counts),
        "dagster/row_count": sum(counts.values()),
    })
