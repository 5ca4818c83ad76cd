import itertools

from pipeline.stacking.graph import find_cycles
from tests.catalogue_fixture import build_derived, credential, make_catalogue


def test_explicit_edges_from_references(built):
    edges = {(c, p, r) for c, p, r in built.execute(
        "SELECT child, parent, relation FROM stack_edges WHERE NOT inferred").fetchall()}
    assert ("mslearn:mod-cloud-concepts", "mslearn:lp-cloud-concepts", "part_of") in edges
    assert ("mslearn:lp-cloud-concepts", "mslearn:cert-az900", "prepares_for") in edges
    # an exam that is part of a certification is a requirement of it
    assert ("mslearn:exam-az900", "mslearn:cert-az900", "requires") in edges
    # has_part on the parent and part_of on the child collapse into one edge with both as evidence
    ev = built.execute("""SELECT evidence FROM stack_edges WHERE child = 'mslearn:mod-cloud-concepts'
                          AND parent = 'mslearn:lp-cloud-concepts'""").fetchall()
    assert len(ev) == 1 and "has_part" in ev[0][0] and "part_of" in ev[0][0]


def test_inferred_edges_are_flagged_with_confidence(built):
    rows = built.execute("SELECT inferred, confidence, source, evidence FROM stack_edges WHERE inferred").fetchall()
    assert rows
    assert all(0 < r[1] < 1 and r[2] == "inferred" and "skill overlap" in r[3] for r in rows)


def test_cycles_detected_reported_and_never_looped(tmp_path):
    rows = [
        credential("x:a", "A", "learning_program", part_of=["x:b"], duration_hours=1.0),
        credential("x:b", "B", "learning_program", part_of=["x:c"], duration_hours=1.0),
        credential("x:c", "C", "learning_program", part_of=["x:a"], duration_hours=1.0),
        credential("x:d", "D", "certification", has_part=["x:a"], duration_hours=1.0),
    ]
    con = make_catalogue(str(tmp_path / "c.duckdb"), rows)
    steps = build_derived(con)  # pathways terminate despite the loop
    assert steps["stack_cycles"]["cycles"] == 1
    members, explicit = con.execute("SELECT members, explicit FROM stack_cycles").fetchone()
    assert members == ["x:a", "x:b", "x:c"] and explicit
    assert con.execute("SELECT count(*) FROM stack_edges WHERE in_cycle").fetchone()[0] == 3
    steps = con.execute("SELECT uid FROM pathway_steps WHERE destination = 'x:d'").fetchall()
    assert sorted(u for (u,) in steps) == ["x:a", "x:b", "x:c", "x:d"]


def test_find_cycles_matches_brute_force():
    import random

    rnd = random.Random(7)
    for _ in range(200):
        n = rnd.randint(1, 6)
        nodes = [f"n{i}" for i in range(n)]
        edges = [(a, b) for a, b in itertools.product(nodes, nodes) if rnd.random() < 0.25]
        reach = {a: {b for x, b in edges if x == a} for a in nodes}
        for _ in range(n):
            for a in nodes:
                for b in list(reach[a]):
                    reach[a] |= reach[b]
        on_cycle = {a for a in nodes if a in reach[a]}
        found = {u for comp in find_cycles(edges) for u in comp}
        assert found == on_cycle


def test_inferred_edge_never_closes_a_cycle(tmp_path):
    rows = [
        credential("x:adv", "Advanced", "course", level="advanced", skills=["Python", "SQL", "Azure"],
                   prepares_for=["x:beg"], duration_hours=1.0),
        credential("x:beg", "Beginner", "course", level="beginner", skills=["Python", "SQL"], duration_hours=1.0),
    ]
    con = make_catalogue(str(tmp_path / "c.duckdb"), rows)
    build_derived(con)
    # explicit adv -> beg exists, so the inferred beg -> adv edge must not be there
    assert con.execute("SELECT count(*) FROM stack_edges WHERE inferred").fetchone()[0] == 0
