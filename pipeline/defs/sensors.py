"""Publish after a partial crawl failure.

A provider whose crawl fails fails its ``raw_listings`` partition (so the UI shows it, with the reason), and
Dagster then skips the rest of that run. This sensor starts the publish job right after such a run, so every
other provider still publishes from its last good feed, as ``pipeline/refresh.py`` does for the CLI.
"""

import dagster as dg

from pipeline.defs.jobs import publish_job, refresh_job


INLINE_PUBLISH_TAG = "credcat/publishes_itself"  # set by pipeline/refresh.py, which runs the publish itself


def only_the_crawl_failed(step_keys: set[str]) -> bool:
    return step_keys == {"raw_listings"}


@dg.run_failure_sensor(monitored_jobs=[refresh_job], request_job=publish_job,
                       default_status=dg.DefaultSensorStatus.RUNNING,
                       description="After a refresh whose only failure is some provider's crawl, publish every "
                                   "provider's last good feed.")
def publish_after_crawl(context: dg.RunFailureSensorContext):
    if context.dagster_run.tags.get(INLINE_PUBLISH_TAG):
        return dg.SkipReason("the refresh that started this run publishes by itself")
    failed = {e.step_key for e in context.get_step_failure_events()}
    if not only_the_crawl_failed(failed):
        return dg.SkipReason(f"failed steps {sorted(failed)}: not a crawl-only failure")
    return dg.RunRequest(run_key=f"publish-after-{context.dagster_run.run_id}")


ALL_SENSORS = [publish_after_crawl]
