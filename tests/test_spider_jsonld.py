"""The generic schema.org JSON-LD spider: the example provider, providers added by configuration alone,
and imports of exported JSON-LD documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import paths
from pipeline.crawl import crawl
from spiders import config
from tests.spider_helpers import read_jsonl, references_resolve, run_spider, typed_values

SNAPSHOT = config.snapshot_dir("example-university")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = crawl("example-university", offline=True, data_dir=tmp_path_factory.mktemp("exu"))
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-3000:]
    return result, {r["uid"]: r for r in read_jsonl(result.listings_path)}


def test_counts_and_sitemap_from_robots(run):
    result, rows = run
    assert result.listings == 19 and result.quarantined == 0
    assert sorted({r["credential_type"] for r in rows.values()}) == ["course", "micro_credential"]
    # robots.txt -> sitemap.xml -> 19 wanted pages (about and news pages are outside url_patterns)
    assert result.stats["credcat/sitemap/urls"] == 20


def test_course_info_every_instance_offers_prerequisites_outcomes(run):
    """A page in the shape of Google's course info structured data (several CourseInstances, a schedule
    repeated daily, offers by category, coursePrerequisites, teaches, a certificate's own offer)."""
    _, rows = run
    r = rows["example-university:courses/introductory-chemistry"]
    assert r["learning_outcomes"] == ["Identify chemical compounds", "Understand how to use a lab"]
    assert r["skills"] == ["Polymer Chemistry", "Organic Chemistry"]  # about; teaches are outcomes
    assert r["prerequisites"] == "Basic algebra; School Science"
    assert r["cost_text"] == "Partially Free: EUR 0; Paid: EUR 49"  # the course's offer and the certificate's
    assert (r["participation_text"], r["pacing_text"]) == ("Blended, Online", "asynchronous")
    # the first instance's schedule: 3 h each day, 31 days (repeatCount read with repeatFrequency)
    assert (r["duration_text"], r["length_text"]) == ("PT3H per day", "P31D")
    blended, online = r["runs"]
    assert (blended["start"], blended["end"], blended["participation_text"]) == ("2026-07-01", "2026-07-31", "Blended")
    assert (online["duration_text"], online["pacing_text"], online["language_text"]) == ("PT22H", "asynchronous", "en")


def test_course_field_by_field(run):
    _, rows = run
    r = rows["example-university:courses/spatial-data-analysis"]
    assert r["source"] == "example-university" and r["source_id"] == "courses/spatial-data-analysis"
    assert r["title"] == "Spatial Data Analysis"
    assert r["url"] == "https://shortcourses.example.edu/courses/spatial-data-analysis"
    assert r["credential_type"] == "course"
    assert r["description"].startswith("A short course of the (invented) Example University: Spatial Data Analysis.")
    assert r["organisation"] == "Example University"
    assert r["platform"] == "Example University Short Courses (example provider)"
    assert r["level_text"] == "Intermediate" and r["language_text"] == "en-GB"
    assert r["duration_text"] == "PT24H" and r["length_text"] is None
    assert r["cost_text"] == "Offer: EUR 300.00"
    assert typed_values(r) == {}
    assert r["learning_outcomes"] == ["Spatial Statistics", "Python"]  # schema.org teaches: outcomes, not skills
    assert r["prepares_for"] == ["example-university:credentials/gis-professional"]
    assert r["source_modified"] == "2025-05-02"


def test_entities_free_offer_and_language(run):
    _, rows = run
    assert rows["example-university:courses/teaching-online"]["title"] == "Teaching Online: Design & Delivery"
    assert rows["example-university:courses/intro-to-gis"]["organisation"] == "Example University – Geography & Environment"
    free = rows["example-university:courses/research-data-management"]
    assert free["cost_text"] == "Free: EUR 0.00"
    assert rows["example-university:courses/french-a1"]["language_text"] == "fr"


def test_micro_credential_bundles_courses(run):
    _, rows = run
    m = rows["example-university:credentials/gis-professional"]
    assert m["credential_type"] == "micro_credential"
    # schema.org recognizedBy is recognition, never the awarding body (issue 12); the page names no provider
    assert m.get("organisation") is None
    assert m["recognition"] == [{"role": "recognized_by", "name": "Example University", "id": None}]
    assert m["has_part"] == ["example-university:courses/intro-to-gis", "example-university:courses/spatial-data-analysis",
                             "example-university:courses/remote-sensing"]
    assert (m["duration_text"], m["cost_text"]) == ("PT125H", "Program fee: EUR 950.00")
    assert references_resolve(list(rows.values())) == []


SECOND = """
[providers.another-college]
spider = "another-college"
uses = "jsonld"
title = "Another College (test)"
base_url = "https://shortcourses.example.edu"
start_urls = ["/credentials/gis-professional"]
follow_links = true
url_patterns = ["/courses/[^/?#]+/?$"]
snapshot = "{snapshot}"
"""


@pytest.fixture
def two_jsonld_providers(tmp_path):
    toml = tmp_path / "providers.toml"
    toml.write_text(config.CONFIG_PATH.read_text() + SECOND.format(snapshot=SNAPSHOT))
    return toml


def _env(toml):
    return {**os.environ, "CREDCAT_PROVIDERS": str(toml), "SCRAPY_SETTINGS_MODULE": "spiders.settings",
            "PYTHONPATH": str(paths.PROJECT_ROOT)}


def test_a_provider_added_by_configuration_is_listed_and_partitioned(two_jsonld_providers):
    env = _env(two_jsonld_providers)
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=paths.PROJECT_ROOT, env=env,
                            capture_output=True, text=True, check=True).stdout.split()
    assert {"another-college", "example-university", "jsonld"} <= set(listed)
    partitions = subprocess.run([sys.executable, "-c", "from pipeline.defs.partitions import PROVIDERS; print(PROVIDERS)"],
                                cwd=paths.PROJECT_ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert "another-college" in partitions


def test_a_provider_added_by_configuration_crawls(two_jsonld_providers, tmp_path):
    run = run_spider("another-college", tmp_path / "out", snapshot=SNAPSHOT, providers_toml=two_jsonld_providers)
    assert run.returncode == 0, run.log[-2000:]
    # default wanted types: the start page's credential and the three courses it links to (follow_links)
    uids = sorted(run.by_uid())
    assert uids[0] == "another-college:courses/intro-to-gis" and len(uids) == 4
    assert run.by_uid()["another-college:credentials/gis-professional"]["url"] == "https://shortcourses.example.edu/credentials/gis-professional"


EXPORT = [
    {"@context": "https://schema.org", "@type": "Course", "name": "Exported Course &amp; Friends",
     "url": "https://exported.example.net/c/1", "inLanguage": "English", "timeRequired": "PT90M",
     "provider": {"@type": "Organization", "name": "Export Org"}},
    {"@context": "https://schema.org", "@graph": [
        {"@type": "EducationalOccupationalCredential", "name": "Exported Badge", "credentialCategory": "badge",
         "url": "https://exported.example.net/b/1", "hasPart": {"@id": "https://exported.example.net/c/1"}},
        {"@type": "Organization", "name": "Export Org"}]},
]


def test_import_of_an_exported_jsonld_document(tmp_path):
    doc = tmp_path / "export.jsonld"
    doc.write_text(json.dumps(EXPORT))
    run = run_spider("jsonld", tmp_path / "out", args={"urls": doc.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    rows = run.by_uid()
    assert set(rows) == {"jsonld:c/1", "jsonld:b/1"}
    c = rows["jsonld:c/1"]
    assert (c["title"], c["language_text"], c["duration_text"], c["organisation"]) == (
        "Exported Course & Friends", "English", "PT90M", "Export Org")
    assert rows["jsonld:b/1"]["credential_type"] == "badge" and rows["jsonld:b/1"]["has_part"] == ["jsonld:c/1"]
    assert c["source_url"] == doc.as_uri()


def test_import_labelled_with_a_configured_provider(tmp_path):
    page = SNAPSHOT / "courses/intro-to-gis/index.html"
    run = run_spider("jsonld", tmp_path, args={"urls": page.as_uri(), "provider": "example-university"})
    assert run.returncode == 0, run.log[-2000:]
    assert list(run.by_uid()) == ["example-university:courses/intro-to-gis"]


# -- schema.org's own published Course examples (tests/fixtures/schemaorg, Apache 2.0) -----------------------
SCHEMAORG_EXAMPLES = Path(__file__).parent / "fixtures" / "schemaorg" / "sdo-course-examples.txt"


def schemaorg_pages(folder: Path) -> dict[str, Path]:
    """One page per published example (``#eg-0332`` ...), holding that example's JSON-LD block unchanged:
    on schema.org each example is shown on its own, and one page can give only one listing without a url."""
    pages = {}
    for section in SCHEMAORG_EXAMPLES.read_text().split("TYPES: ")[1:]:
        name = section.split()[0].lstrip("#")
        page = folder / f"{name}.html"
        page.write_text(f"<html><head>{section.split('JSON:', 1)[1]}</head><body></body></html>")
        pages[name] = page
    return pages


@pytest.fixture(scope="module")
def schemaorg_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemaorg")
    pages = schemaorg_pages(folder)
    run = run_spider("jsonld", folder / "out", args={"urls": ",".join(p.as_uri() for p in pages.values())})
    assert run.returncode == 0, run.log[-2000:]
    return pages, run


def test_schemaorg_examples_every_course_instance_is_a_run(schemaorg_run):
    pages, run = schemaorg_run
    assert len(pages) == 7
    by_page = {Path(r["source_url"]).stem: r for r in run.listings}
    assert set(by_page) == {f"eg-0{n}" for n in range(333, 339)}
    # eg-0332 has no name: quarantined with its reason, the others still land
    [nameless] = run.quarantined
    assert nameless["reason"] == "missing_field" and nameless["source_url"].endswith("eg-0332.html")
    assert json.loads(nameless["raw"])["hasCourseInstance"] == {"@type": "CourseInstance", "courseMode": ["MOOC", "online"],
                                                    "endDate": "2019-03-21", "startDate": "2019-02-15"}
    hnc = by_page["eg-0333"]  # a college course at three campuses; its "@id": "./" resolves against the page
    assert hnc["title"] == "HNC Accounting" and hnc["url"] == pages["eg-0333"].parent.as_uri() + "/"
    assert [(r["start"], r["end"], r["pacing_text"]) for r in hnc["runs"]] == [
        ("2016-08-31", "2017-06-21", "part-time"), ("2016-08-29", "2017-06-23", "full-time"),
        ("2016-08-29", "2017-06-23", "full-time")]
    assert hnc["pacing_text"] == "part-time, full-time"  # each stated mode once
    toolbox = by_page["eg-0337"]  # one instance, two modes, an instructor and a platform's offer
    assert toolbox["runs"] == [{"participation_text": "MOOC, online", "cost_text": "Offer: 0",
                                "instructors": "Jeff Leek, PhD", "id": None, "url": None, "start": None,
                                "end": None, "pacing_text": None, "language_text": None, "duration_text": None,
                                "length_text": None}]
    assert toolbox["participation_text"] == "MOOC, online"


def test_schemaorg_examples_offers_instructor_code_and_provider(schemaorg_run):
    _, run = schemaorg_run
    by_page = {Path(r["source_url"]).stem: r for r in run.listings}
    proof = by_page["eg-0334"]  # a distance-learning course, online or posted, each instance with its price
    assert proof["title"] == "Basic Proofreading"
    assert [r["cost_text"] for r in proof["runs"]] == ["Offer: GBP 395", "Offer: GBP 440"]
    assert proof["cost_text"] == "Offer: GBP 395; Offer: GBP 440"
    assert [r["participation_text"] for r in proof["runs"]] == ["distance learning, Online", "Posted, distance learning"]
    assert by_page["eg-0337"]["organisation"] == "Johns Hopkins University"
    physics = by_page["eg-0338"]
    assert (physics["code"], physics["organisation"]) == ("F300", "University of Bristol")
    assert by_page["eg-0335"]["title"] == "HNC Accounting" and all(typed_values(r) == {} for r in run.listings)


def test_schemaorg_example_runs_are_typed_for_credential_runs(schemaorg_run):
    """The runs of the published examples as the credential_runs step types them (pipeline/runs.py)."""
    from pipeline.runs import type_run

    _, run = schemaorg_run
    by_page = {Path(r["source_url"]).stem: r for r in run.listings}
    first = type_run(by_page["eg-0333"]["runs"][0])
    assert first["start_date"].startswith("2016-08-31") and first["end_date"].startswith("2017-06-21")
    proof = type_run(by_page["eg-0334"]["runs"][1])
    assert (proof["cost_amount"], proof["cost_currency"]) == (440.0, "GBP")
    toolbox = type_run(by_page["eg-0337"]["runs"][0])
    assert (toolbox["cost_kind"], toolbox["instructors"]) == ("free", "Jeff Leek, PhD")
