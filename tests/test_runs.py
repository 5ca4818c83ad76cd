"""credential_runs: every run a source publishes, typed by pipeline.normalise beside its raw text."""

from __future__ import annotations

import duckdb

from pipeline.runs import type_run


def test_a_run_is_typed_beside_its_text():
    run = type_run({"id": "r1", "start": "2016-04-25 00:00:00", "end": "2016-05-23 00:00:00",
                    "pacing_text": "instructor-paced", "participation_text": "Blended", "language_text": "en",
                    "cost_text": "Course: EUR 0; Certificate: EUR 50", "duration_text": "PT3H per day",
                    "length_text": "P31D"})
    assert run["start_date"].startswith("2016-04-25") and run["end_date"].startswith("2016-05-23")
    assert (run["pacing"], run["participation"], run["language"]) == ("scheduled", "blended", "en")
    assert (run["cost_kind"], run["cost_amount"], run["cost_currency"]) == ("certificate_fee", 50.0, "EUR")
    assert run["workload_hours"] == 93.0 and run["start_text"] == "2016-04-25 00:00:00"
    empty = type_run({})
    assert empty["start_date"] is None and empty["cost_kind"] is None and empty["workload_hours"] is None


def test_runs_are_published_for_the_sources_that_give_them(published):
    data, report = published
    assert report.published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    try:
        by_source = dict(con.execute("select source, count(*) from credential_runs group by 1").fetchall())
        assert {"futurelearn", "moochub", "edx", "coursera", "example-university"} <= set(by_source)
        # every run belongs to a published listing and credential
        assert con.execute("select count(*) from credential_runs r anti join listings l using (uid)").fetchone()[0] == 0
        assert con.execute("select count(*) from credential_runs where credential_uid is null").fetchone()[0] == 0
        # MOOChub v3 startDate[]/endDate[], typed; FutureLearn runs with their start dates
        row = con.execute("select start_date, end_date, participation, pacing from credential_runs "
                          "where uid = 'moochub:openhpi:8978f51e-770c-4d0a-a2e3-23fae8f6aa79'").fetchone()
        assert str(row[0]).startswith("2021-01-13") and str(row[1]).startswith("2021-01-27")
        assert con.execute("select count(*) from credential_runs where source = 'futurelearn' "
                           "and start_date is null").fetchone()[0] == 0
    finally:
        con.close()
