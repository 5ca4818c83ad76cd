"""openbadges: OB 2.0 / OB 3.0 documents on the snapshot, field by field; issuer resolution; address safety."""

from __future__ import annotations

import re

import pytest

from pipeline.crawl import crawl
from spiders.record import validate
from tests._linked_feeds import FIXTURES, read_jsonl, scrapy_crawl

OC = "https://badges.opencampus.example"
NF = "https://credentials.northfield.example"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    # DEBUG logging: every request the downloader made is in crawl.log, so we can prove what was never fetched.
    result = crawl("openbadges", offline=True, data_dir=tmp_path_factory.mktemp("ob"), timeout=300,
                   extra_settings={"LOG_LEVEL": "DEBUG"})
    assert result.ok, result
    # keyed by the achievement id: an achievement embedded in another document has a digest after it (uids)
    listings = {"openbadges:" + r["source_id"].split("#")[0]: r for r in read_jsonl(result.listings_path)}
    assert len(listings) == result.listings
    return result, listings, read_jsonl(result.quarantine_path), (result.run_dir / "crawl.log").read_text()


def test_all_badges_are_read_and_valid(crawled):
    result, listings, _, _ = crawled
    assert len(listings) == 12
    assert all(not validate(r) for r in listings.values())
    assert result.stats["credcat/listings/badge"] == 8
    assert result.stats["credcat/listings/micro_credential"] == 2


def test_ob2_badgeclass_field_by_field(crawled):
    _, listings, _, _ = crawled
    r = listings[f"openbadges:{OC}/badgeclasses/python-foundations.json"]
    assert r["source_id"] == f"{OC}/badgeclasses/python-foundations.json"
    assert r["title"] == "Python Foundations"
    assert r["url"] == f"{OC}/badgeclasses/python-foundations.json"
    assert r["credential_type"] == "badge"
    assert r["description"].startswith("Awarded for writing, testing")
    assert r["organisation"] == "Open Campus Academy"  # resolved by fetching the issuer URL
    assert r["platform"] == "Open Badges"
    assert r["skills"] == ["Python", "programming", "Python (computer programming)", "Software Developers"]
    assert r["alignments"] == [
        {"framework": "ESCO v1.2", "code": "ccd0a1d9-afda-43d9-b901-96344886e14d", "name": "Python (computer programming)",
         "url": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "type": None},
        {"framework": "O*NET-SOC 2019", "code": "15-1252.00", "name": "Software Developers",
         "url": "https://www.onetonline.org/link/summary/15-1252.00", "type": None},
    ]
    assert r["raw"]["issuer"] == f"{OC}/issuers/opencampus.json"  # the document as published


def test_issuer_is_fetched_once(crawled):
    _, _, _, log = crawled
    fetched = re.findall(r"Crawled \(200\) <GET \S+/badges\.opencampus\.example/issuers/opencampus\.json>", log)
    assert len(fetched) == 1


def test_embedded_issuer_assertion_and_graph(crawled):
    _, listings, _, _ = crawled
    assert listings[f"openbadges:{OC}/badgeclasses/teamwork.json"]["organisation"] == "Open Campus Student Union"
    # The Assertion was followed to its BadgeClass.
    assert listings[f"openbadges:{OC}/badgeclasses/web-accessibility.json"]["title"] == "Web Accessibility Practitioner"
    # Both BadgeClasses of the @graph catalogue.
    assert f"openbadges:{OC}/badgeclasses/spreadsheet-skills.json" in listings
    assert f"openbadges:{OC}/badgeclasses/public-speaking.json" in listings
    assert listings[f"openbadges:{OC}/badgeclasses/data-visualisation.json"]["title"] == "Data Visualisation & Storytelling"
    # Read at its own URL, a BadgeClass is keyed by its id; embedded in a catalogue, by its id and a digest.
    assert listings[f"openbadges:{OC}/badgeclasses/python-foundations.json"]["uid"] == \
        f"openbadges:{OC}/badgeclasses/python-foundations.json"
    assert re.fullmatch(rf"openbadges:{OC}/badgeclasses/spreadsheet-skills\.json#[0-9a-f]{{12}}",
                        listings[f"openbadges:{OC}/badgeclasses/spreadsheet-skills.json"]["uid"])


def test_ob3_achievement_field_by_field(crawled):
    _, listings, _, _ = crawled
    r = listings[f"openbadges:{NF}/achievements/cloud-fundamentals"]
    assert r["title"] == "Cloud Computing Fundamentals"
    assert r["credential_type"] == "micro_credential"
    assert r["organisation"] == "Northfield University"  # creator fetched
    assert r["language_text"] == "en"
    assert r["url"] == f"{NF}/achievements/cloud-fundamentals"
    assert [a["type"] for a in r["alignments"]] == ["ceasn:Competency", "ext:ONETOccupation"]
    assert r["alignments"][1]["code"] == "15-1241.00"
    assert r["raw"]["creditsAvailable"] == 5


@pytest.mark.parametrize("path,ctype", [
    ("achievements/network-security.json", "certificate"),
    ("achievements/project-management.json", "certification"),
    ("achievements/research-data-literacy", "badge"),
    ("achievements/statistics", "micro_credential"),
])
def test_achievement_type_maps_to_credential_type(crawled, path, ctype):
    _, listings, _, _ = crawled
    assert listings[f"openbadges:{NF}/{path}"]["credential_type"] == ctype


def test_credential_and_expanded_documents(crawled):
    _, listings, _, _ = crawled
    r = listings[f"openbadges:{NF}/achievements/research-data-literacy"]
    assert r["organisation"] == "Northfield University Library"  # the credential's embedded issuer
    assert r["raw"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    s = listings[f"openbadges:{NF}/achievements/statistics"]  # published fully expanded
    assert s["title"] == "Applied Statistics with R"
    assert s["language_text"] == "en"
    assert s["organisation"] == "Northfield University"
    assert s["alignments"][0]["url"].endswith("2d1c9a6b-3e4f-4a5b-9c8d-7e6f5a4b3c2d")


def test_private_issuer_is_refused_never_fetched_and_badge_quarantined(crawled):
    result, listings, quarantine, log = crawled
    assert result.stats["credcat/unsafe_address/refused"] == 1
    assert result.stats["credcat/unsafe_address/private"] == 1
    [row] = [q for q in quarantine if q["reason"] == "unsafe_address"]
    assert "http://10.0.0.5/issuer.json" in row["message"]
    assert row["source_id"] == "https://badges.intranet-leak.example/badgeclasses/internal-tools.json"
    assert not any("intranet-leak" in uid for uid in listings)
    # Never requested: no downloader log line for it, and the honeypot the mirror would serve never shows up.
    assert "address safety: refused http://10.0.0.5/issuer.json" in log
    assert not re.search(r"Crawled \(\d+\) <GET \S*10\.0\.0\.5", log)
    assert "HONEYPOT" not in result.listings_path.read_text() + result.quarantine_path.read_text()


def test_import_exported_documents_from_file(tmp_path):
    export = (FIXTURES / "openbadges" / "export.json").as_uri()
    listings, quarantine, log = scrapy_crawl("openbadges", [export], tmp_path / "out.jsonl")
    [r] = listings
    assert r["title"] == "First Aid at Work"
    assert r["credential_type"] == "certificate"
    assert r["organisation"] == "Fixture First Aid Chapter"
    assert r["source_url"] == export
    assert r["alignments"][0]["framework"] == "ESCO v1.2"
    # The link-local issuer inside an imported document is refused too (no test allowance here).
    [q] = quarantine
    assert q["reason"] == "unsafe_address"
    assert "169.254.169.254" in q["message"] and "link-local" in q["message"]
