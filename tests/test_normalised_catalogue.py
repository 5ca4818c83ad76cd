"""The normalisation step inside the build: parsed values, alias resolution, EU elements, first_seen."""

from __future__ import annotations

import shutil

import duckdb

from pipeline import warehouse
from pipeline.resolve import ids_stable
from pipeline.crawl import latest_run
from pipeline.normalise import parse_duration, parse_language, parse_level, parse_price
from pipeline.normalise.levels import LEVELS
from pipeline.normalise.prices import KINDS


def test_published_catalogue_is_normalised(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    # aliases resolve to one canonical organisation, with the source's spelling kept
    mit = con.execute("select distinct organisation, issuer_country from credentials where organisation_raw = 'MITx'").fetchall()
    assert mit == [("Massachusetts Institute of Technology", "US")]
    # every language is a canonical BCP-47 tag
    tags = [r[0] for r in con.execute("select distinct language from credentials where language is not null").fetchall()]
    assert tags and all(t.split("-")[0].islower() and all(p.isupper() or len(p) != 2 for p in t.split("-")[1:]) for t in tags)
    # ECTS: estimated from hours only, and labelled so
    row = con.execute("select duration_hours, ects, ects_estimated from credentials where uid = 'mslearn:course.az-900t00'").fetchone()
    assert row == (24.0, 0.8, True)
    # EU elements classified into controlled values from the sources' words
    exam = con.execute("select assessment_type, supervision, participation, pacing from credentials "
                       "where uid = 'mslearn:exam.az-900'").fetchone()
    assert exam == ("proctored_exam", "supervised_with_id", "online", "scheduled")
    assert con.execute("select count(*) from credentials where stackability not in ('stackable', 'stand_alone')").fetchone()[0] == 0
    orgs = con.execute("select count(*) from organisations").fetchone()[0]
    assert orgs == con.execute("select count(distinct organisation) from credentials").fetchone()[0]


def test_every_typed_value_is_the_normalisers_reading_of_the_raw_text(published):
    """One parser per value: no typed value reaches the catalogue except through pipeline/normalise."""
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    rows = con.execute(
        "select uid, duration_text, length_text, duration_hours, duration_rule, length_weeks, level_text, level, "
        "language_text, language, cost_text, cost_kind, cost_amount, cost_currency from listings").fetchall()
    wrong = []
    for (uid, dtext, ltext, hours, rule, weeks, level_text, level, lang_text, lang, cost_text, kind, amount,
         currency) in rows:
        d = parse_duration(dtext, ltext)
        p = parse_price(cost_text).primary
        expected = ((d.hours, d.rule, d.weeks), parse_level(level_text).level, parse_language(lang_text).tag,
                    (p.kind, p.amount, p.currency) if p else (None, None, None))
        got = ((hours, rule, weeks), level, lang, (kind, amount, currency))
        if got != expected:
            wrong.append((uid, got, expected))
    assert wrong == []
    filled = con.execute(
        "select count(duration_hours), count(length_weeks), count(level), count(language), count(cost_kind), "
        "count(*) filter (where duration_rule = 'stated_hours'), "
        "count(*) filter (where duration_hours is not null and duration_rule is null) from listings").fetchone()
    assert min(filled[:6]) > 0 and filled[6] == 0, filled  # the check is not vacuous; every hour has its rule
    # the normaliser's outputs are in the published vocabularies
    assert {r[0] for r in con.execute("select distinct level from listings where level is not null").fetchall()} <= set(LEVELS)
    assert {r[0] for r in con.execute("select distinct cost_kind from listings where cost_kind is not null").fetchall()} <= set(KINDS)


def test_first_seen_survives_refreshes(published, tmp_path):
    data, _ = published
    previous = tmp_path / "previous.duckdb"
    shutil.copyfile(data / "catalogue.duckdb", previous)
    con = duckdb.connect(str(previous))
    con.execute("update listings set first_seen = '2020-01-01T00:00:00+00:00' where uid = 'mslearn:exam.az-900'")
    con.close()
    build = warehouse.fresh_build(tmp_path / "build.duckdb")
    warehouse.build(build, ["credentials", "credential_sources"],
                    inputs=warehouse.Build({"mslearn": latest_run("mslearn", data)}, previous))
    # the matcher carried the published ids over: every credential whose members did not change keeps its id
    stable, meta = ids_stable(build, previous)
    assert stable and meta["compared"] > 0
    first, last = build.execute("select first_seen, last_seen from credentials where uid = 'mslearn:exam.az-900'").fetchone()
    assert first.year == 2020 and last.year >= 2026
    new_first, new_last = build.execute("select first_seen, last_seen from credentials where uid = 'mslearn:exam.ai-900'").fetchone()
    assert new_first == new_last or new_first.year >= 2026


def test_ctdl_pathway_conditions_join_the_catalogue_through_proxy_for(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    conditions = con.execute("select parent, required_number, targets from stack_conditions where source = 'ctdl'").fetchall()
    assert conditions, "the ctdl snapshot's pathway has an N-of-M condition"
    uids = {r[0] for r in con.execute("select uid from credentials").fetchall()}
    for parent, n, targets in conditions:
        assert parent in uids and set(targets) <= uids and 0 < n <= len(targets)
    requires = con.execute("select count(*) from stack_edges where source = 'ctdl' and relation = 'requires'").fetchone()[0]
    assert requires >= 2
