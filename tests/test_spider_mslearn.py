"""The Microsoft Learn spider, crawled through Scrapy's full downloader stack against the loopback snapshot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.crawl import crawl
from spiders import config
from spiders.record import validate
from tests.conftest import read_jsonl
from tests.spider_helpers import typed_values


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The fallback technique: the old unauthenticated Catalog API (api/catalog)."""
    result = crawl("mslearn", offline=True, data_dir=tmp_path_factory.mktemp("data"), spider_args={"techniques": "catalog"})
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


def test_every_listing_type_lands_and_validates(crawled):
    result, by_uid = crawled
    snapshot = json.loads((config.snapshot_dir("mslearn") / "api/catalog/index.json").read_text())
    expected = sum(len(snapshot[t]) for t in config.provider("mslearn")["types"])
    assert result.listings == expected == len(by_uid)
    assert result.quarantined == 0
    assert all(validate(r) == [] for r in by_uid.values())
    types = {r["credential_type"] for r in by_uid.values()}
    assert types == {"course", "learning_program", "applied_skill", "certification", "assessment"}


def test_crawl_went_through_robots_and_the_downloader(crawled):
    result, _ = crawled
    assert result.stats["robotstxt/request_count"] == 1
    assert result.stats["robotstxt/response_status_count/200"] == 1
    # one taxonomy request, then one request per configured listing type
    assert result.stats["response_received_count"] == 1 + 1 + len(config.provider("mslearn")["types"])


def test_instructor_led_course_field_by_field(crawled):
    _, by_uid = crawled
    c = by_uid["mslearn:course.az-900t00"]
    assert c["source"] == "mslearn" and c["source_id"] == "course.az-900t00"
    assert c["title"] == "Microsoft Azure Fundamentals"
    assert c["credential_type"] == "course"
    assert c["url"] == "https://learn.microsoft.com/en-us/training/courses/az-900t00/"  # tracking param gone
    assert c["organisation"] == "Microsoft" and c["platform"] == "Microsoft Learn"
    assert c["duration_text"] == "24 hours"  # duration_in_hours rendered with its unit
    assert c["level_text"] == "beginner"
    assert c["language_text"] == "en-us"
    assert c["pacing_text"] == "instructor-led" and c["cost_text"] is None
    assert typed_values(c) == {}
    assert c["description"].startswith("This course will provide foundational level knowledge")
    assert c["prepares_for"] == ["mslearn:certification.azure-fundamentals", "mslearn:exam.az-900"]
    assert c["source_modified"] == "2024-10-18T12:40:00+00:00"
    assert c["raw"]["course_number"] == "AZ-900T00"
    assert c["source_url"].startswith("http://127.0.0.1:") and "type=courses" in c["source_url"]
    assert c["fetched_at"].endswith("+00:00")


def test_learning_path_lists_its_modules_and_modules_are_free_and_timed(crawled):
    _, by_uid = crawled
    path = by_uid["mslearn:learn.wwl.microsoft-azure-fundamentals-describe-cloud-concepts"]
    assert path["credential_type"] == "learning_program"
    assert path["has_part"] == [
        "mslearn:learn.wwl.describe-cloud-compute",
        "mslearn:learn.wwl.describe-benefits-use-cloud-services",
        "mslearn:learn.wwl.describe-cloud-service-types",
    ]
    assert all(uid in by_uid for uid in path["has_part"])
    assert path["duration_text"] == "91 minutes"  # duration_in_minutes rendered with its unit
    module = by_uid[path["has_part"][0]]
    assert module["credential_type"] == "course"
    assert module["cost_text"] == "Free"
    assert module["skills"], "products and subjects become raw skill strings"


def test_certification_bundles_its_exam_and_names_its_study_guide(crawled):
    _, by_uid = crawled
    cert = by_uid["mslearn:certification.azure-fundamentals"]
    assert cert["credential_type"] == "certification"
    assert cert["title"] == "Microsoft Certified: Azure Fundamentals"
    assert cert["has_part"] == ["mslearn:exam.az-900"]
    assert cert["prepared_by"] and all(uid in by_uid for uid in cert["prepared_by"])
    exam = by_uid["mslearn:exam.az-900"]
    assert exam["credential_type"] == "assessment"
    assert exam["cost_text"] == "Paid exam (priced per country by the exam provider)"
    assert "mslearn:course.az-900t00" in exam["prepared_by"]


def test_every_reference_resolves_inside_the_snapshot(crawled):
    _, by_uid = crawled
    for record in by_uid.values():
        for rel in ("part_of", "has_part", "prepares_for", "prepared_by"):
            for ref in record[rel]:
                assert ref in by_uid, f"{record['uid']} {rel} {ref}"


def malformed_snapshot(tmp_path: Path) -> Path:
    """The real snapshot plus defects: invalid JSON for one type, and bad records among good ones."""
    root = tmp_path / "snapshot"
    shutil.copytree(config.snapshot_dir("mslearn"), root)
    catalog = json.loads((root / "api/catalog/index.json").read_text())
    catalog["modules"].append({"uid": "learn.bad-no-title", "type": "module", "url": "https://x/"})
    catalog["modules"].append({"uid": "learn.bad-duration", "title": "Bad", "url": "https://x/", "duration_in_minutes": "ninety"})
    catalog["modules"].append("not an object")
    (root / "api/catalog/index.json").write_text(json.dumps(catalog))
    (root / "api/catalog/index.json?locale=en-us&type=exams").write_text('{"exams": [ {"uid": "exam.az-900", ')
    return root


def test_malformed_input_is_quarantined_and_the_rest_still_lands(tmp_path, monkeypatch):
    root = malformed_snapshot(tmp_path)
    monkeypatch.setattr(config, "snapshot_dir", lambda name: root)
    result = crawl("mslearn", offline=True, data_dir=tmp_path / "data", spider_args={"techniques": "catalog"})
    assert result.ok
    quarantined = read_jsonl(result.quarantine_path)
    reasons = sorted(q["reason"] for q in quarantined)
    assert reasons == ["invalid_json", "mapping_error", "missing_field", "wrong_type"]
    by_reason = {q["reason"]: q for q in quarantined}
    assert by_reason["missing_field"]["source_id"] == "learn.bad-no-title"
    assert "title is required" in by_reason["missing_field"]["message"]
    assert json.loads(by_reason["missing_field"]["raw"])["uid"] == "learn.bad-no-title"
    assert by_reason["invalid_json"]["raw"].startswith('{"exams"')
    assert "type=exams" in by_reason["invalid_json"]["source_url"]
    assert by_reason["mapping_error"]["source_id"] == "learn.bad-duration"
    assert all(q["source"] == "mslearn" for q in quarantined)
    listings = read_jsonl(result.listings_path)
    types = {r["credential_type"] for r in listings}
    assert "assessment" not in types  # the exams page was unreadable...
    assert {"course", "learning_program", "certification", "applied_skill"} <= types  # ...the rest landed


# -- the Learn Platform API v1 (the default technique) ---------------------------------------------------------
@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    result = crawl("mslearn", offline=True, data_dir=tmp_path_factory.mktemp("v1"))
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


def test_platform_api_is_the_default_and_pages_are_followed(platform, crawled):
    result, by_uid = platform
    assert result.stats["credcat/mslearn/technique"] == "platform"
    assert set(by_uid) == set(crawled[1])  # the same listings as through the old API
    # 53 modules in pages of 20 follow nextLink: 3 pages; 21 learning paths: 2; the other four types: 1 each
    assert result.stats["response_received_count"] == 1 + 3 + 2 + 4
    assert all(validate(r) == [] for r in by_uid.values())


def test_v1_summary_is_text_and_raw_html_is_kept(platform):
    _, by_uid = platform
    m = by_uid["mslearn:learn.wwl.describe-cloud-compute"]
    assert m["description"].startswith("This module introduces you to cloud computing.") and "<" not in m["description"]
    assert m["raw"]["summary"].startswith("<p data-ms-build=")
    # v1 level references carry an empty name: the id is the level's text
    assert m["duration_text"] == "33 minutes" and m["level_text"] == "beginner"
    assert typed_values(m) == {}
    # v1 URLs have no locale segment (Microsoft's Learn Platform API FAQ) and no tracking parameter
    assert m["url"] == "https://learn.microsoft.com/training/modules/describe-cloud-compute/"


def test_certifications_without_locale_get_the_requested_language(platform):
    _, by_uid = platform
    cert = by_uid["mslearn:certification.azure-fundamentals"]
    assert "locale" not in cert["raw"]
    assert cert["language_text"] == "en-us"
    # a certification's subtitle is HTML in v1, its certificationType an {id, name} object
    assert cert["description"].startswith("Demonstrate foundational knowledge") and "<" not in cert["description"]
    assert cert["raw"]["certificationType"] == {"id": "fundamentals", "name": "fundamentals"}
    assert cert["has_part"] == ["mslearn:exam.az-900"]
    exam = by_uid["mslearn:exam.az-900"]
    assert exam["raw"]["displayName"] is None  # the code is in examNumber
    assert exam["code"] == "AZ-900" and "mslearn:course.az-900t00" in exam["prepared_by"]
    assert by_uid["mslearn:course.az-900t00"]["code"] == "AZ-900T00"


def test_live_crawl_without_credentials_falls_back_to_the_catalog_api(monkeypatch):
    from tests.spider_helpers import spider_in_process
    from spiders.providers.mslearn import MicrosoftLearnSpider

    for name in ("CREDCAT_MSLEARN_TOKEN", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                 "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_USE_MANAGED_IDENTITY"):
        monkeypatch.delenv(name, raising=False)
    spider = spider_in_process(MicrosoftLearnSpider)
    [first] = list(spider.start_urls_for())
    assert "/api/catalog/" in first.url and spider.crawler.stats.get_value("credcat/mslearn/fallback") == "catalog"
    monkeypatch.setenv("CREDCAT_MSLEARN_TOKEN", "t0ken")
    spider = spider_in_process(MicrosoftLearnSpider)
    first = next(iter(spider.start_urls_for()))
    assert first.url.startswith("https://learn.microsoft.com/api/v1/modules?api-version=")
    assert first.headers["Authorization"] == b"Bearer t0ken"
    only = spider_in_process(MicrosoftLearnSpider, techniques="platform")
    monkeypatch.delenv("CREDCAT_MSLEARN_TOKEN")
    with pytest.raises(ValueError, match="Entra credentials"):
        list(only.start_urls_for())
