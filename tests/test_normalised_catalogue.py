"""The normalisation step inside the build: parsed values, alias resolution, EU elements, first_seen."""

from __future__ import annotations

import shutil

import duckdb

from pipeline import warehouse
from pipeline.resolve import ids_stable
from pipeline.crawl import latest_run
from spiders import config


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
