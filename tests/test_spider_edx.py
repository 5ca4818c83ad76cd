"""edX spider on its offline snapshot: sitemap + JSON-LD course and programme pages, and the RSS feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.crawl import crawl
from spiders import config
from tests.spider_helpers import both_ends_agree, read_jsonl, references_resolve, run_spider, typed_values

SNAPSHOT = config.snapshot_dir("edx")
SDS = "edx:masters/micromasters/mitx-statistics-and-data-science"


@pytest.fixture(scope="module")
def sitemap_run(tmp_path_factory):
    result = crawl("edx", offline=True, data_dir=tmp_path_factory.mktemp("edx"))
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


@pytest.fixture(scope="module")
def rss_run(tmp_path_factory):
    run = run_spider("edx", tmp_path_factory.mktemp("edx-rss"), snapshot=SNAPSHOT, args={"techniques": "rss"})
    assert run.returncode == 0, run.log[-3000:]
    return run


def test_sitemap_crawl_counts(sitemap_run):
    result, rows = sitemap_run
    assert result.listings == 23 and result.quarantined == 0
    types = sorted(r["credential_type"] for r in rows.values() if r["credential_type"] != "course")
    assert types == ["certificate", "certificate", "degree_program", "learning_program"]
    # 2 sub-sitemaps + 19 course + 4 programme pages; the subject page /learn/python is outside url_patterns
    assert result.stats["credcat/sitemap/urls"] == 25


def test_course_page_field_by_field(sitemap_run):
    _, rows = sitemap_run
    r = rows["edx:learn/probability/mitx-probability-the-science-of-uncertainty-and-data"]
    assert r["title"] == "Probability - The Science of Uncertainty and Data"
    assert r["url"] == "https://www.edx.org/learn/probability/mitx-probability-the-science-of-uncertainty-and-data"
    assert r["credential_type"] == "course"
    assert r["organisation"] == "MITx" and r["platform"] == "edX"
    assert r["level_text"] == "Advanced" and r["language_text"] == "en-US"
    assert r["duration_text"] == "10-14 hours per week" and r["length_text"] == "P16W"  # workload; calendar length
    assert r["cost_text"] == "Audit: USD 0; Verified certificate: USD 300"
    assert typed_values(r) == {}
    assert r["learning_outcomes"] == ["Probability"] and r["skills"] == []  # schema.org teaches: outcomes
    assert r["runs"] and r["runs"][0]["duration_text"] == "10-14 hours per week"  # every CourseInstance
    assert r["part_of"] == [SDS]
    assert r["source_modified"] == "2025-02-10T12:00:00+00:00"
    assert r["raw"]["courseCode"] == "6.431x"


def test_introductory_level_and_entities(sitemap_run):
    _, rows = sitemap_run
    r = rows["edx:learn/computer-science/harvardx-cs50-s-introduction-to-computer-science"]
    assert r["level_text"] == "Introductory" and r["title"] == "CS50's Introduction to Computer Science"
    assert rows["edx:learn/english/delftx-english-for-academic-purposes"]["title"] == "English Grammar & Style"


def test_micromasters_bundles_its_courses(sitemap_run):
    _, rows = sitemap_run
    m = rows[SDS]
    assert m["credential_type"] == "degree_program" and m["title"] == "Statistics and Data Science"
    assert m["organisation"] == "MITx"
    assert len(m["has_part"]) == 4  # read from an ItemList in hasCourse
    assert "edx:learn/statistics/mitx-fundamentals-of-statistics" in m["has_part"]
    assert m["cost_text"] == "Program: USD 1200"
    assert m["length_text"] == "P62W" and m["duration_text"] is None  # timeToComplete: calendar length


def test_professional_certificate_and_xseries(sitemap_run):
    _, rows = sitemap_run
    pc = rows["edx:certificates/professional-certificate/harvardx-computer-science-for-python-programming"]
    assert pc["credential_type"] == "certificate" and len(pc["has_part"]) == 3
    xs = rows["edx:xseries/mitx-mobile-application-experiences"]
    assert xs["credential_type"] == "learning_program" and len(xs["has_part"]) == 5


def test_stacking_references_resolve_and_agree(sitemap_run):
    _, rows = sitemap_run
    assert references_resolve(list(rows.values())) == []
    assert both_ends_agree(list(rows.values())) == []


def test_rss_feed_pages(rss_run):
    rows = rss_run.by_uid()
    assert len(rows) == 9 and rss_run.quarantined == []
    assert rss_run.stats["credcat/pagination/pages"] == 2
    r = rows["edx:course/mobile-application-experiences-part-4-understanding-use-mitx-21w-789-4x"]
    assert r["title"] == "Mobile Application Experiences Part 4: Understanding Use"
    assert r["url"] == "https://www.edx.org/course/mobile-application-experiences-part-4-understanding-use-mitx-21w-789-4x"
    assert r["organisation"] == "MITx" and r["language_text"] == "en"
    assert (r["duration_text"], r["length_text"]) == ("10-12 hours/week", "4 weeks")  # course:effort, course:length
    assert r["skills"] == ["Mobile Development", "Computer Science"]
    assert r["cost_text"] == "Free to audit; paid certificate"  # course:verified
    assert typed_values(r) == {}
    assert r["source_modified"] == "2016-01-12T11:53:58-05:00"
    assert r["raw"]["course:id"] == "course-v1:MITx+21W.789.4x+1T2016"
    assert r["raw"]["course:instructors"] == ["Course Team"]


def test_rss_import_from_file(tmp_path):
    feed = SNAPSHOT / "api/v2/report/course-feed/rss/index.xml"
    run = run_spider("edx", tmp_path, args={"urls": feed.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    assert len(run.listings) == 4  # first page only: a given document is imported, not paged onward


def test_real_recorded_rss_feed(tmp_path):
    """edX's legacy RSS course feed as recorded in mammooc's tests (MIT; tests/fixtures/provider_api_samples)."""
    feed = Path(__file__).parent / "fixtures" / "provider_api_samples" / "edx__course_data.xml"
    run = run_spider("edx", tmp_path, args={"urls": feed.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    [r] = run.listings
    assert r["title"] == "Mobile Application Experiences Part 4: Understanding Use"
    assert (r["duration_text"], r["length_text"]) == ("10-12 hours/week", "4 weeks")
    assert r["prerequisites"] == "Having a working app that you have the source code for."
    assert r["pacing_text"] == "instructor-paced"  # course:self_paced 0
    assert r["runs"][0]["start"] == "2016-04-25 00:00:00" and r["runs"][0]["end"] == "2016-05-23 00:00:00"
