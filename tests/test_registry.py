"""The model registry: one producer per table, inputs read from the SQL, bad builds refused with clear errors."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from pipeline import paths, registry, warehouse
from pipeline.cli import main

FORMERLY_WITHOUT_A_FILE = ("skills", "skill_occupations", "credential_skills", "stack_conditions", "stack_cycles")


def _sql_copy(tmp_path):
    sql = tmp_path / "sql"
    shutil.copytree(paths.SQL_DIR, sql)
    return sql


def test_every_published_table_has_exactly_one_named_producer():
    reg = registry.registry()
    published = reg.published()
    assert len(published) == len(set(published))
    assert set(FORMERLY_WITHOUT_A_FILE) <= set(published)
    assert reg.producer("credentials").where == "sql/marts/credentials.sql"
    assert reg.producer("skills").where == "Python step `skill_taxonomy` (pipeline.reuse:skill_taxonomy)"
    assert reg.producer("stack_cycles").name == "stack_cycles" and reg.producer("stack_cycles").kind == "python"
    assert not any(t.startswith(registry.WORKING_PREFIXES) for t in published)


def test_inputs_come_from_the_sql_itself():
    reg = registry.registry()
    # CTE names are not inputs; every table the query reads is
    assert reg.producer("credentials").inputs == ("int_credential_facts", "listings")
    assert reg.producer("int_credential_facts").inputs == ("listings", "seed_clusters")
    assert set(reg.producer("listings").inputs) == {"credential_types", "int_listings_normalised",
                                                    "int_stack_references", "seed_previous_seen"}
    order = [p.name for p in reg.producers]
    for producer in reg.producers:
        for table in producer.inputs:
            assert order.index(reg.producer(table).name) < order.index(producer.name), (table, producer.name)


def test_a_misspelled_table_fails_the_build_and_names_the_file(tmp_path):
    sql = _sql_copy(tmp_path)
    (sql / "marts" / "credential_counts.sql").write_text("select count(*) as n from credentails\n")
    with pytest.raises(registry.RegistryError, match=r"sql/marts/credential_counts\.sql reads .*`credentails`"
                                                     r".*did you mean credentials"):
        registry.build_registry(sql, registry.steps())


def test_a_table_with_two_producers_fails(tmp_path):
    sql = _sql_copy(tmp_path)
    (sql / "marts" / "skills.sql").write_text("select 1 as skill_id\n")
    with pytest.raises(registry.RegistryError, match="table `skills` has two producers: .*skills.sql and "
                                                     "Python step `skill_taxonomy`"):
        registry.build_registry(sql, registry.steps())


def test_a_cycle_fails(tmp_path):
    sql = _sql_copy(tmp_path)
    (sql / "marts" / "loop_a.sql").write_text("select * from loop_b\n")
    (sql / "marts" / "loop_b.sql").write_text("select * from loop_a\n")
    with pytest.raises(registry.RegistryError, match="dependency cycle among: .*loop_a.sql.*loop_b.sql"):
        registry.build_registry(sql, registry.steps())


def writes_an_undeclared_table(con):
    con.execute("create table stray (x INTEGER)")


def test_a_step_must_write_exactly_what_it_declares(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    step = registry.Producer("stray_step", "python", (), ("declared",), "writes the wrong table",
                             run="tests.test_registry:writes_an_undeclared_table")
    with pytest.raises(registry.RegistryError, match="declares declared but did not create declared; also created stray"):
        warehouse.run_producer(con, step, warehouse.Build())


def test_build_runs_only_what_the_targets_need(tmp_path):
    from tests.catalogue_fixture import make_catalogue

    con = make_catalogue(str(tmp_path / "c.duckdb"))
    # skills and the mapping are needed by the inferred edges; nothing upstream of credentials runs
    steps = warehouse.build(con, ["stack_edges"], given=["credentials"])
    assert {"skill_taxonomy", "map_skills", "ctdl_pathways", "stack_cycles", "stack_edges"} <= set(steps)
    assert not {"raw_feeds", "match_listings", "listings", "pathways"} & set(steps)
    con.close()


def test_no_code_reads_sql_files_outside_the_runner():
    """Only the registry (and paths, the dictionary's TOML) know where the SQL lives."""
    allowed = {"pipeline/paths.py", "pipeline/registry.py", "pipeline/dictionary.py"}
    offenders = []
    for py in sorted((paths.PROJECT_ROOT / "pipeline").rglob("*.py")):
        rel = str(py.relative_to(paths.PROJECT_ROOT))
        text = py.read_text()
        if rel not in allowed and re.search(r"SQL_DIR|\.sql\"\)|glob\(\"\*\.sql", text):
            offenders.append(rel)
    assert offenders == []


def test_query_models_are_found_by_name_and_unknown_ones_refused():
    assert registry.query_path("match_keys").name == "match_keys.sql"
    with pytest.raises(KeyError, match="no query model .*`match_kyes`.*did you mean match_keys"):
        registry.query_path("match_kyes")


def test_describe_names_the_producer_of_a_table(data_dir, capsys):
    data_dir.mkdir(parents=True)
    con = duckdb.connect(str(data_dir / "catalogue.duckdb"))
    con.execute("create table stack_cycles (cycle_id INTEGER)")
    con.execute("create table pathways (pathway_id VARCHAR)")
    con.close()
    assert main(["describe", "stack_cycles"]) == 0
    assert "built by: Python step `stack_cycles` (pipeline.stacking.graph:find_stack_cycles)" in capsys.readouterr().out
    assert main(["describe", "pathways"]) == 0
    assert "built by: sql/marts/pathways.sql" in capsys.readouterr().out
