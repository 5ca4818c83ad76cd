"""schema.org JSON-LD extraction and mapping, without Scrapy: the defects real pages have."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from spiders import structured_data as sd
from spiders.middlewares import retry_after_seconds


def html_page(*blocks: str) -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<html><head>{scripts}</head><body></body></html>"


def test_single_object_list_and_graph():
    one = sd.extract_blocks(html_page('{"@context":"https://schema.org","@type":"Course","name":"A"}'))
    assert [o["name"] for o in one[0].objects] == ["A"]
    many = sd.extract_blocks(html_page('[{"@type":"Organization","name":"O"},{"@type":"Course","name":"B"}]'))
    assert [sd.types_of(o) for o in many[0].objects] == [["Organization"], ["Course"]]
    graph = sd.extract_blocks(html_page('{"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList"},'
                                        '{"@type":["Course","Product"],"name":"C"}]}'))
    courses = sd.of_types(graph[0].objects, ["Course"])
    assert [c["name"] for c in courses] == ["C"] and courses[0]["@context"] == "https://schema.org"


def test_invalid_json_is_an_error_not_an_exception():
    blocks = sd.extract_blocks(html_page('{"@type": "Course", "name": "Broken" "description": }', '{"@type":"Course","name":"Fine"}'))
    assert blocks[0].error and blocks[0].error.startswith("invalid JSON-LD") and blocks[0].objects == []
    assert blocks[1].error is None and blocks[1].objects[0]["name"] == "Fine"
    assert sd.parse_block("   ").error == "empty JSON-LD block"


def test_common_defects_are_repaired():
    block = sd.parse_block('{"@type": "Course", "name": "Trailing",\n "teaches": ["a", "b",],}')
    assert block.error is None and block.repaired and block.objects[0]["teaches"] == ["a", "b"]
    raw_newline = sd.parse_block('{"@type": "Course", "description": "line one\nline two"}')
    assert raw_newline.objects[0]["description"] == "line one\nline two"
    commented = sd.parse_block('<!-- {"@type": "Course", "name": "In a comment"} -->')
    assert commented.objects[0]["name"] == "In a comment"


def test_html_entities_are_decoded_everywhere():
    block = sd.parse_block('{"@type":"Course","name":"Data &amp; AI","provider":{"name":"Caf&eacute; &#39;U&#39;"},'
                           '"teaches":["R &amp;amp; Python"]}')
    node = block.objects[0]
    assert node["name"] == "Data & AI" and node["provider"]["name"] == "Café 'U'" and node["teaches"] == ["R & Python"]
    assert sd.unescape("AT&T and 5 < 6") == "AT&T and 5 < 6"


def test_type_matching_ignores_prefixes_and_stops_at_wanted_nodes():
    nodes = [{"@type": "http://schema.org/EducationalOccupationalProgram", "name": "P",
              "hasCourse": [{"@type": "schema:Course", "name": "inner"}]},
             {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": {"@type": "Course", "name": "listed"}}]}]
    found = sd.of_types(nodes, ["Course", "EducationalOccupationalProgram"])
    assert [n["name"] for n in found] == ["P", "listed"]


def test_missing_fields_map_to_nothing_rather_than_failing():
    fields = sd.map_node({"@type": "Course"})
    assert fields == {"credential_type": "course"}


@pytest.mark.parametrize(("value", "hours"), [
    ("PT10H", 10.0), ("PT90M", 1.5), ("PT1H30M", 1.5), ("P6W", None), ("P2M", None), ("12 hours", 12.0),
    ("90 minutes", 1.5), ("5-10 hours/week", None), ("about 3 hours", 3.0), ("nonsense", None), (None, None),
])
def test_duration_hours(value, hours):
    assert sd.duration_hours(value) == hours


def test_weekly_effort_times_weeks():
    assert sd.duration_hours("5-10 hours/week", 4) == 30.0
    assert sd.duration_hours("3 hours per week", sd.weeks_in("6 weeks")) == 18.0


@pytest.mark.parametrize(("value", "tag"), [
    ("en", "en"), ("en_us", "en-US"), ("zh-cn", "zh-CN"), ("English", "en"), ({"@type": "Language", "name": "German",
     "alternateName": "de"}, "de"), (["fr", "en"], "fr"), ("zh-hant-tw", "zh-Hant-TW"), ("", None), ("???", None),
])
def test_bcp47(value, tag):
    assert sd.bcp47(value) == tag


@pytest.mark.parametrize(("value", "level"), [
    ("Beginner", "beginner"), ("Introductory", "beginner"), ("Intermediate", "intermediate"),
    ("Advanced level", "advanced"), (["Beginner", "Advanced"], "mixed"), ("Mixed", "mixed"), ("unknown", None), (None, None),
])
def test_level(value, level):
    assert sd.level_of(value) == level


def test_offers():
    assert sd.offer_cost([{"@type": "Offer", "category": "Audit", "price": 0, "priceCurrency": "usd"},
                          {"@type": "Offer", "category": "Verified certificate", "price": 199, "priceCurrency": "USD"}]) == \
        {"cost_amount": 0.0, "cost_currency": "USD", "cost_kind": "audit",
         "cost_text": "Audit: USD 0; Verified certificate: USD 199"}
    assert sd.offer_cost({"price": "1,250.00", "priceCurrency": "EUR"}) == \
        {"cost_amount": 1250.0, "cost_currency": "EUR", "cost_kind": "unknown", "cost_text": "Offer: EUR 1250"}
    sub = sd.offer_cost({"priceSpecification": {"price": 49, "priceCurrency": "USD", "billingDuration": "P1M"}})
    assert sub["cost_kind"] == "subscription" and sub["cost_text"] == "Offer: USD 49 per month"
    assert sd.offer_cost({"category": "Free"}) == {"cost_amount": 0.0, "cost_currency": None, "cost_kind": "free",
                                                   "cost_text": "Free"}


def test_offer_text_parses_into_every_offer():
    from pipeline.normalise.prices import parse_price

    text = sd.offer_cost([{"category": "Audit", "price": 0, "priceCurrency": "USD"},
                          {"category": "Verified certificate", "price": 199, "priceCurrency": "USD"}])["cost_text"]
    offers = [o.as_dict() for o in parse_price(text).offers]
    assert [(o["kind"], o["amount"], o["currency"]) for o in offers] == [("audit", 0.0, "USD"),
                                                                        ("certificate_fee", 199.0, "USD")]
    monthly = parse_price("Offer: USD 49 per month").offers[0].as_dict()
    assert (monthly["kind"], monthly["amount"], monthly["period"]) == ("subscription", 49.0, "month")
    assert sd.offer_cost(None) == {} and sd.offer_cost({"name": "no price"}) == {}


@pytest.mark.parametrize(("node", "ctype"), [
    ({"@type": "Course"}, "course"),
    ({"@type": "EducationalOccupationalProgram", "programType": "MicroMasters"}, "degree_program"),
    ({"@type": "EducationalOccupationalProgram", "programType": "Professional Certificate"}, "certificate"),
    ({"@type": "EducationalOccupationalProgram", "programType": "XSeries"}, "learning_program"),
    ({"@type": "EducationalOccupationalProgram"}, "learning_program"),
    ({"@type": "EducationalOccupationalCredential", "credentialCategory": "Micro-credential"}, "micro_credential"),
    ({"@type": "EducationalOccupationalCredential", "credentialCategory": "badge"}, "badge"),
    ({"@type": "EducationalOccupationalCredential"}, "certificate"),
])
def test_credential_type(node, ctype):
    assert sd.credential_type(node) == ctype


def test_retry_after_header_values():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0  # a date in the past: now
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None and retry_after_seconds("") is None
