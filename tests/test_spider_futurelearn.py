"""FutureLearn spider on its offline snapshot: the courses feed, and ExpertTrack / microcredential pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.crawl import crawl
from spiders import config
from tests.spider_helpers import read_jsonl, references_resolve, run_spider, typed_values

SNAPSHOT = config.snapshot_dir("futurelearn")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = crawl("futurelearn", offline=True, data_dir=tmp_path_factory.mktemp("futurelearn"))
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


def test_counts(run):
    result, rows = run
    assert result.listings == 22 and result.quarantined == 0
    kinds = sorted(r["credential_type"] for r in rows.values())
    assert kinds.count("course") == 19 and kinds.count("learning_program") == 2 and kinds.count("micro_credential") == 1


def test_feed_course_field_by_field(run):
    _, rows = run
    r = rows["futurelearn:courses/begin-programming"]
    assert r["source_id"] == "courses/begin-programming"
    assert r["title"] == "Begin Programming: Build Your First Mobile Game"
    assert r["url"] == "https://www.futurelearn.com/courses/begin-programming"  # utm_* removed, https
    assert r["credential_type"] == "course"
    assert r["description"] == "Explore begin programming with University of Reading in this online course."
    assert r["organisation"] == "University of Reading" and r["platform"] == "FutureLearn"
    assert r["language_text"] == "en" and r["level_text"] is None
    assert (r["duration_text"], r["length_text"]) == ("4 hours per week", "7 weeks")
    assert r["cost_text"] == "Free to audit; paid certificate"  # has_certificates: free to join, paid certificate
    assert typed_values(r) == {}
    assert r["skills"] == ["Online & Digital"]
    assert r["raw"]["uuid"] == "00000000-3aa4-469b-abe8-3de3bfa40000"
    assert len(r["raw"]["runs"]) == 1
    assert r["source_url"].endswith("/feeds/courses")


def test_latest_run_gives_the_length_and_no_certificate_means_free(run):
    _, rows = run
    r = rows["futurelearn:courses/english-for-the-workplace"]
    assert r["cost_text"] == "Free"
    assert rows["futurelearn:courses/deutsch-im-beruf"]["language_text"] == "de"


def test_html_entity_in_feed_title(run):
    _, rows = run
    assert rows["futurelearn:courses/sustainable-business"]["title"] == "Sustainable Business: Environmental & Social Impact"


def test_experttrack_bundles_its_courses(run):
    _, rows = run
    e = rows["futurelearn:experttracks/data-science-with-python"]
    assert e["credential_type"] == "learning_program" and e["organisation"] == "Coventry University"
    assert e["has_part"] == ["futurelearn:courses/data-science-fundamentals", "futurelearn:courses/python-data-analysis",
                             "futurelearn:courses/machine-learning-python"]
    assert e["cost_text"] == "Subscription: GBP 39/month"
    m = rows["futurelearn:microcredentials/project-management"]
    assert m["credential_type"] == "micro_credential" and len(m["has_part"]) == 3
    assert m["cost_text"] == "Program fee: GBP 655"


def test_references_resolve(run):
    _, rows = run
    assert references_resolve(list(rows.values())) == []


def test_import_of_an_exported_feed(tmp_path):
    run = run_spider("futurelearn", tmp_path, args={"urls": (SNAPSHOT / "feeds/courses/index.json").as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    assert len(run.listings) == 19


def test_real_recorded_courses_feed(tmp_path):
    """FutureLearn's courses feed as recorded in mammooc's tests (MIT; tests/fixtures/provider_api_samples)."""
    feed = Path(__file__).parent / "fixtures" / "provider_api_samples" / "futurelearn__courses_response.json"
    run = run_spider("futurelearn", tmp_path, args={"urls": feed.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    [r] = run.listings
    assert r["title"] == "Begin Programming: Build Your First Mobile Game"
    assert r["url"] == "https://www.futurelearn.com/courses/begin-programming"  # utm_* removed
    assert (r["duration_text"], r["cost_text"], r["language_text"]) == ("4 hours per week", "Free to audit; paid certificate", "en")
    assert [x["start"] for x in r["runs"]] == ["2013-10-28", "2014-02-24", "2014-10-20"]  # every run
    assert {x["length_text"] for x in r["runs"]} == {"7 weeks"}
