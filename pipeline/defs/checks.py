"""Blocking asset checks on the built catalogue: a failure stops the publish step, so the published
catalogue stays the last good one."""


import dagster as dg

from pipeline import quality, warehouse
from pipeline.defs.assets import credentials
from pipeline.defs.resources import CatalogueResource
from spiders import config


def _result(outcome: quality.Outcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        description=outcome.summary,
        metadata={k: dg.MetadataValue.json(v) for k, v in outcome.metadata.items()},
    )


@dg.asset_check(asset=credentials, blocking=True, description="No uid appears twice.")
def uid_unique(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.uid_unique(con))


@dg.asset_check(asset=credentials, blocking=True, description="Every required field of the record is filled.")
def required_fields_present(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.required_fields_present(con))


@dg.asset_check(asset=credentials, blocking=True,
                description="No provider's listing count falls below its min_row_ratio of the published count.")
def row_count_not_collapsing(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        built = dict(con.execute("select source, count(*) from credentials group by 1").fetchall())
    ratios = {name: float(p.get("min_row_ratio", 0.5)) for name, p in config.providers().items()}
    return _result(quality.row_count_not_collapsing(built, warehouse.published_counts(catalogue.catalogue_path), ratios))


@dg.asset_check(asset=credentials, blocking=True,
                description="No provider's share of quarantined records jumps against the published catalogue.")
def quarantine_share_not_jumping(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        built = quality.quarantine_shares(con)
    published: dict[str, float] = {}
    if catalogue.catalogue_path.exists():
        pub = warehouse.connect(catalogue.catalogue_path, read_only=True)
        try:
            published = quality.quarantine_shares(pub)
        except Exception:  # an older catalogue without a quarantine table
            published = {}
        finally:
            pub.close()
    return _result(quality.quarantine_share_not_jumping(built, published))


ALL_CHECKS = [uid_unique, required_fields_present, row_count_not_collapsing, quarantine_share_not_jumping]
