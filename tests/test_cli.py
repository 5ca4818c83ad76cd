import json

import duckdb
import pytest

from pipeline.cli import main


@pytest.fixture
def catalogue(data_dir):
    data_dir.mkdir(parents=True)
    con = duckdb.connect(str(data_dir / "catalogue.duckdb"))
    con.execute("create table credentials as select * from (values ('a:1', 'course', ['x']), ('a:2', 'badge', [])) "
                "t(uid, credential_type, skills)")
    con.close()
    return data_dir / "catalogue.duckdb"


def test_sql_prints_a_table(catalogue, capsys):
    assert main(["sql", "select credential_type, count(*) as n from credentials group by 1 order by 1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["credential_type", "n"]
    assert out[2].split() == ["badge", "1"] and out[3].split() == ["course", "1"]
    assert out[-1] == "(2 rows)"


def test_sql_json_is_an_array_of_row_objects(catalogue, capsys):
    assert main(["sql", "select uid, skills from credentials order by uid", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"uid": "a:1", "skills": ["x"]}, {"uid": "a:2", "skills": []}]


def test_sql_is_read_only(catalogue, capsys):
    assert main(["sql", "delete from credentials"]) == 2
    assert "read-only" in capsys.readouterr().err.lower()
    con = duckdb.connect(str(catalogue), read_only=True)
    assert con.execute("select count(*) from credentials").fetchone()[0] == 2


def test_sql_without_a_catalogue_says_how_to_build_one(data_dir, capsys):
    assert main(["sql", "select 1"]) == 2
    assert "credcat refresh" in capsys.readouterr().err


def test_refresh_rejects_unknown_provider(data_dir, capsys):
    assert main(["refresh", "--provider", "nope"]) == 2
    assert "unknown provider 'nope'" in capsys.readouterr().err
