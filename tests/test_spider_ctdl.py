"""ctdl: the Credential Engine Registry spider on its snapshot, field by field; stacking; pathways;
validation to quarantine; file:// imports; search with and without an API key."""

from __future__ import annotations

import json

import pytest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from pipeline.stacking.ctdl import parse_pathway, uid_for
from spiders.providers.ctdl import CtdlSpider
from spiders.record import validate
from tests._linked_feeds import FIXTURES, SHARED, offline_crawl, scrapy_crawl
from tests.spider_helpers import typed_values

MC = "ce-dd2a6bef-97a3-5415-a422-d92d5d1c5913"  # MicroCredential
CERT = "ce-2b389ce1-0124-5dc8-be4b-6772c41deb7c"  # Certificate
BADGE = "ce-19b039a8-7969-5b88-b1ce-246f70f1e8cf"  # DigitalBadge (bare terms)
CERTN = "ce-1f0d18d7-aff2-5e77-9ea8-827cd017de39"  # Certification (expanded)
PROG = "ce-d4c00e24-1cd6-5254-8104-822df9621d09"
NET, OS, CLOUD = ("ce-acdea3bb-fa02-53b4-8860-6f2a329fbc48", "ce-cfbe9363-d9d4-57f9-8b73-8c943a7725d1",
                  "ce-460a7d56-cb87-5b2b-8675-8131d8d9bf4e")
LOP = "ce-7ef19c2c-543c-5dca-a450-23d3441ab082"
PATH1, PATH2 = "ce-74e99ced-fcfc-58c2-8936-130ed7a8b562", "ce-b69f0b81-855b-5446-9f1a-6eadf953d19b"
PROFCERT, COURSE_DATA = "ce-d07ed1b7-08d1-5cbc-a4c1-5e22055c4546", "ce-b3f271a6-1a12-5a6a-ad2e-b211faa9a2f6"
OPENBADGE = "ce-149e17ac-a91a-54bf-9afc-99060197cf2a"


def u(ctid: str) -> str:
    return f"ctdl:{ctid}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    return offline_crawl("ctdl", tmp_path_factory.mktemp("ctdl"))


def test_every_record_is_read_and_valid(crawled):
    result, listings, _ = crawled
    assert len(listings) == 15
    assert all(not validate(r) for r in listings.values())
    assert {r["credential_type"] for r in listings.values()} == {
        "micro_credential", "certificate", "badge", "certification", "learning_program", "course"}


def test_micro_credential_field_by_field(crawled):
    _, listings, _ = crawled
    r = listings[u(MC)]
    assert r["source"] == "ctdl" and r["source_id"] == MC
    assert r["title"] == "Cloud Support Associate Micro-credential"
    assert r["url"] == "https://northfield.example/micro/cloud-support"
    assert r["credential_type"] == "micro_credential"
    assert r["description"].startswith("A 4 ECTS micro-credential")
    assert r["organisation"] == "Northfield Community College"  # ownedBy fetched from /resources/
    assert r["platform"] == "Credential Engine Registry"
    assert r["language_text"] == "en-US"
    # estimatedDuration is a calendar length as stated: never turned into hours of study here
    assert (r["length_text"], r["duration_text"]) == ("PT100H", None)
    assert r["cost_text"] == "Tuition: USD 350"
    assert typed_values(r) == {}
    assert "cloud support" in r["skills"] and "Computer User Support Specialists" in r["skills"]
    assert r["raw"]["ceterms:ctid"] == MC  # the node as published


def test_three_serialisations_read_alike(crawled):
    _, listings, _ = crawled
    badge = listings[u(BADGE)]  # bare terms under an inline context, language map "en"
    assert (badge["title"], badge["credential_type"], badge["organisation"]) == (
        "Customer Service Essentials", "badge", "TechSkills Alliance")
    assert "&" in badge["description"] and "&amp;" not in badge["description"]
    cert = listings[u(CERTN)]  # fully expanded, as a list
    assert (cert["title"], cert["credential_type"], cert["organisation"]) == (
        "Network Technician Certification", "certification", "TechSkills Alliance")
    assert cert["url"] == "https://techskills.example/certifications/network-technician"
    assert cert["cost_text"] == "AssessmentFee: USD 249"
    assert listings[u(OPENBADGE)]["credential_type"] == "badge"  # configured as /resources/<ctid>


def test_stacking_references(crawled):
    _, listings, _ = crawled
    mc = listings[u(MC)]
    assert mc["part_of"] == [u(CERT)]  # isPartOf
    assert mc["has_part"] == [u(CLOUD)]  # requires -> targetLearningOpportunity
    assert mc["prepares_for"] == [u(CERTN)]  # isPreparationFor
    assert listings[u(CERT)]["has_part"] == [u(MC), u(BADGE)]  # hasPart
    assert listings[u(PROG)]["has_part"] == [u(NET), u(OS), u(CLOUD)]
    assert listings[u(PROG)]["prepares_for"] == [u(CERTN)]
    assert listings[u(CLOUD)]["part_of"] == [u(PROG), u(MC)]  # isPartOf + isRequiredFor
    assert listings[u(LOP)]["prepares_for"] == [u(BADGE)]
    assert listings[u(BADGE)]["part_of"] == [u(CERT)]


def test_references_are_followed(crawled):
    _, listings, _ = crawled
    # Not in the configured list: reached through the professional certificate's hasPart.
    assert listings[u(COURSE_DATA)]["part_of"] == [u(PROFCERT)]


def test_pathway_components_and_conditions(crawled):
    _, listings, _ = crawled
    p = listings[u(PATH1)]
    assert p["credential_type"] == "learning_program"
    assert p["has_part"] == [u(MC), u(BADGE), u(NET), u(OS), u(CLOUD)]  # through the components' proxyFor
    assert p["prepares_for"] == [u(CERTN)]  # the destination component's resource
    assert len(p["raw"]["@graph"]) == 7  # pathway + six components, as published
    # the refresh reads the components and conditions back from raw (pipeline.stacking.graph.load_ctdl_pathways)
    s = parse_pathway(p["raw"])
    assert uid_for(s.id) == u(PATH1)
    by_name = {c.name: c for c in s.components.values()}
    assert uid_for(by_name["Cloud Support Associate"].proxy_for) == u(MC)
    dest = by_name["Network Technician Certification"]
    assert dest.id == s.destination
    two_of_three = next(c for c in dest.conditions if c.required_number == 2)
    assert len(two_of_three.targets) == 3
    older = listings[u(PATH2)]  # hasChild, bare terms
    assert older["has_part"] == [u(LOP)] and older["prepares_for"] == [u(BADGE)]
    assert sorted(c.name for c in parse_pathway(older["raw"]).components.values()) == [
        "Customer Service Essentials", "Customer Service Workshop"]


def test_ctid_mismatch_ends_in_quarantine(crawled):
    _, listings, quarantine = crawled
    [row] = quarantine
    assert row["reason"] == "ctid_mismatch"
    assert row["source_id"] == "ce-4eaa1b27-988f-5b18-9a67-3c443db03efa"
    assert "disagrees with @id https://credentialengineregistry.org/resources/ce-85bf8a87" in row["message"]
    assert not any("disagrees" in r["title"] for r in listings.values())


def test_search_is_skipped_without_key(crawled):
    result, _, _ = crawled
    assert result.stats["credcat/ctdl/search_skipped"] == 1
    assert "search skipped: no API key (set CE_REGISTRY_API_KEY" in (result.run_dir / "crawl.log").read_text()


def test_search_with_key_builds_the_request_and_reads_results(monkeypatch):
    monkeypatch.setenv("CE_REGISTRY_API_KEY", "test-key")
    crawler = get_crawler(CtdlSpider)
    spider = CtdlSpider.from_crawler(crawler)
    [request] = list(spider.search_requests())
    assert request.method == "POST"
    assert request.headers["Authorization"] == b"ApiToken test-key"
    assert json.loads(request.body) == {"Query": {"@type": "ceterms:MicroCredential"}, "Skip": 0, "Take": 100}
    page = {"data": [{"@context": "https://credreg.net/ctdl/schema/context/json",
                      "@id": "https://credentialengineregistry.org/resources/ce-0a1b2c3d-0000-4000-8000-0000000000aa",
                      "@type": "ceterms:MicroCredential", "ceterms:ctid": "ce-0a1b2c3d-0000-4000-8000-0000000000aa",
                      "ceterms:name": {"en": "Found by search"}, "ceterms:offeredBy": ["_:org"]}],
            "extra": {"TotalResults": 250}}
    response = TextResponse(request.url, body=json.dumps(page).encode(), request=request)
    out = list(spider.parse_search(response, skip=0, size=100))
    listing = next(o for o in out if hasattr(o, "title"))
    assert listing.title == "Found by search" and listing.credential_type == "micro_credential"
    [next_page] = [o for o in out if hasattr(o, "method")]
    assert json.loads(next_page.body)["Skip"] == 100


def test_import_exported_documents_from_file(tmp_path):
    urls = [(FIXTURES / "ctdl" / name).as_uri() for name in ("export_graph.json", "truncated.json", "unknown_context.json")]
    listings, quarantine, log = scrapy_crawl("ctdl", urls, tmp_path / "out.jsonl")
    by_title = {r["title"]: r for r in listings}
    assert set(by_title) == {"Fixture Micro-credential in Data Ethics", "Fixture certification without a ctid"}
    r = by_title["Fixture Micro-credential in Data Ethics"]
    assert r["language_text"] == "en"
    assert r["organisation"] == "Fixture Institute of Technology"  # from the same graph: nothing fetched
    assert (r["length_text"], r["duration_text"]) == ("PT2H30M", None)
    assert r["credits_text"] == "4 ECTS"  # creditValue rendered with its creditUnitType
    assert r["cost_text"] == "Tuition: EUR 120; AssessmentFee: EUR 30.00"  # every cost profile, price as written
    assert typed_values(r) == {}
    assert r["prepares_for"] == ["ctdl:ce-0a1b2c3d-0000-4000-8000-000000000009"]
    assert r["prepared_by"] == ["ctdl:ce-0a1b2c3d-0000-4000-8000-000000000008"]
    assert r["source_url"] == urls[0]
    # no ctid property: the id comes from its @id (a file export), never lost
    assert by_title["Fixture certification without a ctid"]["source_id"] == "ce-0a1b2c3d-0000-4000-8000-000000000007"
    reasons = sorted(q["reason"] for q in quarantine)
    assert reasons == ["ctid_mismatch", "invalid_json", "missing_field", "missing_field", "unknown_type",
                       "unsafe_address"]
    unsafe = next(q for q in quarantine if q["reason"] == "unsafe_address")
    assert "192.168.0.10" in unsafe["message"] and "private" in unsafe["message"]
    assert "address safety: refused http://192.168.0.10/resources/org.json" in log
    # an unshipped context is read by its bare CTDL terms with a warning (here it then lacks an owner)
    assert "vocab.example" in log and "read by its bare CTDL terms instead" in log
    unknown = next(q for q in quarantine if q["source_id"] == "ce-0a1b2c3d-0000-4000-8000-00000000000a")
    assert unknown["reason"] == "missing_field" and "ownedBy or offeredBy" in unknown["message"]


SANDBOX = SHARED / "data" / "ctdl" / "registry_sandbox_payloads"


@pytest.mark.skipif(not SANDBOX.is_dir(), reason="shared registry sandbox payloads not present (no licence: not vendored)")
def test_registry_sandbox_invalid_payloads_are_quarantined(tmp_path):
    urls = [p.as_uri() for p in sorted(SANDBOX.glob("INVALID_*.json"))]
    assert len(urls) == 2
    listings, quarantine, _ = scrapy_crawl("ctdl", urls, tmp_path / "out.jsonl")
    assert listings == []
    by_file = {q["source_url"].rsplit("/", 1)[-1]: q for q in quarantine}
    assert by_file["INVALID_credentialType.json"]["reason"] == "unknown_type"
    assert "CertificationError" in by_file["INVALID_credentialType.json"]["message"]
    assert by_file["INVALID_learningopp_missing_owned_offered.json"]["reason"] == "missing_field"
    assert "ownedBy or offeredBy" in by_file["INVALID_learningopp_missing_owned_offered.json"]["message"]


def test_a_calendar_length_is_never_turned_into_hours():
    # The case: an exactDuration of P20D became 480 hours of workload; it is twenty days, stated as such.
    spider = CtdlSpider.from_crawler(get_crawler(CtdlSpider))
    doc = {"@context": "https://credreg.net/ctdl/schema/context/json", "@id": "_:c", "@type": "ceterms:Course",
           "ceterms:estimatedDuration": [{"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "P20D"}],
           "ceterms:inLanguage": ["en", "de"]}
    from spiders.providers.ctdl import expand_document

    pairs, graph = expand_document(doc, None)
    [node] = pairs[0][1]
    assert spider.length(node, graph) == "P20D"
    ranged = {**doc, "ceterms:estimatedDuration": [{"@type": "ceterms:DurationProfile",
                                                   "ceterms:minimumDuration": "P2W", "ceterms:maximumDuration": "P4W"}]}
    pairs, graph = expand_document(ranged, None)
    assert spider.length(pairs[0][1][0], graph) == "P2W-P4W"


@pytest.mark.skipif(not SANDBOX.is_dir(), reason="shared registry sandbox payloads not present (no licence: not vendored)")
def test_registry_sandbox_payloads_field_by_field(tmp_path):
    urls = [(SANDBOX / n).as_uri() for n in ("credential_1141.json", "learningopp_28.json")]
    listings, quarantine, _ = scrapy_crawl("ctdl", urls, tmp_path / "out.jsonl")
    assert quarantine == []
    by_id = {r["source_id"]: r for r in listings}
    cert = by_id["ce-86be9b32-57c5-4429-a058-e6de44bd8fd3"]
    assert cert["code"] == "1432"  # codedNotation
    assert cert["level_text"] == "Intermediate Level; Advanced Level"  # audienceLevelType labels
    assert cert["length_text"] == "P2Y1M3W5D" and cert["duration_text"] is None  # a calendar length, not hours
    roles = [(r["role"], r["name"]) for r in cert["recognition"]]
    assert ("accredited_by", None) in roles and ("approved_by", "Reference organization accredits this thing") in roles
    assert cert["organisation"] is None  # never taken from recognizedBy/approvedBy (ownedBy is not fetched)
    assert cert["prerequisites"].startswith("Requires - alternative condition one")
    # a learning opportunity's hasPart described inline without an @id: a listing of its own, linked
    lopp = by_id["ce-e2c951d9-4c47-4b7e-8b65-cc545d244158"]
    [child] = lopp["has_part"]
    assert by_id[child.split(":", 1)[1]]["title"].endswith("Advanced Multimedia Development Certificate - child 1")
    assert lopp["learning_outcomes"] and lopp["length_text"] == "P2Y3M"
