"""Jobs: the whole refresh, and its two halves for refreshing a subset of providers."""

import dagster as dg

from pipeline.defs.assets import raw_listings

refresh_job = dg.define_asset_job(
    "refresh", selection=dg.AssetSelection.all(), description="Crawl every provider, build, check, publish."
)
crawl_job = dg.define_asset_job("crawl", selection=dg.AssetSelection.assets(raw_listings))
publish_job = dg.define_asset_job(
    "publish",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(raw_listings),
    description="Build from every provider's latest good feed, check, publish.",
)
ALL_JOBS = [refresh_job, crawl_job, publish_job]
