"""The build's DuckDB memory cap: 2000MB by default (issue 16: at 1M listings no cap grew the process until the
kernel killed it, and the pool fills to its cap as a cache), set or lifted by CREDCAT_DUCKDB_MEMORY; lowered to
the step's own cap (warehouse.OWN_MEMORY_STEPS: the skill mapper 1GB, the matcher 1500MB; CREDCAT_STEP_DUCKDB_MEMORY
sets one for all) while a step that holds much memory of its own runs."""

import duckdb

from pipeline import registry, warehouse


def _limit(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_cap_is_the_default_and_can_be_set_or_lifted(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDCAT_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "c.duckdb"
    with duckdb.connect() as bare:
        own_default = _limit(bare)
    with warehouse.connect(path) as con:
        assert _limit(con) == "1.8 GiB" != own_default  # 2000MB
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "512MB")
    with warehouse.connect(path) as con:
        assert _limit(con) == "488.2 MiB"
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "default")
    with warehouse.connect(path) as con:
        assert _limit(con) == own_default


def test_cap_is_lowered_while_a_step_with_its_own_memory_runs(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDCAT_DUCKDB_MEMORY", raising=False)
    monkeypatch.delenv("CREDCAT_STEP_DUCKDB_MEMORY", raising=False)
    monkeypatch.setattr(warehouse, "OWN_MEMORY_STEPS", {"credential_type_seed": "1GB"})
    seen = {}
    run = warehouse.run_producer

    def recording(con, producer, inputs):
        seen[producer.name] = _limit(con)
        return run(con, producer, inputs)

    monkeypatch.setattr(warehouse, "run_producer", recording)
    assert registry.registry().producer("seed_credential_types").name == "credential_type_seed"
    with warehouse.connect(tmp_path / "c.duckdb") as con:
        warehouse.build(con, ["seed_credential_types", "credential_types"])
        assert seen == {"credential_type_seed": "953.6 MiB", "credential_types": "1.8 GiB"}
        assert _limit(con) == "1.8 GiB"  # restored
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "default")  # no cap asked: none while the step runs either
    with warehouse.connect(tmp_path / "d.duckdb") as con:
        own = _limit(con)
        warehouse.build(con, ["seed_credential_types"])
        assert seen["credential_type_seed"] == own == _limit(con)


def test_the_matcher_and_the_skill_mapper_have_their_own_caps(monkeypatch):
    monkeypatch.delenv("CREDCAT_DUCKDB_MEMORY", raising=False)
    monkeypatch.delenv("CREDCAT_STEP_DUCKDB_MEMORY", raising=False)
    assert {warehouse.memory_limit(s) for s in ("match_listings", "map_skills", "credentials", None)} == {
        "1500MB", "1GB", "2000MB"}
    assert {registry.registry().producer(s).name for s in ("seed_clusters", "credential_skills")} == {
        "match_listings", "map_skills"}
    monkeypatch.setenv("CREDCAT_STEP_DUCKDB_MEMORY", "700MB")
    assert warehouse.memory_limit("match_listings") == warehouse.memory_limit("map_skills") == "700MB"
