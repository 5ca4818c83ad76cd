"""Blocking asset checks on the built catalogue, each on the table it checks: a failure stops the publish
step (``catalogue`` depends on every table), so the published catalogue stays the last good one."""


import dagster as dg

from pipeline import quality, warehouse
from pipeline.defs.resources import CatalogueResource
from pipeline.resolve import MAX_CLUSTER_SIZE
from spiders import config


def _result(outcome: quality.Outcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        description=outcome.summary,
        metadata={k: dg.MetadataValue.json(v) if isinstance(v, (dict, list)) else v
                  for k, v in outcome.metadata.items()},
    )


@dg.asset_check(asset="credentials", blocking=True, description="No credential uid appears twice.")
def uid_unique(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.uid_unique(con))


@dg.asset_check(asset="credentials", blocking=True,
                description="Every required field of the canonical record is filled in every credential.")
def required_fields_present(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.required_fields_present(con))


@dg.asset_check(asset="listings", blocking=True,
                description="No provider's listing count falls below its min_row_ratio of the published count.")
def row_count_not_collapsing(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        built = dict(con.execute("select source, count(*) from listings group by 1").fetchall())
    ratios = {name: float(p.get("min_row_ratio", 0.5)) for name, p in config.providers().items()}
    return _result(quality.row_count_not_collapsing(built, warehouse.published_counts(catalogue.catalogue_path), ratios))


@dg.asset_check(asset="quarantine", blocking=True,
                description="No provider's share of quarantined records jumps against the published catalogue.")
def quarantine_share_not_jumping(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        built = quality.quarantine_shares(con)
    return _result(quality.quarantine_share_not_jumping(
        built, warehouse.published_quarantine_shares(catalogue.catalogue_path)))


@dg.asset_check(asset="credentials", blocking=True,
                description=f"No credential merges more than {MAX_CLUSTER_SIZE} listings (no chained giant cluster).")
def cluster_size_bounded(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.cluster_size_bounded(con, MAX_CLUSTER_SIZE))


@dg.asset_check(asset="credential_sources", blocking=True,
                description="Every listing is a member of exactly one credential, and every member's credential exists.")
def one_credential_per_listing(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        return _result(quality.one_credential_per_listing(con))


@dg.asset_check(asset="credentials", blocking=True,
                description="A credential whose members are unchanged since the published catalogue keeps its id "
                            "(reads the matcher's result in credential_sources; the matcher is not run again).")
def credential_ids_stable(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    from pipeline.resolve import ids_stable

    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        passed, meta = ids_stable(con, catalogue.catalogue_path)
    return _result(quality.Outcome(passed, f"{meta['compared']} unchanged credential(s) kept their id" if passed else
                                   f"{meta['changed']} unchanged credential(s) got a new id", meta))


ALL_CHECKS = [uid_unique, required_fields_present, row_count_not_collapsing, quarantine_share_not_jumping,
              cluster_size_bounded, one_credential_per_listing, credential_ids_stable]
