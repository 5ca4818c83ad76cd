"""Provider isolation in Dagster: a provider whose crawl fails is a failed partition with the reason, keeps its
last good feed (marked stale), and every other provider still publishes. `credcat status` shows the same."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from pipeline import crawl as crawler
from pipeline.cli import main
from pipeline.definitions import defs
from pipeline.defs.partitions import provider_partitions
from pipeline.defs.sensors import INLINE_PUBLISH_TAG, publish_after_crawl
from pipeline.refresh import crawl_failed_alone
from spiders import config

GOOD, BAD = "edx", "example-university"  # adjacent partitions: one single-run backfill over both
RANGE = {"dagster/asset_partition_range_start": GOOD, "dagster/asset_partition_range_end": BAD}
RUN_CONFIG = {"ops": {"raw_listings": {"config": {"offline": True}}},
              "loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def crawl_both(instance, monkeypatch, missing: str, tags: dict | None = None):
    """One single-run backfill of raw_listings over GOOD and BAD, with ``missing``'s snapshot folder gone."""
    real = config.snapshot_dir
    monkeypatch.setattr(config, "snapshot_dir", lambda name: real(name).with_name("gone") if name == missing else real(name))
    try:
        return defs.resolve_job_def("crawl").execute_in_process(instance=instance, run_config=RUN_CONFIG, tags={**RANGE, **(tags or {})},
                                                                raise_on_error=False)
    finally:
        monkeypatch.setattr(config, "snapshot_dir", real)


def partition_states(instance):
    value = get_and_update_asset_status_cache_value(instance, dg.AssetKey("raw_listings"), provider_partitions)
    return (set(value.deserialize_materialized_partition_subsets(provider_partitions).get_partition_keys()),
            set(value.deserialize_failed_partition_subsets(provider_partitions).get_partition_keys()))


def publish(instance):
    return defs.resolve_job_def("publish").execute_in_process(
        instance=instance, run_config={"loggers": RUN_CONFIG["loggers"]}, raise_on_error=False)


def published(data):
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    try:
        return dict(con.execute("select source, count(*) from listings group by 1").fetchall())
    finally:
        con.close()


def test_a_failed_crawl_is_a_failed_partition_and_the_others_publish(data_dir, monkeypatch, capsys):
    instance = dg.DagsterInstance.ephemeral()

    # 1. BAD's snapshot is missing: GOOD materialises, BAD is a failed partition with the reason
    run = crawl_both(instance, monkeypatch, missing=BAD)
    assert not run.success and crawl_failed_alone(run)
    materialised = [e.partition for e in run.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
    assert materialised == [GOOD]
    failure = next(e for e in run.all_events if e.event_type_value == "STEP_FAILURE").step_failure_data
    assert BAD in failure.error.message and "missing" in failure.error.message
    reasons = failure.user_failure_data.metadata["failed"].value
    assert set(reasons) == {BAD} and reasons[BAD].startswith("missing: snapshot folder not found")
    assert partition_states(instance) == ({GOOD}, {BAD})
    ctx = dg.build_run_status_sensor_context(sensor_name="publish_after_crawl", dagster_event=run.get_run_failure_event(),
                                             dagster_instance=instance, dagster_run=run.dagster_run).for_run_failure()
    request = publish_after_crawl(ctx)
    assert isinstance(request, dg.RunRequest) and request.run_key.endswith(run.run_id)

    # ... and the publish (a second run, as refresh() and the sensor do) carries GOOD
    assert publish(instance).success
    first = published(data_dir)
    assert first.get(GOOD, 0) > 0 and BAD not in first

    # 2. next time GOOD's snapshot is gone and BAD recovers: GOOD keeps its published listings, marked stale
    run = crawl_both(instance, monkeypatch, missing=GOOD, tags={INLINE_PUBLISH_TAG: "1"})
    assert not run.success
    ctx = dg.build_run_status_sensor_context(sensor_name="publish_after_crawl", dagster_event=run.get_run_failure_event(),
                                             dagster_instance=instance, dagster_run=run.dagster_run).for_run_failure()
    assert isinstance(publish_after_crawl(ctx), dg.SkipReason)  # `credcat refresh` publishes by itself
    materialised, failed = partition_states(instance)
    assert failed == {GOOD} and BAD in materialised  # its latest attempt failed: the UI shows it failed
    assert publish(instance).success
    second = published(data_dir)
    assert second[GOOD] == first[GOOD] and second[BAD] > 0

    status = crawler.provider_status(GOOD, data_dir)
    assert status["crawl"] == "failed" and status["stale"] and status["stale_since"]
    assert status["listings"] == first[GOOD] and status["last_failure_reason"].startswith("missing:")
    assert not crawler.provider_status(BAD, data_dir)["stale"]

    # 3. `credcat status --json` gives the same figures; the exit code says a provider is stale
    assert main(["status", "--json"]) == 1
    rows = {r["provider"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[GOOD] == status
    assert rows[BAD]["crawl"] == "ok" and rows[BAD]["last_success"] and rows[BAD]["age_hours"] is not None
    assert rows["mslearn"]["crawl"] == "never"
    assert main(["status"]) == 1
    text = capsys.readouterr().out
    assert GOOD in text and "missing: snapshot folder not found" in text


def test_every_bundled_snapshot_crawls_complete(published):
    """No false alarms: each provider's offline snapshot is a complete, successful crawl."""
    data, report = published
    assert {p: r["crawl"] for p, r in report.providers.items()} == {p: "ok" for p in report.providers}
    for provider in report.providers:
        stats = json.loads((crawler.latest_run(provider, data) / "stats.json").read_text())
        assert stats["credcat/complete"] is True and stats["credcat/incomplete_reasons"] == []


def test_drop_guard_is_per_listing_type_against_the_last_good_count():
    from pipeline.quality import row_count_not_collapsing

    last_good = {"mslearn": {"course": 61, "assessment": 10}}
    # the whole provider is above half (61 of 71), but one type vanished: that is a collapse
    outcome = row_count_not_collapsing({"mslearn": {"course": 61}}, last_good, 0.5)
    assert not outcome.passed and set(outcome.metadata["collapsed"]) == {"mslearn/assessment"}
    assert row_count_not_collapsing({"mslearn": {"course": 40, "assessment": 6}}, last_good, 0.5).passed
    assert not row_count_not_collapsing({}, last_good, 0.5).passed  # a provider vanishing entirely
    assert row_count_not_collapsing({"new": {"course": 3}}, {}, 0.5).passed  # nothing to compare with yet
