"""The nightly refresh: 02:00 UTC, every provider, one run (crawl, build, check, publish)."""

import dagster as dg

from pipeline.defs.jobs import refresh_job
from pipeline.defs.partitions import PROVIDERS


def all_providers_tags() -> dict[str, str]:
    """Run tags selecting every provider partition in one run (the crawl asset has a single-run policy)."""
    return {"dagster/asset_partition_range_start": PROVIDERS[0], "dagster/asset_partition_range_end": PROVIDERS[-1]}


@dg.schedule(cron_schedule="0 2 * * *", job=refresh_job, execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def nightly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat(), tags=all_providers_tags())


ALL_SCHEDULES = [nightly_refresh]
