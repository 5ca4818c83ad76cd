"""The whole asset graph into a tmp_path catalogue, the checks on data that must fail them, and publishing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import dagster as dg
import duckdb

from pipeline import quality, registry, warehouse
from pipeline.crawl import latest_run
from pipeline.defs import checks
from pipeline.defs.resources import CatalogueResource
from pipeline.definitions import defs


def test_refresh_materialises_the_graph_and_publishes(published):
    data, report = published
    assert report.published, report.render()
    assert report.failed_checks == []
    assert report.providers["mslearn"]["crawl"] == "ok"
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'main'").fetchall()}
    assert tables == set(registry.registry().published()), "every published table, from the registry"
    # the full-text index is built into the published file, in its own schema (pipeline.search)
    assert con.execute("select count(*) from fts_main_search_documents.docs").fetchone()[0] == \
        con.execute("select count(*) from credentials").fetchone()[0]
    assert not any(t.startswith(("raw_", "stg_", "int_")) for t in tables), "working tables are not published"
    by_type = dict(con.execute("select credential_type, count(*) from credentials where source = 'mslearn' "
                               "group by 1").fetchall())
    assert by_type["certification"] == 10 and by_type["learning_program"] == 21
    assert sum(by_type.values()) == report.providers["mslearn"]["published"]


def test_published_credentials_carry_vocabulary_and_references_from_both_ends(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    row = con.execute("select ctdl_class, ob3_achievement_type, part_of from credentials "
                      "where uid = 'mslearn:exam.az-900'").fetchone()
    assert row[0] == "ceterms:AssessmentProfile" and row[1] == "Assessment"
    # the certification lists the exam; the exam's part_of is completed from that statement
    assert row[2] == ["mslearn:certification.azure-fundamentals"]
    module_parents = con.execute("select part_of from credentials where uid = 'mslearn:learn.wwl.describe-cloud-compute'").fetchone()[0]
    assert "mslearn:learn.wwl.microsoft-azure-fundamentals-describe-cloud-concepts" in module_parents


def test_definitions_have_partitions_checks_and_a_nightly_schedule():
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    # one asset per published table (from the model registry), plus the crawl, the publish and the exports
    assert keys == set(registry.registry().published()) | {"raw_listings", "catalogue", "exports"}
    assert repo.asset_graph.get(dg.AssetKey("listings")).parent_keys == {dg.AssetKey("raw_listings"),
                                                                           dg.AssetKey("credential_types")}
    assert dg.AssetKey("stack_cycles") in repo.asset_graph.get(dg.AssetKey("stack_edges")).parent_keys
    checked = {c.name: c.asset_key.to_user_string() for c in repo.asset_graph.asset_check_keys}
    assert checked["quarantine_share_not_jumping"] == "quarantine"
    assert checked["row_count_not_collapsing"] == "listings"
    assert checked["one_credential_per_listing"] == "credential_sources"
    assert checked["credential_ids_stable"] == "credentials"
    assert checked["profiles_keep_statements"] == "credential_profiles"
    # every asset and every check says what it is
    for key in repo.asset_graph.get_all_asset_keys():
        assert repo.asset_graph.get(key).description, key
        assert key.to_user_string() in {"raw_listings", "catalogue", "exports"} or \
            repo.asset_graph.get(key).metadata["built_by"]
    for check in checks.ALL_CHECKS:
        assert all(spec.description for spec in check.check_specs), check
    sched = defs.resolve_schedule_def("nightly_refresh")
    assert sched.cron_schedule == "0 2 * * *" and sched.execution_timezone == "UTC"
    assert sched.job.name == "refresh"
    check_specs = list(repo.asset_graph.asset_check_keys)
    assert {c.name for c in check_specs} == {"uid_unique", "required_fields_present", "row_count_not_collapsing",
                                           "quarantine_share_not_jumping", "cluster_size_bounded",
                                           "one_credential_per_listing", "credential_ids_stable",
                                           "profiles_keep_statements"}
    partitions = defs.resolve_assets_def("raw_listings").partitions_def.get_partition_keys()
    assert "mslearn" in partitions


def test_schedule_requests_one_run_over_every_provider():
    sched = defs.resolve_schedule_def("nightly_refresh")
    ctx = dg.build_schedule_context(scheduled_execution_time=__import__("datetime").datetime(2026, 11, 30, 2))
    request = sched.evaluate_tick(ctx).run_requests[0]
    partitions = defs.resolve_assets_def("raw_listings").partitions_def.get_partition_keys()
    assert request.tags["dagster/asset_partition_range_start"] == partitions[0]
    assert request.tags["dagster/asset_partition_range_end"] == partitions[-1]


# -- checks on data that must fail them ------------------------------------------------------------------------
def bad_build(tmp_path, rows: list[tuple]) -> CatalogueResource:
    resource = CatalogueResource(data_dir=str(tmp_path / "bad"), catalogue=str(tmp_path / "bad" / "published.duckdb"))
    resource.build_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(resource.build_path))
    con.execute("create table credentials (uid varchar, source varchar, source_id varchar, title varchar, url varchar,"
                " credential_type varchar, fetched_at timestamptz, source_url varchar)")
    con.executemany("insert into credentials values (?, ?, ?, ?, ?, ?, now(), 'http://x')", rows)
    con.execute("create table listings as select * from credentials")
    con.close()
    return resource


def good_row(i: int) -> tuple:
    return (f"p:{i}", "p", str(i), f"Course {i}", f"https://x/{i}", "course")


def test_uid_unique_fails_on_duplicates(tmp_path):
    resource = bad_build(tmp_path, [good_row(1), good_row(1), good_row(2)])
    result = checks.uid_unique(catalogue=resource)
    assert not result.passed and "p:1" in json.dumps(result.metadata["duplicate_uids"].value)
    assert checks.uid_unique(catalogue=bad_build(tmp_path / "ok", [good_row(1), good_row(2)])).passed


def test_required_fields_check_fails_on_missing_title_and_blank_url(tmp_path):
    rows = [good_row(1), ("p:2", "p", "2", None, "https://x/2", "course"), ("p:3", "p", "3", "T", "  ", "course")]
    result = checks.required_fields_present(catalogue=bad_build(tmp_path, rows))
    assert not result.passed
    assert result.metadata["missing_by_field"].value == {"title": 1, "url": 1}


def test_row_count_check_fails_when_a_provider_collapses(tmp_path):
    resource = bad_build(tmp_path, [good_row(i) for i in range(3)])
    published = duckdb.connect(resource.catalogue)
    published.execute("create table credentials as select 'p' as source, range as i from range(10)")
    published.close()
    result = checks.row_count_not_collapsing(catalogue=resource)
    assert not result.passed  # 3 < 0.5 * 10
    assert quality.row_count_not_collapsing({"p": 6}, {"p": 10}, 0.5).passed
    assert not quality.row_count_not_collapsing({}, {"p": 10}, 0.5).passed  # a provider vanishing entirely


def test_a_failed_check_blocks_publishing_and_keeps_the_old_catalogue(published, monkeypatch):
    data, report = published
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    before = warehouse.published_counts(data / "catalogue.duckdb")
    # the next crawl "succeeds" with only 5 listings (a redesigned site, say)
    good = latest_run("mslearn", data)
    shrunk = good.parent / "29990101T000000000000Z"
    shrunk.mkdir()
    lines = (good / "listings.jsonl").read_text().splitlines()[:5]
    (shrunk / "listings.jsonl").write_text("\n".join(lines) + "\n")
    (shrunk / "quarantine.jsonl").write_text("")
    (good.parent / "LATEST").write_text(shrunk.name)
    try:
        job = defs.resolve_job_def("publish")
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
        assert not result.success
        evaluations = {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data.passed
                       for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
        assert evaluations["row_count_not_collapsing"] is False
        assert not any(e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key == dg.AssetKey("catalogue")
                       for e in result.all_events)
        assert warehouse.published_counts(data / "catalogue.duckdb") == before
    finally:
        (good.parent / "LATEST").write_text(good.name)


# -- atomic publishing -----------------------------------------------------------------------------------------
READER = textwrap.dedent("""
    import sys, time, duckdb
    path, seconds = sys.argv[1], float(sys.argv[2])
    seen, errors, end = set(), 0, time.time() + seconds
    while time.time() < end:
        try:
            con = duckdb.connect(path, read_only=True)
            n, distinct_batches = con.execute("select count(*), count(distinct batch) from credentials").fetchone()
            con.close()
            seen.add((n, distinct_batches))
        except Exception as exc:
            errors += 1
            print("ERROR", exc, file=sys.stderr)
    print(sorted(seen), errors)
""")


def test_readers_in_other_processes_see_whole_catalogues_during_publishes(tmp_path):
    published = tmp_path / "catalogue.duckdb"
    build = tmp_path / "build.duckdb"

    def build_catalogue(n: int, batch: int) -> None:
        con = warehouse.fresh_build(build)
        con.execute(f"create table credentials as select range as uid, {batch} as batch from range({n})")
        con.close()

    build_catalogue(1000, 0)
    warehouse.publish(build, published)
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(published), "4"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for i in range(1, 21):
        build_catalogue(1000 if i % 2 == 0 else 2000, i)
        warehouse.publish(build, published)
    for proc in readers:
        out, err = proc.communicate(timeout=60)
        seen, errors = out.rsplit(" ", 1)
        assert int(errors) == 0, err
        for n, batches in eval(seen):
            assert n in (1000, 2000) and batches == 1  # a whole catalogue, never a mix
