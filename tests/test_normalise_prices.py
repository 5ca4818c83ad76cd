"""Table tests for pipeline.normalise.prices (own cases modelled on edX, Coursera, Udemy and iversity prices)."""

import pytest

from pipeline.normalise.prices import Offer, parse_price

O = Offer
CASES = [
    ("$49", [O("unknown", 49.0, "USD")]),
    ("USD 49.00", [O("unknown", 49.0, "USD")]),
    ("49 €", [O("unknown", 49.0, "EUR")]),  # iversity track price
    ("49,90 €", [O("unknown", 49.9, "EUR")]),
    ("1.299,00 EUR", [O("unknown", 1299.0, "EUR")]),
    ("£1,299", [O("unknown", 1299.0, "GBP")]),
    ("₹ 3,499", [O("unknown", 3499.0, "INR")]),
    ("CA$ 79", [O("unknown", 79.0, "CAD")]),
    ("$49 CAD", [O("unknown", 49.0, "CAD")]),
    ("Free", [O("free", 0.0)]),
    ("Kostenlos", [O("free", 0.0)]),
    ("gratuit", [O("free", 0.0)]),
    ("Free (audit)", [O("audit", 0.0)]),
    ("Free to audit; certificate $99", [O("audit", 0.0), O("certificate_fee", 99.0, "USD")]),
    ("FREE-Add a Verified Certificate for $49 USD", [O("audit", 0.0), O("certificate_fee", 49.0, "USD")]),  # edX
    ("FREE-Add a Verified Certificate for $299.70 USD", [O("audit", 0.0), O("certificate_fee", 299.7, "USD")]),
    ("$59/month", [O("subscription", 59.0, "USD", "month")]),
    ("Specialization: $49 per month", [O("subscription", 49.0, "USD", "month")]),
    ("7-day free trial, then $39/month", [O("subscription", 39.0, "USD", "month")]),
    ("399 USD per year", [O("subscription", 399.0, "USD", "year")]),
    ("Free; exam $165", [O("free", 0.0), O("exam_fee", 165.0, "USD")]),
    ("MicroMasters program: $1,350", [O("programme_fee", 1350.0, "USD")]),
    ("$0", [O("free", 0.0, "USD")]),
    ("0", [O("free", 0.0)]),
    ("Paid", [O("unknown", None)]),  # MOOChub access ["paid"]
    ("Exam fee", [O("exam_fee", None)]),
    ("AssessmentFee: USD 249", [O("exam_fee", 249.0, "USD")]),  # CTDL CostProfile, directCostType rendered
    ("Tuition: USD 1200", [O("programme_fee", 1200.0, "USD")]),
    ("Tuition: USD 0", [O("free", 0.0, "USD")]),  # Microsoft Learn exams: priced per country, amount not in the API
    ("Free to audit; certificate fee", [O("audit", 0.0), O("certificate_fee", None)]),
    ("Audit: USD 0; Verified certificate: USD 199", [O("audit", 0.0, "USD"), O("certificate_fee", 199.0, "USD")]),
]


@pytest.mark.parametrize("text,offers", CASES)
def test_real_price_strings(text, offers):
    r = parse_price(text)
    assert r.reason is None, r
    assert list(r.offers) == offers
    assert r.raw == text


def test_primary_is_the_credential_price():
    assert parse_price("Free to audit; certificate $99").primary == O("certificate_fee", 99.0, "USD")
    assert parse_price("Free").primary == O("free", 0.0)


def test_bare_number_takes_currency_hint():
    r = parse_price("200", currency="usd")  # Udemy price column: a number, currency known per source
    assert r.offers == (O("unknown", 200.0, "USD"),)
    assert parse_price(200, currency="EUR").offers == (O("unknown", 200.0, "EUR"),)


def test_default_kind_for_a_certificate_price_field():
    assert parse_price("149 €", default_kind="certificate_fee").offers == (O("certificate_fee", 149.0, "EUR"),)


def test_dollar_assumption_is_noted_and_kr_is_ambiguous():
    assert "USD" in parse_price("$49").note
    r = parse_price("kr 499")
    assert r.offers == (O("unknown", 499.0, None),) and "ambiguous" in r.note


def test_durations_and_percentages_are_not_amounts():
    r = parse_price("3 months for $99, 20% off")
    assert r.offers == (O("unknown", 99.0, "USD"),)


@pytest.mark.parametrize("text,code", [("Self-paced", "unparsed"), ("", "empty"), (None, "missing"),
                                       ("$99999999999", "out_of_range")])
def test_junk(text, code):
    r = parse_price(text)
    assert r.offers == () and r.reason.startswith(code)
