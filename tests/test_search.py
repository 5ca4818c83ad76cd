"""Full-text search on the real demo catalogue (the offline snapshots, published once per session)."""

from __future__ import annotations

import json

import pytest

from pipeline import cli, search

DEEP_OR_MACHINE = ("machine learning", "deep learning", "neural network", "sequence models")


@pytest.fixture(scope="module")
def con(published):
    data, _ = published
    c = search.connect(data / "catalogue.duckdb")
    yield c
    c.close()


def _is_ml(con, uid: str) -> bool:
    title, desc, skills = con.execute("select title, description, skills from search_documents where uid = ?",
                                      [uid]).fetchone()
    text = f"{title} {desc} {skills}".lower()
    return any(t in text for t in DEEP_OR_MACHINE)


def test_index_is_published_in_the_catalogue(con):
    assert con.execute("select count(*) from fts_main_search_documents.docs").fetchone()[0] == \
        con.execute("select count(*) from credentials").fetchone()[0]


def test_machine_learning_ranks_deep_and_machine_learning_credentials_first(con):
    result = search.search(con, "machine learning", limit=10)
    uids = [h["uid"] for h in result.hits]
    # the Deep Learning specialisation and its course on neural networks come in the first ten
    assert "coursera:specializations/deep-learning" in uids
    assert "coursera:learn/neural-networks-deep-learning" in uids
    # the first six are all about machine or deep learning (or contain such a course)
    assert all(_is_ml(con, u) or con.execute(
        "select 1 from stack_edges where parent = ? and child in (select unnest(?))", [u, uids]).fetchone()
        for u in uids[:6])
    assert "coursera:learn/learning-how-to-learn" not in uids
    scores = [h["score"] for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_facets_count_every_filtered_hit(con):
    result = search.search(con, "machine learning", limit=3)
    assert set(result.facets) == set(search.FACETS)
    assert sum(result.facets["credential_type"].values()) == result.total > len(result.hits)
    assert sum(result.facets["level"].values()) == result.total
    beginner = search.search(con, "machine learning", search.Filters(level="beginner"), limit=50)
    assert beginner.total == result.facets["level"]["beginner"]
    assert all(h["level"] == "beginner" for h in beginner.hits)


def test_typo_tolerance_corrects_to_catalogue_words(con):
    result = search.search(con, "machne lerning")
    assert result.corrections == {"machne": "machine", "lerning": "learning"}
    assert result.hits[0]["uid"] == search.search(con, "machine learning").hits[0]["uid"]
    assert search.search(con, "machine learning").corrections == {}


def test_filters_run_in_sql(con):
    free_en = search.search(con, "python", search.Filters(free=True, language="en"), limit=50)
    assert free_en.hits and all(h["cost_amount"] == 0 and h["language"].startswith("en") for h in free_en.hits)
    short = search.search(con, "azure", search.Filters(max_hours=2, provider="mslearn", credential_type="course"),
                          limit=50)
    assert short.hits and all(h["duration_hours"] <= 2 and "mslearn" in h["providers"]
                              and h["credential_type"] == "course" for h in short.hits)
    cheap = search.search(con, "data", search.Filters(max_cost=50), limit=50)
    assert all(h["cost_amount"] is not None and h["cost_amount"] <= 50 for h in cheap.hits)
    skill = search.search(con, "learning", search.Filters(skill="Python"), limit=50)
    assert skill.hits and all(
        con.execute("select list_contains(list_transform(skills, s -> lower(s)), 'python') from credentials "
                    "where uid = ?", [h["uid"]]).fetchone()[0] or
        con.execute("select 1 from credential_skills k join skills s using (skill_id) where k.uid = ? "
                    "and lower(s.label) = 'python'", [h["uid"]]).fetchone() for h in skill.hits)


def test_cli_json(published, monkeypatch, capsys):
    data, _ = published
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)
    assert cli.main(["search", "machine learning", "--json", "--limit", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["hits"]) == 5 and out["facets"]["provider"] and out["total"] > 5
    assert cli.main(["search", "   "]) == 2
    assert "give words" in capsys.readouterr().err
