"""One refresh of the catalogue through the Dagster asset graph, for the CLI and for services."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import dagster as dg

from pipeline import paths, warehouse
from spiders import config


@dataclass
class RefreshReport:
    published: bool
    providers: dict[str, dict] = field(default_factory=dict)
    failed_checks: list[str] = field(default_factory=list)
    catalogue: str = ""

    def render(self) -> str:
        w = max([len("provider"), *map(len, self.providers)]) + 2
        head = f"{'provider':<{w}}{'crawl':<10}{'listings':>10}{'quarantined':>13}{'published':>11}"
        lines = [head, "-" * len(head)]
        for name, p in self.providers.items():
            lines.append(f"{name:<{w}}{p['crawl']:<10}{p['listings']:>10}{p['quarantined']:>13}{p['published']:>11}")
        for name, p in self.providers.items():
            if p.get("reason"):
                lines.append(f"{name}: crawl failed, its last good feed stays in use (stale since "
                             f"{p.get('stale_since')}): {p['reason']}")
        if self.published:
            lines.append(f"published: {self.catalogue}")
        else:
            reason = ", ".join(self.failed_checks) or "a step failed"
            lines.append(f"NOT published ({reason}); the previous catalogue is unchanged: {self.catalogue}")
        return "\n".join(lines)


def crawl_failed_alone(result) -> bool:
    """True when a run's raw_listings step failed (some provider's crawl failed) and nothing after it ran."""
    from pipeline.defs.sensors import only_the_crawl_failed

    failed = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    return only_the_crawl_failed(failed) and started == {"raw_listings"}


def instance() -> dg.DagsterInstance:
    """The instance under DAGSTER_HOME when set (runs show in the UI), else a throwaway one."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def refresh(providers: list[str] | None = None, offline: bool = False,
            dagster_instance: dg.DagsterInstance | None = None) -> RefreshReport:
    """Materialise the refresh asset graph once: all providers in one run, or a subset then a publish.

    Paths come from the environment (``CREDCAT_DATA_DIR``, ``CREDCAT_CATALOGUE``), as for the Dagster UI.
    """
    from pipeline.definitions import defs
    from pipeline.defs.partitions import PROVIDERS
    from pipeline.defs.schedules import all_providers_tags

    selected = sorted(set(providers or PROVIDERS))
    for name in selected:
        config.provider(name)  # unknown names fail early with the list of known ones
    inst = dagster_instance or instance()
    quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("CREDCAT_DAGSTER_LOG_LEVEL", "WARNING")}}}}
    run_config = {"ops": {"raw_listings": {"config": {"offline": offline}}}, **quiet}
    results = []
    if selected == PROVIDERS:
        job = defs.resolve_job_def("refresh")
        from pipeline.defs.sensors import INLINE_PUBLISH_TAG

        results.append(job.execute_in_process(instance=inst, run_config=run_config,
                                              tags={**all_providers_tags(), INLINE_PUBLISH_TAG: "1"},
                                              raise_on_error=False))
        if crawl_failed_alone(results[-1]):
            # a failed provider fails its raw_listings partition, which skips the rest of the run: publish
            # every provider's last good feed in a second run, as the publish_after_crawl sensor does
            results.append(defs.resolve_job_def("publish").execute_in_process(instance=inst, run_config=quiet,
                                                                              raise_on_error=False))
    else:
        crawl_job = defs.resolve_job_def("crawl")
        for name in selected:
            results.append(crawl_job.execute_in_process(instance=inst, run_config=run_config, partition_key=name,
                                                        raise_on_error=False))
        results.append(defs.resolve_job_def("publish").execute_in_process(instance=inst, run_config=quiet,
                                                                          raise_on_error=False))

    events = [e for r in results for e in r.all_events]
    failed_checks = [
        e.asset_check_evaluation_data.asset_check_key.name
        for e in events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    ]
    crawled: dict[str, dict] = {}
    published = False
    for e in events:
        if e.event_type_value == "STEP_FAILURE" and e.step_key == "raw_listings":
            failure = e.step_failure_data.user_failure_data
            if failure is not None and "providers" in failure.metadata:
                crawled.update(failure.metadata["providers"].value)
        if e.event_type_value != "ASSET_MATERIALIZATION":
            continue
        if e.asset_key == dg.AssetKey("raw_listings"):
            meta = e.event_specific_data.materialization.metadata
            crawled.update(meta["providers"].value if "providers" in meta else {})
        elif e.asset_key == dg.AssetKey("catalogue"):
            published = True

    catalogue_path = paths.catalogue_path()
    counts = warehouse.published_counts(catalogue_path)
    report = RefreshReport(published=published, failed_checks=failed_checks, catalogue=str(catalogue_path))
    for name in PROVIDERS:
        info = crawled.get(name)
        report.providers[name] = {
            "crawl": "skipped" if name not in selected else ("ok" if info and info["crawl"] == "ok" else "FAILED"),
            "reason": (info or {}).get("last_failure_reason") if name in selected and not (info and info["crawl"] == "ok") else None,
            "stale_since": (info or {}).get("stale_since"),
            "listings": (info or {}).get("listings") or 0,
            "quarantined": (info or {}).get("quarantined") or 0,
            "published": counts.get(name, 0),
        }
    return report
