"""Coursera spider on its offline snapshot: sitemap + JSON-LD pages (default) and the courses.v1 API."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.crawl import crawl
from spiders import config
from tests.spider_helpers import both_ends_agree, read_jsonl, references_resolve, run_spider, typed_values

SNAPSHOT = config.snapshot_dir("coursera")


@pytest.fixture(scope="module")
def sitemap_run(tmp_path_factory):
    result = crawl("coursera", offline=True, data_dir=tmp_path_factory.mktemp("coursera"))
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


@pytest.fixture(scope="module")
def api_run(tmp_path_factory):
    run = run_spider("coursera", tmp_path_factory.mktemp("coursera-api"), snapshot=SNAPSHOT, args={"techniques": "api"})
    assert run.returncode == 0, run.log[-3000:]
    return run


def test_sitemap_crawl_counts(sitemap_run):
    result, rows = sitemap_run
    assert result.listings == 27 and result.quarantined == 0
    kinds = {}
    for r in rows.values():
        kinds[r["credential_type"]] = kinds.get(r["credential_type"], 0) + 1
    assert kinds == {"course": 23, "learning_program": 2, "certificate": 2}
    # browse and article pages are in the sitemap but outside url_patterns: never fetched
    assert result.stats["credcat/sitemap/urls"] == 29
    assert result.stats["credcat/empty_crawl"] == 0


def test_course_page_field_by_field(sitemap_run):
    _, rows = sitemap_run
    r = rows["coursera:learn/python-data"]
    assert r["source"] == "coursera" and r["source_id"] == "learn/python-data"
    assert r["title"] == "Python Data Structures"
    assert r["url"] == "https://www.coursera.org/learn/python-data"
    assert r["credential_type"] == "course"
    assert r["description"].startswith("An online course in python syntax and semantics from University of Michigan")
    assert r["organisation"] == "University of Michigan"
    assert r["platform"] == "Coursera"
    assert r["level_text"] == "Beginner"
    assert r["language_text"] == "en"
    assert r["duration_text"] == "PT19H" and r["length_text"] is None
    assert r["cost_text"] == "Audit: USD 0"
    assert typed_values(r) == {}
    assert r["learning_outcomes"] == ["Python Syntax And Semantics", "Data Structures"]  # schema.org teaches
    assert r["part_of"] == ["coursera:specializations/python"]
    assert r["has_part"] == [] and r["prepares_for"] == []
    assert r["source_modified"] == "2025-02-11T08:00:00Z"
    assert r["source_url"].startswith("http://127.0.0.1:") and r["source_url"].endswith("/learn/python-data")
    assert r["raw"]["@type"] == "Course"


def test_html_entities_in_page_are_decoded(sitemap_run):
    _, rows = sitemap_run
    assert rows["coursera:learn/digitalmedia"]["title"] == "Creative Programming for Digital Media & Mobile Apps"
    assert rows["coursera:learn/python-for-applied-data-science-ai"]["title"] == "Python for Data Science, AI & Development"


def test_specialization_bundles_its_courses(sitemap_run):
    _, rows = sitemap_run
    s = rows["coursera:specializations/python"]
    assert s["credential_type"] == "learning_program"
    assert s["title"] == "Python for Everybody" and s["organisation"] == "University of Michigan"
    assert s["has_part"] == [f"coursera:learn/{slug}" for slug in
                             ("python", "python-data", "python-network-data", "python-databases", "python-data-visualization")]
    assert s["cost_text"] == "Subscription: USD 49/month"
    assert s["length_text"] == "P8M" and s["duration_text"] is None  # timeToComplete is a span, not a workload


def test_professional_certificate_bundles_its_courses(sitemap_run):
    _, rows = sitemap_run
    p = rows["coursera:professional-certificates/google-it-support"]
    assert p["credential_type"] == "certificate" and p["organisation"] == "Google"
    assert len(p["has_part"]) == 5 and "coursera:learn/it-security" in p["has_part"]
    assert rows["coursera:learn/it-security"]["part_of"] == ["coursera:professional-certificates/google-it-support"]


def test_stacking_references_resolve_and_agree(sitemap_run):
    _, rows = sitemap_run
    listings = list(rows.values())
    assert references_resolve(listings) == []
    assert both_ends_agree(listings) == []
    assert sum(1 for r in listings if r["part_of"]) == 20


def test_api_technique_pages_through_courses(api_run):
    rows = api_run.by_uid()
    assert len(rows) == 23 and api_run.quarantined == []
    assert api_run.stats["credcat/pagination/pages"] == 3
    assert "credcat/pagination/loop_stopped" not in api_run.stats
    r = rows["coursera:learn/python-data"]
    assert r["title"] == "Python Data Structures"
    assert r["url"] == "https://www.coursera.org/learn/python-data"
    assert r["organisation"] == "University of Michigan"  # from linked partners.v1
    assert r["language_text"] == "en" and r["credential_type"] == "course"
    assert r["duration_text"] == "4-9 hours/week" and r["length_text"] is None  # weekly effort, no length
    assert r["cost_text"] == "Free to audit; paid certificate"
    assert typed_values(r) == {}
    assert r["skills"] == ["python-syntax-and-semantics"]
    assert r["raw"]["slug"] == "python-data" and r["raw"]["courseType"] == "v2.ondemand"
    assert rows["coursera:learn/python"]["duration_text"] == "19 hours"
    assert rows["coursera:learn/learning-how-to-learn"]["cost_text"] is None  # no certificate offered


def test_api_and_sitemap_give_courses_the_same_uids(api_run, sitemap_run):
    _, rows = sitemap_run
    courses = {u for u, r in rows.items() if r["credential_type"] == "course"}
    assert set(api_run.by_uid()) == courses


def test_import_of_an_exported_api_page(tmp_path):
    page = next(SNAPSHOT.joinpath("api").glob("courses.v1?start=10*"))
    run = run_spider("coursera", tmp_path, args={"urls": page.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    assert len(run.listings) == 10  # the given page only: its paging.next is not followed
    assert all(r["source_url"].startswith("file://") for r in run.listings)


def test_real_recorded_courses_v1_answer(tmp_path):
    """courses.v1 as Coursera answered it (recorded in mammooc's tests, MIT; tests/fixtures/provider_api_samples)."""
    page = Path(__file__).parent / "fixtures" / "provider_api_samples" / "coursera__raw_course_data.json"
    run = run_spider("coursera", tmp_path, args={"urls": page.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    rows = run.by_uid()
    assert set(rows) == {"coursera:learn/digitalmedia", "coursera:learn/gamification"}
    g = rows["coursera:learn/gamification"]
    assert (g["duration_text"], g["language_text"], g["cost_text"]) == ("4-8 hours/week", "en", "Free to audit; paid certificate")
    assert g["organisation"] == "University of Pennsylvania"  # partnerIds resolved through linked partners.v1
    assert g["runs"] == [{"start": "1447095621493", "language_text": "en"}]  # startDate, epoch milliseconds
    assert rows["coursera:learn/digitalmedia"]["runs"] == []
