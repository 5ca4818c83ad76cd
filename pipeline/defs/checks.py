"""Blocking asset checks on the built catalogue, each on the table it checks: a failure stops the publish
step (``catalogue`` depends on every table), so the published catalogue stays the last good one.

Each check is a rule from :mod:`pipeline.quality` (or :mod:`pipeline.resolve`) over the working catalogue,
opened read-only; this module only says which table it hangs on and what it means. All of them run in one step
(``blocking_checks``): a step per check cost its own run events, its own open of the working file and, with a
multiprocess, k8s or celery executor, its own process."""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipeline import quality, warehouse
from pipeline.defs.resources import CatalogueResource
from pipeline.resolve import MAX_CLUSTER_SIZE
from spiders import config

Rule = Callable[[duckdb.DuckDBPyConnection, CatalogueResource], quality.Outcome]


@dataclass(frozen=True)
class Check:
    """A blocking check on ``table``: ``rule`` over the working catalogue. Calling it (``check(catalogue=...)``)
    evaluates it alone; the run evaluates every check in one step (:func:`blocking_checks`)."""

    name: str
    table: str
    description: str
    rule: Rule

    @property
    def spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(self.name, asset=self.table, description=self.description, blocking=True)

    def evaluate(self, con: duckdb.DuckDBPyConnection, catalogue: CatalogueResource) -> dg.AssetCheckResult:
        outcome = self.rule(con, catalogue)
        return dg.AssetCheckResult(
            asset_key=self.table,
            check_name=self.name,
            passed=outcome.passed,
            description=outcome.summary,
            metadata={k: dg.MetadataValue.json(v) if isinstance(v, (dict, list)) else v
                      for k, v in outcome.metadata.items()},
        )

    def __call__(self, catalogue: CatalogueResource) -> dg.AssetCheckResult:
        with warehouse.connect(catalogue.build_path, read_only=True) as con:
            return self.evaluate(con, catalogue)


def _row_counts(con, catalogue: CatalogueResource) -> quality.Outcome:
    built = quality.counts_by_type(con)
    last_good = {}
    if catalogue.catalogue_path.exists():
        with warehouse.connect(catalogue.catalogue_path, read_only=True) as published:
            last_good = quality.counts_by_type(published)
    ratios = {name: float(p.get("min_row_ratio", 0.5)) for name, p in config.providers().items()}
    return quality.row_count_not_collapsing(built, last_good, ratios)


def _quarantine_shares(con, catalogue: CatalogueResource) -> quality.Outcome:
    return quality.quarantine_share_not_jumping(quality.quarantine_shares(con),
                                                warehouse.published_quarantine_shares(catalogue.catalogue_path))


def _ids_stable(con, catalogue: CatalogueResource) -> quality.Outcome:
    from pipeline.resolve import ids_stable

    passed, meta = ids_stable(con, catalogue.catalogue_path)
    return quality.Outcome(passed, f"{meta['compared']} unchanged credential(s) kept their id" if passed else
                           f"{meta['changed']} unchanged credential(s) got a new id", meta)


uid_unique = Check("uid_unique", "credentials", "No credential uid appears twice.",
                            lambda con, _: quality.uid_unique(con))
required_fields_present = Check(
    "required_fields_present", "credentials",
    "Every required field of the canonical record is filled in every credential.",
    lambda con, _: quality.required_fields_present(con))
row_count_not_collapsing = Check(
    "row_count_not_collapsing", "listings",
    "No provider's listing count, per listing type, falls below its min_row_ratio of the last good (published) "
    "count.", _row_counts)
quarantine_share_not_jumping = Check(
    "quarantine_share_not_jumping", "quarantine",
    "No provider's share of quarantined records jumps against the published catalogue.", _quarantine_shares)
cluster_size_bounded = Check(
    "cluster_size_bounded", "credentials",
    f"No credential merges more than {MAX_CLUSTER_SIZE} listings (no chained giant cluster).",
    lambda con, _: quality.cluster_size_bounded(con, MAX_CLUSTER_SIZE))
one_credential_per_listing = Check(
    "one_credential_per_listing", "credential_sources",
    "Every listing is a member of exactly one credential, and every member's credential exists.",
    lambda con, _: quality.one_credential_per_listing(con))
credential_ids_stable = Check(
    "credential_ids_stable", "credentials",
    "A credential whose members are unchanged since the published catalogue keeps its id (reads the matcher's "
    "result in credential_sources; the matcher is not run again).", _ids_stable)

profiles_keep_statements = Check(
    "profiles_keep_statements", "credential_profiles",
    "No stated ECTS replaced by an estimate, every price to earn converted with its ECB rate date, no unknown price "
    "shown as 0, every derived value names its rule.", lambda con, _: quality.profiles_keep_statements(con))

CHECKS = [uid_unique, required_fields_present, row_count_not_collapsing, quarantine_share_not_jumping,
          cluster_size_bounded, one_credential_per_listing, credential_ids_stable, profiles_keep_statements]


@dg.multi_asset_check(specs=[c.spec for c in CHECKS], name="blocking_checks",
                      description="Every blocking check of the built catalogue, on one read-only connection: one step "
                                  "instead of one per check (fewer run events, one open of the working file).")
def blocking_checks(context: dg.AssetCheckExecutionContext, catalogue: CatalogueResource):
    failed: list[Exception] = []
    with warehouse.connect(catalogue.build_path, read_only=True) as con:
        for check in CHECKS:
            try:
                result = check.evaluate(con, catalogue)
            except Exception as exc:  # noqa: BLE001 - the other checks still run; the step fails below
                context.log.error(f"check {check.name} raised {type(exc).__name__}: {exc}")
                failed.append(exc)
                continue
            yield result
    if failed:
        raise failed[0]


ALL_CHECKS = [blocking_checks]
