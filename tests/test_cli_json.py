"""`--json` on the read commands prints typed JSON: nested JSON as JSON, ISO 8601 times, no NaN (real demo)."""

from __future__ import annotations

import json

import pytest

from pipeline import cli


@pytest.fixture
def run(published, monkeypatch, capsys):
    data, _ = published
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)

    def go(*argv):
        code = cli.main(list(argv))
        out = capsys.readouterr().out
        return code, json.loads(out)

    return go


def test_sql_json_is_typed(run):
    code, rows = run("sql", "select cost_offers, first_seen, 'nan'::double as n, [{'x': 'inf'::double}] as l "
                            "from credentials where cost_offers is not null limit 1", "--json")
    assert code == 0
    row = rows[0]
    assert isinstance(row["cost_offers"], list) and "kind" in row["cost_offers"][0]
    assert "T" in row["first_seen"] and row["n"] is None and row["l"] == [{"x": None}]


def test_describe_markdown_json_prints_json(run):
    code, cols = run("describe", "--markdown", "--json")
    assert code == 0 and {c["table"] for c in cols} >= {"credentials", "search_documents"}
    assert all("doc" in c and "built_by" in c for c in cols)


def test_other_read_commands(run):
    assert run("describe", "--coverage", "--json")[1][0]["listings"] > 0
    code, plan = run("plan", "--want", "python", "--json")
    assert code == 0 and plan["steps"]
    code, rows = run("pathways", "--skill", "python", "--json")
    assert code == 0 and rows and rows[0]["skill_key"]
    code, hits = run("search", "python", "--json")
    assert code == 0 and hits["hits"]
