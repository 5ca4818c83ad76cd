"""iversity and Udacity (retired sources): the spiders read the real recorded answers of their course APIs
(mammooc's tests, MIT; spiders/snapshots/<provider>/README.md), served over loopback."""

from __future__ import annotations

import pytest

from pipeline.crawl import crawl
from spiders import config
from spiders.record import validate
from tests.conftest import read_jsonl
from tests.spider_helpers import typed_values


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    out = {}
    for provider in ("iversity", "udacity"):
        result = crawl(provider, offline=True, data_dir=tmp_path_factory.mktemp(provider))
        assert result.ok, (result.run_dir / "crawl.log").read_text()[-2000:]
        out[provider] = read_jsonl(result.listings_path)
    return out


def test_retired_sources_are_not_crawled_by_a_refresh():
    assert {"iversity", "udacity"} & set(config.crawled()) == set()
    assert all(config.provider(p)["retired"] for p in ("iversity", "udacity"))


def test_iversity_recorded_course(feeds):
    [r] = feeds["iversity"]
    assert validate(r) == [] and typed_values(r) == {}
    assert (r["source_id"], r["title"]) == ("441", "Algorithmen und Datenstrukturen")
    assert r["url"] == "https://iversity.org/en/courses/algorithmen-und-datenstrukturen-april-2015"
    assert r["organisation"] == "Universität Osnabrück"  # entities decoded
    assert (r["language_text"], r["level_text"], r["length_text"]) == ("German", "Beginner", "14 weeks")
    assert r["cost_text"] == ("Audit Track: free; ECTS-Track: 149 €; Certificate Track: 49 €; Schüler-Track: 49 €; "
                              "Statement of Participation: free")
    assert r["credits_text"] == "6 ECTS-Punkte; 5 ECTS-Punkte"
    assert r["description"].startswith("Kursbeschreibung Der Kurs führt in das zentrale Gebiet der Informatik ein")
    assert r["runs"] == [{"start": "2015-04-14T13:00:00.000+02:00", "end": "2015-07-14T11:38:00.000+02:00",
                          "language_text": "German", "length_text": "14 weeks"}]


def test_udacity_recorded_course(feeds):
    [r] = feeds["udacity"]
    assert validate(r) == [] and typed_values(r) == {}
    assert (r["source_id"], r["title"], r["organisation"]) == ("cs101", "Intro to Computer Science", "Udacity")
    assert r["url"] == "https://www.udacity.com/course/intro-to-computer-science--cs101"  # utm_* removed
    assert (r["level_text"], r["length_text"]) == ("beginner", "3 months")
    assert r["prerequisites"].startswith("There is no prior computer programming knowledge needed")
    assert r["learning_outcomes"][0].startswith("You'll learn the programming language Python")
    assert r["skills"] == ["Data Science", "Web Development", "Software Engineering"]
