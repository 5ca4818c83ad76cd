"""Issue 12: what a credential states about credits, level, assessment, recognition, workload and price reaches
the profile typed, with its provenance; estimates never overwrite statements; prices compare in EUR.

Strings quoted in the always-run tests come from real published documents (source in each comment); the tests
reading ``../shared/data`` skip when it is absent (the edX catalogue and the CTDL examples have no licence
that allows copying them)."""

from __future__ import annotations

import datetime as dt
import json
import math

import duckdb
import pytest

from pipeline import profiles, quality
from pipeline.cli import main
from pipeline.matching.synth import shared_data_dir
from pipeline.normalise import currency
from pipeline.normalise.credits import ects_in_text, parse_credits
from pipeline.normalise.levels import audience_levels, parse_eqf, parse_level
from pipeline.normalise.prices import parse_price, price_to_earn
from pipeline.normalise.recognition import parse_recognition
from pipeline.normalise.vocab import parse_assessment, parse_participation, parse_supervision

SHARED = shared_data_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared/data is absent")


# -- credits ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, systems, ects, stated", [
    # Open Badges 3.0 `creditsAvailable` as the badges spider writes it (1EdTech fullOpenBadge example: 36.0)
    ("36 credits", ["unspecified"], None, False),
    # CTDL creditValue as "<value> <creditUnitType local name>" (CTDL creditUnit vocabulary)
    ("3 SemesterHour", ["us_semester_hour"], None, False),
    ("4 QuarterHour", ["us_quarter_hour"], None, False),
    ("2 ContinuingEducationUnit", ["ceu"], None, False),
    ("6-8 ECTS", ["ects"], 7.0, True),
    # a source's own conversion wins: the ECTS it states, not our 2:1 rate
    ("20 SCQF credits (10 ECTS)", ["scqf", "ects"], 10.0, True),
    ("15 SCQF credit points", ["scqf"], 7.5, False),
    ("12 CPD hours", ["cpd_hours"], None, False),
    ("15", ["unspecified"], None, False),  # schema.org numberOfCredits (FutureLearn microcredential snapshot)
])
def test_credits_keep_their_system(text, systems, ects, stated):
    r = parse_credits(text)
    assert [c.system for c in r.credits] == systems
    assert r.ects == ects and r.ects_stated is stated
    if ects is not None and not stated:
        assert "SCQF" in r.ects_rule  # a conversion names its published rate


def test_us_credits_and_ceus_are_never_ects_but_ceus_give_hours():
    assert parse_credits("3 semester credit hours").ects is None
    r = parse_credits("1.5 CEUs")
    assert r.ects is None and r.hours == 15.0 and not r.hours_stated and "IACET" in r.hours_rule
    assert parse_credits("12 CPD hours").hours_stated


def test_stated_ects_in_a_description():
    # example-university snapshot and the Northfield Open Badges 3.0 achievement in spiders/snapshots/openbadges
    assert ects_in_text("Micro-credential in Digital Teaching: awarded for completing the three short courses it "
                        "bundles (5 ECTS).").ects == 5.0
    assert ects_in_text("A 5 ECTS micro-credential on cloud service models, cost and security, assessed by a "
                        "supervised online exam.").ects == 5.0
    # two different figures: which one is this credential's? none is read
    assert ects_in_text("5 ECTS towards the 90 ECTS master").ects is None
    assert ects_in_text("Learn Python in six weeks.").ects is None


# -- levels -------------------------------------------------------------------------------------------------
def test_eqf_stated_national_frameworks_and_ctdl_levels_mapped_as_derived():
    assert (parse_eqf("EQF level 6").eqf, parse_eqf("EQF level 6").stated) == (6, True)
    for text, eqf, framework in [("SCQF level 7", 5, "SCQF 7"), ("RQF Level 3", 4, "RQF 3"),
                                 ("NFQ Level 8", 6, "NFQ Ireland 8"), ("DQR-Niveau 6", 6, "DQR 6"),
                                 # CTDL audienceLevelType labels (Credential Engine ingest examples)
                                 ("Bachelor's Degree or Equivalent", 6, "CTDL BachelorsDegreeLevel"),
                                 ("Associates Degree Level", 5, "CTDL AssociatesDegreeLevel")]:
        r = parse_eqf(text)
        assert (r.eqf, r.stated, r.framework) == (eqf, False, framework), text
        assert "->" in r.note
    assert parse_eqf("Intermediate").eqf is None  # a difficulty is never an EQF level


def test_ctdl_audience_levels_by_label_and_local_name():
    assert audience_levels("audLevel:BeginnerLevel; Intermediate Level") == ("BeginnerLevel", "IntermediateLevel")
    assert audience_levels("Secondary School or Equivalent") == ("SecondaryLevel",)
    assert parse_level("audLevel:BeginnerLevel").level == "beginner"


@needs_shared
def test_every_audience_level_and_delivery_type_in_the_real_ctdl_documents_is_typed():
    def walk(node, key, out):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key:
                    out.extend(v if isinstance(v, list) else [v])
                walk(v, key, out)
        elif isinstance(node, list):
            for v in node:
                walk(v, key, out)

    levels, deliveries = [], []
    for path in sorted((SHARED / "ctdl").rglob("*.json")):
        if path.name.startswith("jsonschema"):
            continue
        doc = json.loads(path.read_text())
        walk(doc, "ceterms:audienceLevelType", levels)
        walk(doc, "ceterms:deliveryType", deliveries)
    levels = [x for x in levels if isinstance(x, dict)]
    assert len(levels) >= 10
    for item in levels:
        node = item.get("ceterms:targetNode")
        node = node.get("@id") if isinstance(node, dict) else node
        label = item.get("ceterms:targetNodeName")
        label = label.get("en-US") if isinstance(label, dict) else label
        assert audience_levels(node), node
        assert audience_levels(label) == audience_levels(node), (label, node)
    for item in (x for x in deliveries if isinstance(x, dict)):
        label = item.get("ceterms:targetNodeName")
        label = label.get("en-US") if isinstance(label, dict) else label
        assert parse_participation(label).value in ("online", "onsite", "blended"), label


# -- assessment, recognition ---------------------------------------------------------------------------------
def test_assessment_and_supervision_from_criteria():
    # Northfield OB 3.0 achievement criteria narrative (spiders/snapshots/openbadges)
    narrative = "Pass the supervised exam (60%) and a graded lab portfolio."
    a = parse_assessment(narrative)
    assert a.value == "proctored_exam" and {"exam", "project"} <= set(a.values)
    assert parse_supervision(narrative).value == "supervised_no_id"
    # Microsoft Learn exams (spiders/providers/mslearn.py)
    assert parse_supervision("proctored exam with ID verification").value == "supervised_with_id"


def test_recognition_is_kept_apart_and_gives_the_quality_assurance_type():
    r = parse_recognition([{"role": "recognized_by", "name": "Example University", "id": None}])
    assert r.bodies[0]["role"] == "recognized_by" and r.quality_assurance == "external_recognition"
    r = parse_recognition([{"role": "accredited_by", "name": None,
                            "id": "https://sandbox.credentialengineregistry.org/resources/ce-66B26730"},
                           {"role": "endorsed_by", "name": "1EdTech", "id": None}])
    assert r.quality_assurance == "external_accreditation" and "accredited_by" in r.rule
    assert parse_recognition([]).bodies == () and parse_recognition("[]").quality_assurance is None
    assert parse_recognition([{"role": "owner", "name": "X"}]).reason.startswith("unparsed")


# -- price to earn ------------------------------------------------------------------------------------------
def offers(text: str) -> list[dict]:
    return [o.as_dict() for o in parse_price(text).offers]


def test_price_to_earn_is_the_certificate_not_the_audit():
    # edX catalogue price text (docs/normalisation.md)
    p = price_to_earn(offers("FREE-Add a Verified Certificate for $49 USD"))
    assert (p.amount, p.currency, p.rule) == (49.0, "USD", "certificate fee")
    unknown = price_to_earn(offers("Free to audit; paid certificate"))  # spiders.helpers.AUDIT_TEXT
    assert unknown.amount is None and "certificate fee not stated" in unknown.reason
    assert price_to_earn(offers("Free")).amount == 0.0
    assert price_to_earn(offers("Free (audit)")).amount is None  # an audit track alone: price to earn unknown
    assert price_to_earn(offers("Paid exam (priced per country by the exam provider)")).amount is None


def test_a_subscription_is_multiplied_by_the_expected_months():
    # FutureLearn ExpertTrack (spiders/snapshots/futurelearn): GBP 39 a month
    p = price_to_earn(offers("Subscription: GBP 39/month"), length_weeks=12)
    assert (p.amount, p.periods) == (117.0, 3) and "stated length" in p.rule
    p = price_to_earn(offers("Subscription: USD 49/month"), workload_hours=40, hours_per_week=5)
    assert (p.amount, p.periods) == (98.0, 2) and "weekly pace" in p.rule
    p = price_to_earn(offers("Subscription: USD 49/month"))
    assert p.amount is None and p.amount_min == 49.0  # never one month passed off as the price


def test_conversion_uses_the_ecb_rate_of_the_day_with_its_date(monkeypatch):
    saturday = dt.date(2025, 4, 5)
    c = currency.convert(655, "GBP", saturday)
    assert c.currency == "EUR" and c.rate_date == dt.date(2025, 4, 4)  # the ECB publishes on working days
    assert math.isclose(c.amount, round(655 * c.rate, 2)) and 1.0 < c.rate < 1.4
    assert currency.convert(950, "EUR", saturday).amount == 950.0
    assert currency.convert(10, "XXX", saturday).amount is None
    assert currency.convert(None, "USD", saturday).reason.startswith("missing")
    later = currency.convert(100, "USD", dt.date(2100, 1, 1))
    assert later.rate_date == currency.history_end() or later.rate_date < currency.history_end()
    monkeypatch.setenv(currency.REFERENCE_ENV, "GBP")
    assert currency.convert(100, "GBP", saturday).amount == 100.0
    monkeypatch.setenv(currency.REFERENCE_ENV, "XYZ")
    with pytest.raises(ValueError, match="no ECB reference rate"):
        currency.reference_currency()


def test_profile_price_keeps_every_offer_with_its_reference_value():
    row = profiles.profile_price(offers("Audit: USD 0; Verified certificate: USD 199"), seen=dt.date(2025, 4, 4))
    assert row["price_to_earn_original"] == 199.0 and row["price_to_earn_currency"] == "EUR"
    assert row["price_rate_date"] == dt.date(2025, 4, 4) and row["price_provenance"] == "stated"
    kept = json.loads(row["offers"])
    assert [o["kind"] for o in kept] == ["audit", "certificate_fee"]
    assert kept[0]["amount_reference"] == 0.0 and kept[1]["amount_reference"] == row["price_to_earn"]
    unknown = profiles.profile_price(offers("Free to audit; paid certificate"), seen=dt.date(2025, 4, 4))
    assert unknown["price_to_earn"] is None and unknown["price_provenance"] == "unknown"


def test_recorded_provider_responses_give_workload_with_its_rule_and_keep_the_calendar_length():
    """Recorded API responses (mammooc/mammooc.org spec/workers, MIT; ../shared/data/provider_api_samples)."""
    from pipeline.normalise import parse_duration

    # edX course-feed RSS: <course:effort>10-12 hours/week</course:effort> <course:length>4 weeks</course:length>
    d = parse_duration("10-12 hours/week", "4 weeks")
    assert (d.hours, d.rule, d.weeks, d.estimated) == (44.0, "effort_x_length", 4.0, True)
    # FutureLearn courses feed: "hours_per_week": 4, a run's "duration_in_weeks": 7 (as the spider words them)
    d = parse_duration("4 hours per week", "7 weeks")
    assert (d.hours, d.rule, d.weeks) == (28.0, "effort_x_length", 7.0)
    # a subscription priced per month over that length: two months
    p = price_to_earn(offers("Subscription: USD 49/month"), workload_hours=d.hours, hours_per_week=4,
                      length_weeks=d.weeks)
    assert (p.amount, p.periods) == (98.0, 2)


@needs_shared
def test_edx_catalogue_workload_and_price_to_earn():
    """Every row of the real edX catalogue: effort x length gives a workload (derived, rule named) and the price
    text gives the certificate price, which the catalogue's own price_USD column confirms (it truncates cents)."""
    import pandas as pd

    from pipeline.normalise import parse_duration

    df = pd.read_csv(SHARED / "mooc_catalogs" / "edx_courses.csv")
    workload = price = 0
    for _, r in df.iterrows():
        d = parse_duration(r.course_effort, r.course_length)
        workload += d.hours is not None and d.rule == "effort_x_length"
        p = price_to_earn(offers(r.price), workload_hours=d.hours, hours_per_week=d.hours_per_week,
                          length_weeks=d.weeks)
        price += p.currency == "USD" and math.floor(p.amount) == int(r.price_USD)
    assert workload / len(df) >= 0.99 and price == len(df)
    # hand-checked: the first row, "2–3 hours per week" over "2 Weeks", "$49 USD" verified certificate
    first = df.iloc[0]
    d = parse_duration(first.course_effort, first.course_length)
    assert (d.hours, d.weeks) == (5.0, 2.0)


# -- the published catalogue -------------------------------------------------------------------------------
@pytest.fixture
def con(published):
    data, _ = published
    c = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    yield c
    c.close()


UNIVERSITY = "example-university:credentials/digital-teaching"


def one(con, uid: str) -> dict:
    cur = con.execute("select * from credential_profiles where uid = ?", [uid])
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def ms_module(con) -> str:
    return con.execute("select uid from credential_profiles where source = 'mslearn' and credential_type = 'course' "
                       "and workload_hours < 1 order by uid limit 1").fetchone()[0]


def test_stated_ects_win_over_the_estimate_and_a_module_is_never_credited_as_stated(con):
    u = one(con, UNIVERSITY)
    # "(5 ECTS)" in the description with PT125H of workload: 5 stated, not 125 / 30 = 4.17 estimated
    assert (u["ects"], u["ects_provenance"], u["ects_rule"]) == (5.0, "stated", "description")
    assert (u["workload_hours"], u["workload_provenance"]) == (125.0, "stated")
    m = one(con, ms_module(con))
    assert m["ects_provenance"] == "derived" and "estimated from hours" in m["ects_rule"]
    stated_elsewhere = con.execute(
        "select count(*) from credential_profiles where ects_provenance = 'stated' and ects_rule is null").fetchone()
    assert stated_elsewhere == (0,)


def test_recognition_is_not_the_awarding_body_and_prices_are_in_eur_with_a_rate_date(con):
    u = one(con, UNIVERSITY)
    assert json.loads(u["recognised_by"])[0]["name"] == "Example University"
    assert u["awarding_body"] != "Example University"
    assert (u["quality_assurance"], u["quality_assurance_provenance"]) == ("external_recognition", "derived")
    assert (u["price_to_earn"], u["price_to_earn_currency"], u["price_rule"]) == (950.0, "EUR", "programme fee")
    assert u["price_rate_date"] is not None
    gbp = one(con, "futurelearn:microcredentials/project-management")
    assert gbp["price_to_earn_original"] == 655.0 and gbp["price_to_earn_original_currency"] == "GBP"
    assert gbp["price_to_earn"] == round(655.0 * gbp["price_rate"], 2) and gbp["price_rate_date"] is not None
    assert quality.profiles_keep_statements(con).passed
    zero_unknown = con.execute("select count(*) from credential_profiles where price_to_earn = 0 "
                               "and price_rule <> 'free'").fetchone()
    assert zero_unknown == (0,)


def test_eu_elements_stated_derived_missing(con):
    u = one(con, UNIVERSITY)
    assert set(u["eu_stated"]) >= {"title", "workload"} and "quality_assurance" in u["eu_derived"]
    assert "assessment" in u["eu_missing"]
    present = len(u["eu_stated"]) + len(u["eu_derived"])
    assert u["eu_completeness"] == round(present / 9, 3)
    assert len(u["eu_stated"]) + len(u["eu_derived"]) + len(u["eu_missing"]) == 9



EU_ELEMENTS = ["title", "awarding_body", "country", "learning_outcomes", "workload", "level", "assessment",
               "participation", "quality_assurance"]


def test_every_profile_lists_each_eu_element_once_in_the_annex_order(con):
    rows = con.execute("select eu_stated, eu_derived, eu_missing, eu_completeness, eu_stated_share "
                       "from credential_profiles").fetchall()
    assert rows
    for stated, derived, missing, completeness, stated_share in rows:
        assert sorted(stated + derived + missing, key=EU_ELEMENTS.index) == EU_ELEMENTS
        for part in (stated, derived, missing):
            assert part == sorted(part, key=EU_ELEMENTS.index)
        assert completeness == round((len(stated) + len(derived)) / 9, 3)
        assert stated_share == round(len(stated) / 9, 3)

def test_compare_shows_the_differences_with_provenance(published, capsys, monkeypatch):
    data, _ = published
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    c = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    module = ms_module(c)
    c.close()
    assert main(["compare", UNIVERSITY, module]) == 0
    out = capsys.readouterr().out
    rows = {line.split("  ", 1)[0].strip(): line for line in out.splitlines()}
    assert "= 5" in rows["ECTS"] and "~ 0.0" in rows["ECTS"]
    assert "= intermediate" in rows["level"]
    assert "? unknown" in rows["assessment"] and "= quiz" in rows["assessment"]
    assert "= Example University (recognized_by)" in rows["recognised by"]
    assert "950.00 EUR" in rows["price to earn"] and "= 0.00 EUR" in rows["price to earn"]
    assert main(["compare", UNIVERSITY, module, "--json"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert [b["uid"] for b in both] == [UNIVERSITY, module]
    assert main(["show", "example-university:credentials/digital-teachin"]) == 1
    assert "did you mean" in capsys.readouterr().err


@needs_shared
def test_stated_elements_of_the_real_documents_reach_the_profile_typed():
    from evaluation.evaluate_profiles import TARGET, measure_documents, share

    docs = measure_documents(SHARED)
    assert docs["edx price to earn"][1] >= 900 and docs["ctdl audienceLevelType"][1] >= 10
    total = (sum(p[0] for p in docs.values()), sum(p[1] for p in docs.values()))
    assert share(total) >= TARGET, docs


def test_coverage_per_provider_and_the_stated_target(con):
    rows = profiles.coverage(con)
    table = profiles.coverage_markdown(rows)
    assert "| ects |" in table and "example-university" in table.splitlines()[0]
    from evaluation.evaluate_profiles import TARGET, measure, share

    result = measure(con)
    assert share(result["total"]) >= TARGET, result["misses"]


def test_the_profile_check_fails_on_an_overwritten_statement_and_an_unconverted_price(tmp_path):
    c = duckdb.connect(str(tmp_path / "bad.duckdb"))
    c.execute("create table credential_profiles as select * from (values "
              "('a', '[{\"system\": \"ects\", \"value\": 5}]'::json, 4.17, 'derived', 'x', null::integer, null, null,"
              " 'unknown', null, null::double, null::date, null, null::double, null),"
              "('b', null::json, null, 'unknown', null, null, 'unknown', null, 'unknown', null, 10.0, null, 'fee',"
              " 10.0, null),"
              "('c', null::json, null, 'unknown', null, null, 'unknown', null, 'unknown', null, 0.0, null, null,"
              " null, 'unknown: certificate fee not stated')) "
              "t(uid, credits, ects, ects_provenance, ects_rule, eqf_level, eqf_provenance, eqf_rule, "
              "workload_provenance, workload_rule, price_to_earn, price_rate_date, price_rule, "
              "price_to_earn_original, price_reason)")
    outcome = quality.profiles_keep_statements(c)
    assert not outcome.passed
    failures = outcome.metadata["failures"]
    assert failures["stated_ects_overwritten"] == ["a"] and failures["price_without_rate_date"] == ["b"]
    assert failures["unknown_price_as_zero"] == ["c"]
