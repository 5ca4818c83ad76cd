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


def _inferred_edges(tmp_path, holders: int) -> list[tuple]:
    """int_stack_edges_inferred over one beginner child and ``holders - 1`` advanced credentials, all of them
    holding the same two skills (each skill then held by ``holders`` credentials)."""
    import duckdb

    from pipeline import warehouse

    con = duckdb.connect(str(tmp_path / f"edges-{holders}.duckdb"))
    con.execute("CREATE TABLE credentials AS SELECT 'x:child' AS uid, 'course' AS credential_type, 'beginner' AS level "
                "UNION ALL SELECT 'x:p' || lpad(i::varchar, 4, '0'), 'course', 'advanced' FROM range(?) t(i)",
                [holders - 1])
    con.execute("CREATE TABLE credential_skills AS SELECT uid, unnest(['esco:a', 'esco:b']) AS skill_key FROM credentials")
    con.execute("CREATE TABLE int_stack_edges_explicit (child VARCHAR, parent VARCHAR, relation VARCHAR, "
                "evidence VARCHAR, source VARCHAR, inferred BOOLEAN, confidence DOUBLE)")
    warehouse.build(con, ["int_stack_edges_inferred"], given=("credentials", "credential_skills", "int_stack_edges_explicit"))
    return con.execute("SELECT child, parent, evidence FROM int_stack_edges_inferred ORDER BY parent").fetchall()


def test_a_skill_held_by_more_than_200_credentials_is_no_stacking_evidence(tmp_path):
    # 200 holders: the child's two shared skills are evidence; it keeps its best 5 (ties by parent uid)
    edges = _inferred_edges(tmp_path, 200)
    assert [e[1] for e in edges] == ["x:p0000", "x:p0001", "x:p0002", "x:p0003", "x:p0004"]
    assert all(e[0] == "x:child" and e[2].startswith("skill overlap 2/2") for e in edges)
    # 201 holders: neither skill says which of them the child prepares for, so no edge is inferred
    assert _inferred_edges(tmp_path, 201) == []
