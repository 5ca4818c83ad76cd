"""Pathway totals: each container once, the chosen N of an N-of-M, unknown never 0, subscriptions times their
months, no sums across currencies (sql/intermediate/int_step_figures.sql, sql/marts/pathway_steps.sql,
sql/marts/pathways.sql)."""

from __future__ import annotations

import pytest

from pipeline.stacking.graph import ensure_inputs
from tests.catalogue_fixture import build_derived, credential, make_catalogue


def _build(tmp_path, rows):
    con = make_catalogue(str(tmp_path / "t.duckdb"), rows)
    ensure_inputs(con, ("credential_skills", "skills"))
    build_derived(con, given=("credentials", "credential_skills", "skills"))
    return con


def _pathway(con, destination):
    return con.execute("""SELECT total_hours, total_hours_basis, total_cost, cost_currency, total_cost_basis,
                                 costs_by_currency FROM pathways WHERE destination = ?""", [destination]).fetchone()


def test_a_programme_fee_covers_its_courses(tmp_path):
    # edX-like MicroMasters: the programme price is what the four course certificates cost together
    courses = [credential(f"x:c{i}", f"Course {i}", "course", duration_hours=10.0, cost_amount=350.0,
                          cost_currency="USD", part_of=["x:mm"]) for i in range(4)]
    con = _build(tmp_path, [credential("x:mm", "MicroMasters", "certificate", cost_amount=1000.0, cost_currency="USD",
                                       has_part=[f"x:c{i}" for i in range(4)]), *courses])
    hours, hb, cost, cur, cb, _ = _pathway(con, "x:mm")
    assert (cost, cur, cb) == (1000.0, "USD", "exact")  # not 2,400: the container counts once
    assert (hours, hb) == (40.0, "exact")  # the programme states no hours: its parts count
    counted = dict(con.execute("SELECT uid, counted_cost FROM pathway_steps WHERE destination = 'x:mm'").fetchall())
    assert counted["x:mm"] and not any(counted[f"x:c{i}"] for i in range(4))


def test_unknown_stays_unknown_and_the_total_says_at_least(tmp_path):
    con = _build(tmp_path, [
        credential("x:p", "Path", "learning_program", has_part=["x:a", "x:b"]),
        credential("x:a", "A", "course", duration_hours=2.0, part_of=["x:p"]),
        credential("x:b", "B", "course", part_of=["x:p"]),  # no hours, no cost published
    ])
    hours, hb, cost, _, cb, _ = _pathway(con, "x:p")
    assert (hours, hb) == (2.0, "at_least")
    assert (cost, cb) == (None, "unknown")  # never 0


def test_a_subscription_costs_its_months(tmp_path):
    con = _build(tmp_path, [
        credential("x:cert", "Certificate", "certificate", has_part=["x:sub", "x:open"]),
        credential("x:sub", "Course on a subscription", "course", part_of=["x:cert"], cost_amount=49.0,
                   cost_currency="USD", cost_kind="subscription", cost_period="month", length_weeks=13.0),
        credential("x:open", "Course on a subscription, length unknown", "course", part_of=["x:cert"],
                   cost_amount=49.0, cost_currency="USD", cost_kind="subscription", cost_period="month"),
    ])
    figures = dict(con.execute("SELECT uid, cost FROM pathway_steps WHERE destination = 'x:cert'").fetchall())
    assert figures["x:sub"] == pytest.approx(147.0)  # 13 weeks span 3 months (2.99, rounded up)
    assert figures["x:open"] == pytest.approx(49.0)  # at least one month
    _, _, cost, cur, cb, _ = _pathway(con, "x:cert")
    assert (cost, cur, cb) == (pytest.approx(196.0), "USD", "at_least")


def test_currencies_are_never_added_together(tmp_path):
    con = _build(tmp_path, [
        credential("x:cert", "Certificate", "certificate", has_part=["x:eu", "x:us"]),
        credential("x:eu", "EU course", "course", part_of=["x:cert"], cost_amount=100.0, cost_currency="EUR"),
        credential("x:us", "US course", "course", part_of=["x:cert"], cost_amount=49.0, cost_currency="USD"),
    ])
    _, _, cost, cur, cb, by = _pathway(con, "x:cert")
    assert (cost, cur, cb, by) == (None, "MIXED", "at_least", "EUR 100.0; USD 49.0")
