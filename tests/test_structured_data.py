"""schema.org JSON-LD extraction and mapping, without Scrapy: the defects real pages have."""

from __future__ import annotations

from datetime import datetime, UTC

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


def test_values_are_kept_as_the_node_states_them():
    node = {"@type": "Course", "name": "C", "educationalLevel": ["Beginner", "Intermediate"],
            "inLanguage": {"@type": "Language", "name": "German", "alternateName": "de"},
            "timeRequired": "PT4H", "offers": {"price": "1,250.00", "priceCurrency": "EUR"}}
    fields = sd.map_node(node)
    assert fields["level_text"] == "Beginner, Intermediate"
    assert fields["language_text"] == "de"  # a Language object's code
    assert fields["duration_text"] == "PT4H"  # workload as stated, not hours
    assert fields["cost_text"] == "Offer: EUR 1,250.00"  # the price as written
    assert not {"level", "language", "duration_hours", "length_text", "cost_amount", "cost_kind"} & set(fields)


def test_workload_and_calendar_length_stay_apart():
    course = sd.map_node({"@type": "Course", "hasCourseInstance": {
        "@type": "CourseInstance", "courseWorkload": "10-14 hours per week", "inLanguage": "en-US",
        "courseSchedule": {"@type": "Schedule", "duration": "P16W", "repeatFrequency": "Weekly", "repeatCount": 16}}})
    assert (course["duration_text"], course["length_text"], course["language_text"]) == (
        "10-14 hours per week", "P16W", "en-US")
    counted = sd.map_node({"@type": "Course", "hasCourseInstance": {"courseWorkload": "PT6H", "courseSchedule": {
        "repeatFrequency": "Weekly", "repeatCount": 8}}})
    assert (counted["duration_text"], counted["length_text"]) == ("PT6H", "P8W")  # repeatCount in its frequency's unit
    programme = sd.map_node({"@type": "EducationalOccupationalProgram", "timeToComplete": "P8M"})
    assert programme["length_text"] == "P8M" and "duration_text" not in programme


def test_offers_keep_every_offer_as_text():
    assert sd.offers_text([{"@type": "Offer", "category": "Audit", "price": 0, "priceCurrency": "USD"},
                           {"@type": "Offer", "category": "Verified certificate", "price": 199, "priceCurrency": "USD"}]) \
        == "Audit: USD 0; Verified certificate: USD 199"
    assert sd.offers_text({"category": "Subscription", "priceSpecification": {
        "@type": "UnitPriceSpecification", "price": 49, "priceCurrency": "USD", "billingDuration": "P1M"}}) \
        == "Subscription: USD 49/month"
    assert sd.offers_text({"price": 10, "priceSpecification": {"billingDuration": "P2M"}}) == "Offer: 10 per P2M"
    assert sd.offers_text({"category": "Free"}) == "Free"
    assert sd.offers_text(None) is None and sd.offers_text({"name": "no price"}) is None


def test_offer_text_parses_into_every_offer():
    from pipeline.normalise.prices import parse_price

    text = sd.offers_text([{"category": "Audit", "price": 0, "priceCurrency": "USD"},
                           {"category": "Verified certificate", "price": 199, "priceCurrency": "USD"}])
    offers = [o.as_dict() for o in parse_price(text).offers]
    assert [(o["kind"], o["amount"], o["currency"]) for o in offers] == [("audit", 0.0, "USD"),
                                                                        ("certificate_fee", 199.0, "USD")]
    monthly = parse_price("Offer: USD 49 per month").offers[0].as_dict()
    assert (monthly["kind"], monthly["amount"], monthly["period"]) == ("subscription", 49.0, "month")


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
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0  # a date in the past: now
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None and retry_after_seconds("") is None
