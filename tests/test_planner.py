"""The planner: the exact solver against brute force, and hand-checked plans on the fixture and demo catalogues."""

import itertools
import shutil

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.planner import GOAL_TYPES, Cond, Item, PlanError, plan, plan_key, render_plan, solve, solve_k


# -- the exact solver against brute force ---------------------------------------------------------------------
def brute_force(items, want, have, objective, max_hours=None, max_cost=None, goal=None, allowed=None, k=1):
    """The keys of the k best minimal plans, by enumerating every subset."""
    scope = set(items) if allowed is None else set(allowed)
    pool = sorted(scope - set(have))
    required, todo = set(), [goal] if goal is not None else []
    while todo:  # the goal and what counts towards its conditions, recursively
        u = todo.pop()
        if u not in required:
            required.add(u)
            todo += [t for c in items[u].conditions for t in _targets(c)]
    feasible = []
    for r in range(len(pool) + 1):
        for combo in itertools.combinations(pool, r):
            s = set(combo)
            owned = s | set(have)
            if goal is not None and goal not in owned:
                continue
            held = set(have) & scope
            if not all(any(items[u].skills & g for u in held | (s & required)) or any(
                    (items[u].named if any(items[v].named & g for v in scope) else items[u].skills) & g for u in s)
                    for g in want):
                continue
            if not all(c.satisfied(owned) for u in s for c in items[u].conditions):
                continue
            if max_hours is not None and sum(items[u].hours or 0 for u in s) > max_hours:
                continue
            if max_cost is not None and sum(items[u].cost or 0 for u in s) > max_cost:
                continue
            feasible.append(frozenset(s))
    minimal = [s for s in feasible if not any(t < s for t in feasible)]
    return sorted(plan_key(items, s, objective) for s in minimal)[:k]


def _targets(c):
    return [*c.targets, *(t for sub in c.subs for t in _targets(sub))]


def measure(draw):
    return draw(st.one_of(st.none(), st.integers(0, 9).map(float)))


@st.composite
def instances(draw):
    n = draw(st.integers(2, 7))
    uids = [f"c{i}" for i in range(n)]
    skills = ["s0", "s1", "s2", "s3"]
    items = {}
    for i, u in enumerate(uids):
        taught = frozenset(draw(st.lists(st.sampled_from(skills), max_size=2)))
        named = frozenset(draw(st.lists(st.sampled_from(sorted(taught)), max_size=1))) if taught else frozenset()
        conds = ()
        earlier = uids[:i]  # requirements only point backwards, plus an occasional cycle below
        if earlier and draw(st.booleans()):
            targets = tuple(draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True)))
            leaf = Cond(required=draw(st.integers(1, len(targets))), targets=targets)
            if draw(st.booleans()):  # an OR of the leaf and another single target
                leaf = Cond(op="OR", subs=(leaf, Cond(required=1, targets=(draw(st.sampled_from(earlier)),))))
            conds = (leaf,)
        items[u] = Item(u, u, measure(draw), measure(draw), "EUR", None, taught, conds,
                        est_hours=float(draw(st.integers(0, 9))), est_cost=float(draw(st.integers(0, 9))),
                        named=named)
    if draw(st.booleans()):  # a requirement cycle c0 <-> c1 must not hang the solver
        items["c0"].conditions = (Cond(required=1, targets=("c1",)),)
    want = [frozenset([w]) for w in draw(st.lists(st.sampled_from(skills), max_size=3, unique=True))]
    have = draw(st.lists(st.sampled_from(uids), max_size=2, unique=True))
    goal = draw(st.one_of(st.none(), st.sampled_from(uids)))
    allowed = draw(st.one_of(st.none(), st.lists(st.sampled_from(uids), min_size=1, unique=True)))
    return dict(items=items, want=want, have=have, objective=draw(st.sampled_from(["hours", "cost"])),
                max_hours=draw(st.one_of(st.none(), st.integers(0, 20))),
                max_cost=draw(st.one_of(st.none(), st.integers(0, 20))), goal=goal, allowed=allowed,
                k=draw(st.integers(1, 4)))


@settings(max_examples=400, deadline=None)
@given(instances())
def test_k_best_plans_agree_with_brute_force(inst):
    items, k = inst["items"], inst["k"]
    args = {key: inst[key] for key in ("want", "have", "objective", "max_hours", "max_cost", "goal", "allowed")}
    plans, exact = solve_k(items, k=k, **args)
    assert exact
    assert [plan_key(items, p, inst["objective"]) for p in plans] == brute_force(items, k=k, **args)
    assert len({tuple(p) for p in plans}) == len(plans)
    assert not set().union(*map(set, plans)) & set(inst["have"]) if plans else True


def test_or_group_conditions():
    cond = Cond(op="OR", subs=(Cond(required=2, targets=("a", "b", "c")), Cond(required=1, targets=("d",))))
    assert not cond.satisfied({"a"})
    assert cond.satisfied({"a", "c"}) and cond.satisfied({"d"})
    items = {"x": Item("x", skills=frozenset({"s"}), conditions=(cond,), hours=1),
             "a": Item("a", hours=1), "b": Item("b", hours=1), "c": Item("c", hours=5), "d": Item("d", hours=3)}
    chosen, exact = solve(items, [frozenset({"s"})])
    assert chosen == ["a", "b", "x"] and exact


def test_unknowns_rank_after_every_fully_known_plan():
    s = frozenset({"s"})
    items = {"known": Item("known", hours=10.0, cost=0.0, skills=s),
             "no-cost": Item("no-cost", hours=1.0, cost=None, skills=s, est_cost=0.0),
             "no-hours": Item("no-hours", hours=None, cost=0.0, skills=s, est_hours=0.0)}
    plans, _ = solve_k(items, [s], k=3)
    assert plans == [["known"], ["no-cost"], ["no-hours"]]  # unknown objective (hours) last of all
    plans, _ = solve_k(items, [s], objective="cost", k=3)
    assert plans == [["known"], ["no-hours"], ["no-cost"]]


def test_credit_held_counts_towards_n_of_m():
    cond = Cond(required=2, targets=("a", "b", "c"))
    items = {"g": Item("g", hours=0.0, conditions=(cond,)), "a": Item("a", hours=5.0), "b": Item("b", hours=1.0),
             "c": Item("c", hours=2.0)}
    assert solve(items, [], goal="g") == (["b", "c", "g"], True)
    assert solve(items, [], have=["a"], goal="g") == (["b", "g"], True)
    assert solve(items, [], have=["a", "c"], goal="g") == (["g"], True)
    assert solve(items, [], goal="g", allowed=["g", "a"]) == (None, True)  # 2 of 3 cannot be met from a alone


def test_a_step_taken_to_learn_a_skill_is_one_named_after_it():
    s = frozenset({"s"})
    items = {"tagged": Item("tagged", hours=0.4, skills=s),  # a module its provider tags with the skill
             "named": Item("named", hours=0.55, skills=s, named=s),  # "Describe cloud computing"
             "exam": Item("exam", hours=1.0, skills=s),
             "cert": Item("cert", hours=0.0, conditions=(Cond(required=1, targets=("exam",)),))}
    assert solve(items, [s]) == (["named"], True)
    assert solve(items, [s], allowed=["tagged", "exam"]) == (["tagged"], True)  # nothing named in scope
    assert solve(items, [s], have=["tagged"]) == ([], True)  # what is held counts by any central mapping
    assert solve(items, [s], goal="cert") == (["cert", "exam"], True)  # the required exam attests it


# -- the fixture catalogue (tests/catalogue_fixture.py, Microsoft Learn-shaped) ---------------------------------
def test_default_goal_is_a_recognised_credential_earned_through_its_requirements(built):
    p = plan(built, want=["cloud computing"])
    assert p.feasible and p.goal == "mslearn:cert-az900" and p.goal_type == "certification"
    assert [s.uid for s in p.steps] == ["mslearn:exam-az900", "mslearn:cert-az900"]
    assert p.total_hours == pytest.approx(1.0) and p.total_cost == pytest.approx(99.0) and p.fully_known
    assert any("counts towards Microsoft Certified: Azure Fundamentals" in r for r in p.steps[0].reasons)
    assert p.steps[-1].reasons[0] == "the goal: a recognised certification whose pathway teaches 'cloud computing'"
    assert [a.goal for a in p.alternatives] == ["mslearn:cert-az104"]  # another credential, not a variant
    assert p.to_dict()["alternatives"][0]["steps"][0]["uid"] == "mslearn:exam-az104"


def test_unknown_cost_is_unknown_ranked_last_and_at_least(built):
    built.execute("UPDATE credentials SET cost_amount = NULL WHERE uid = 'mslearn:exam-az900'")
    p = plan(built, want=["cloud computing"])
    assert p.goal == "mslearn:cert-az104" and p.fully_known  # 2 h and fully known beats 1 h with a cost unknown
    alt = p.alternatives[0]
    assert alt.goal == "mslearn:cert-az900" and alt.unknown_cost == ["mslearn:exam-az900"]
    assert "at least 0" in alt.message and "cost unknown for step 1" in alt.message
    assert "cost unknown" in render_plan(p)


def test_a_total_no_step_states_is_unknown_not_at_least_zero(built):
    built.execute("UPDATE credentials SET cost_amount = NULL WHERE uid IN ('mslearn:exam-az900', 'mslearn:cert-az900')")
    alt = plan(built, want=["cloud computing"]).alternatives[0]
    assert alt.goal == "mslearn:cert-az900" and len(alt.unknown_cost) == len(alt.steps)
    assert alt.message.endswith(", cost unknown") and "at least 0" not in alt.message


def test_a_skill_only_the_certification_teaches_forces_its_exam(built):
    built.execute("UPDATE credentials SET skills = ['zorblax wrangling'] WHERE uid = 'mslearn:cert-az104'")
    from tests.catalogue_fixture import build_derived

    build_derived(built)
    p = plan(built, want=["zorblax wrangling"], objective="cost")
    assert [s.uid for s in p.steps] == ["mslearn:exam-az104", "mslearn:cert-az104"]
    assert p.total_cost == pytest.approx(165.0)


def test_preparation_is_taken_when_it_teaches_what_the_credential_itself_does_not(built):
    p = plan(built, want=["virtual machines"], level="beginner")
    assert p.goal == "mslearn:cert-az900" and all(s.level == "beginner" for s in p.steps)
    # the module is part of a learning path that prepares for the certification; the exam is required
    assert [s.uid for s in p.steps] == ["mslearn:mod-azure-compute", "mslearn:exam-az900", "mslearn:cert-az900"]
    assert any("in the pathway: part of" in r for r in p.steps[0].reasons)


def test_to_a_destination_and_a_container_counts_only_beyond_its_parts(built):
    p = plan(built, to="mslearn:lp-cloud-concepts")  # a learning path: 1.5 h, the sum of its two modules
    assert [s.uid for s in p.steps] == ["mslearn:mod-cloud-benefits", "mslearn:mod-cloud-concepts",
                                        "mslearn:lp-cloud-concepts"]
    assert p.total_hours == pytest.approx(1.5)
    p = plan(built, to="mslearn:lp-cloud-concepts", have=["mslearn:mod-cloud-concepts"])
    assert [s.uid for s in p.steps] == ["mslearn:mod-cloud-benefits", "mslearn:lp-cloud-concepts"]
    assert p.held_used == ["mslearn:mod-cloud-concepts"] and p.total_hours == pytest.approx(0.5)


def test_goal_any_allows_loose_learning_and_what_is_held(built):
    p = plan(built, want=["Azure"], have=["mslearn:mod-azure-arch"], goal="any")
    assert p.feasible and p.steps == []  # already held
    p = plan(built, want=["Python"])
    assert not p.feasible and "--goal any" in p.message  # a course is not a recognised credential
    p = plan(built, want=["Python"], goal="any")
    assert [s.uid for s in p.steps] == ["coursera:py-basics"]
    p = plan(built, want=["Python"], goal="any", max_hours=5)
    assert not p.feasible and "limits" in p.message


def test_only_central_skills_count_unless_asked(built):
    built.execute("UPDATE credential_skills SET central = uid <> 'mslearn:exam-az900'")
    p = plan(built, want=["cloud computing"])
    assert p.goal == "mslearn:cert-az900" and "mslearn:exam-az900" in [s.uid for s in p.steps]
    assert "cloud computing" not in p.steps[0].teaches  # the exam only mentions it now
    built.execute("UPDATE credential_skills SET central = false WHERE skill_key = 'text:python'"
                  " OR skill_id IN (SELECT skill_id FROM credential_skills WHERE raw = 'Python')")
    with pytest.raises(PlanError, match="only mentioned.*--any-mention"):
        plan(built, want=["Python"], goal="any")
    assert plan(built, want=["Python"], goal="any", any_mention=True).steps[0].uid == "coursera:py-basics"


def test_profiles_are_read_when_the_catalogue_has_them(built):
    built.execute("""CREATE TABLE credential_profiles AS SELECT uid, duration_hours AS workload_hours,
        'stated' AS workload_rule, CASE WHEN uid = 'mslearn:exam-az900' THEN 92.5 ELSE 0.0 END AS price_to_earn,
        'EUR' AS price_to_earn_currency, DATE '2025-01-02' AS price_rate_date, cost_amount AS price_to_earn_original,
        cost_currency AS price_to_earn_original_currency, NULL::DOUBLE AS ects, 'unknown' AS ects_provenance,
        NULL::INTEGER AS eqf_level, 0.5 AS eu_completeness FROM credentials""")
    p = plan(built, want=["cloud computing"])
    assert p.total_cost == pytest.approx(92.5) and p.currency == "EUR"
    assert p.steps[0].profile["price_to_earn_original"] == 99.0 and p.steps[0].profile["eu_completeness"] == 0.5
    assert "profile: workload_hours 1, " in render_plan(p)  # floats to 4 significant digits


def test_bad_inputs_are_errors_with_suggestions(built):
    with pytest.raises(PlanError, match="mslearn:exam-az900"):
        plan(built, want=["Azure"], have=["mslearn:exam-az90"])
    with pytest.raises(PlanError, match="did you mean 'intermediate'"):
        plan(built, want=["Azure"], level="intermediat")
    with pytest.raises(PlanError, match="mslearn:cert-az104"):
        plan(built, to="mslearn:cert-az-104")
    with pytest.raises(PlanError, match="no credential in the catalogue teaches 'pythn'; closest skills taught: 'Python'"):
        plan(built, want=["pythn"])
    with pytest.raises(PlanError, match="teaches 'zorblax'$"):
        plan(built, want=["zorblax"])


# -- the demo catalogue (the offline refresh of the real snapshots) ---------------------------------------------
@pytest.fixture(scope="module")
def demo(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    yield con
    con.close()


AZ900 = "mslearn:certification.azure-fundamentals"
NORTHFIELD = "openbadges:https://credentials.northfield.example/achievements/cloud-fundamentals"  # 5 ECTS


def az900_pathway(con):
    return {r[0] for r in con.execute("SELECT uid FROM pathway_steps WHERE destination = ?", [AZ900]).fetchall()}


def test_demo_cloud_computing_earns_a_recognised_cloud_credential_with_alternatives(demo):
    """Two recognised credentials teach cloud computing on the demo: the Northfield micro-credential (5 ECTS,
    150 h stated, price unknown) and Azure Fundamentals (an exam whose hours and fee are unknown)."""
    p = plan(demo, want=["cloud computing"])
    plans = [p, *p.alternatives]
    assert p.goal in {AZ900, NORTHFIELD} and {AZ900, NORTHFIELD} <= {q.goal for q in plans}
    az = next(q for q in plans if q.goal == AZ900)
    uids = [s.uid for s in az.steps]
    # learning from the AZ-900 pathway first, then the exam the certification requires, then the certification
    assert uids[-2:] == ["mslearn:exam.az-900", AZ900] and len(uids) == 3
    assert uids[0] in az900_pathway(demo) and az.steps[0].teaches == ["cloud computing"]
    assert any("which prepares for" in r for r in az.steps[0].reasons)
    # the exam's hours and fee are not in the snapshot: unknown, said so, never 0
    assert az.unknown_cost == ["mslearn:exam.az-900", AZ900] and "at least" in az.message
    assert all(q.goal_type in GOAL_TYPES for q in plans)
    assert len({q.goal for q in plans[:3]}) == 3  # other credentials come first
    assert all(s.reasons for q in plans for s in q.steps)


def test_demo_with_central_mappings_picks_what_the_modules_are_about(demo, tmp_path):
    """What the skills lane's ``central`` flag will give: a stated tag counts when the title names it."""
    path = tmp_path / "catalogue.duckdb"
    shutil.copy(demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchone()[0], path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE credential_skills cs SET central = cs.origin = 'skills'
                   AND strpos(lower(c.title), lower(cs.raw)) > 0 FROM credentials c WHERE c.uid = cs.uid""")
    p = plan(con, want=["cloud computing"], alternatives=2)
    plans = {q.goal: q for q in [p, *p.alternatives]}
    assert [s.uid for s in plans[AZ900].steps] == ["mslearn:learn.wwl.describe-cloud-compute", "mslearn:exam.az-900",
                                                   AZ900]
    assert NORTHFIELD in plans and plans[NORTHFIELD].unknown_cost  # its price is not stated
    con.close()


def test_demo_n_of_m_counts_credit_already_held(demo):
    network = "ctdl:ce-1f0d18d7-aff2-5e77-9ea8-827cd017de39"  # Network Technician Certification
    networking_basics = "ctdl:ce-acdea3bb-fa02-53b4-8860-6f2a329fbc48"
    p = plan(demo, to=network, alternatives=0)
    assert len(p.steps) == 5 and p.steps[-1].uid == network
    q = plan(demo, to=network, have=[networking_basics], alternatives=0)
    assert [s.uid for s in q.steps] == [s.uid for s in p.steps if s.uid != networking_basics]
    assert any("'Complete any two of the three courses.' (2 of 3 required, 1 already held)" in r
               for s in q.steps for r in s.reasons)
    assert q.total_hours == pytest.approx(p.total_hours - 45.0)


def test_demo_cli_prints_plans_and_fails_clearly(published, tmp_path, monkeypatch, capsys):
    from pipeline.cli import main

    (tmp_path / "data").mkdir()  # a copy: this process holds the published file open with another configuration
    shutil.copy(published[0] / "catalogue.duckdb", tmp_path / "data" / "catalogue.duckdb")
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(tmp_path / "data"))
    assert main(["plan", "--want", "cloud computing", "--alternatives", "1"]) == 0
    out = capsys.readouterr().out
    assert ("Best plan: earn Microsoft Certified: Azure Fundamentals" in out
            or "Best plan: earn Cloud Computing Fundamentals" in out) and "Alternative 1:" in out
    assert main(["plan", "--want", "cloud computing", "--have", "mslearn:exam.az900"]) == 2
    assert "did you mean: mslearn:exam.az-900" in capsys.readouterr().err
    assert main(["plan", "--want", "cloud computing", "--level", "beginer"]) == 2
    assert "did you mean 'beginner'" in capsys.readouterr().err
    assert main(["plan", "--want", "clowd computin"]) == 2
    assert "closest skills taught: 'Cloud Computing'" in capsys.readouterr().err
    assert main(["plan", "--want", "cloud computing", "--json", "--alternatives", "0"]) == 0
    import json

    d = json.loads(capsys.readouterr().out)
    assert d["goal"] in {AZ900, NORTHFIELD} and d["fully_known"] is False and d["alternatives"] == []
