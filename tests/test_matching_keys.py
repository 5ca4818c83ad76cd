"""Match keys: the Python rules and the SQL model agree; normalisation handles real drift."""

import duckdb
import pandas as pd
import pytest

from pipeline.matching import engine
from pipeline.matching.keys import (
    canonical_url,
    norm_title,
    org_acronym,
    org_key,
    run_markers,
    title_codes,
    title_core,
    title_numbers,
    title_skeleton,
    url_slug,
)

TITLES = ["Intro to Organisational Behaviour", "Machine Learning Specialisation Online", "Centre for Modelling Analyse",
          "Financial Markets Course", "Exercise and Advertise Wisely",
    "Introduction to Psychology",
    "INTRODUCTION TO PSYCHOLOGY",
    "Éthique & IA: Part 1",
    "Data Science - Foundations (2024 edition)",
    "Calculus II",
    "Machine Learning | Coursera",
    "Python for Everybody – Getting Started [Self-paced]",
    "CS50's Introduction to Computer Science",
    "Introduction to Psychology | 心理学概论",
    "Cryptography I - Free Course",
    "  spaced   out  title ",
    "Free course: Learn Photoshop for Design: 100% Practical Projects | Udemy",
    "[100% OFF] The Complete Python Bootcamp - Udemy Free Download",
    "Online course: Data Science &amp; AI...",
    "Machine Learning (edX)",
    "Machine Learning - edX Course",
    "Python Basics by The University of Michigan | Coursera",
    "Spanish for Beginners, Part II",
    "Online Learning Design",
    "",
]
URLS = [
    "https://www.coursera.org/learn/machine-learning",
    "HTTP://Coursera.org/learn/Machine-Learning/?utm_source=x&utm_medium=y#reviews",
    "https://www.classcentral.com/course/machine-learning-835",
    "https://www.edx.org/course/intro-psych?id=3&b=2",
    "https://learn.microsoft.com/training/paths/az-900/",
    "https://example.org/courses/",
    "https://example.org/course/1234",
    "https: /  / www.coursera.org / learn / machine-learning",
    "https://www.coursera.org,learn,machine-learning",
    "https://www.coursera.org/learn%2Fmachine-learning",
    "https://www.udemy.com/project-planning-1/",
    "https://www.edx.org/",
    "",
]


def sql_keys(titles, urls):
    n = max(len(titles), len(urls))
    df = pd.DataFrame({"id": [str(i) for i in range(n)], "title": (titles + [""] * n)[:n],
                       "organisation": ["X"] * n, "url": (urls + [""] * n)[:n]})
    m = engine.Matcher([engine.standardise(df)], keep_keys=True)
    keys = m.con.execute("select * from match_keys order by rid").df()
    m.close()
    return keys


def test_python_and_sql_keys_agree():
    keys = sql_keys(TITLES, URLS)
    for i, t in enumerate(TITLES):
        assert keys.loc[i, "title_norm"] == norm_title(t), t
        assert keys.loc[i, "title_core"] == title_core(t), t
        assert keys.loc[i, "title_nums"] == title_numbers(norm_title(t)), t
        assert keys.loc[i, "title_codes"] == title_codes(norm_title(t)), t
        assert keys.loc[i, "title_skeleton"] == title_skeleton(norm_title(t)), t
    for i, u in enumerate(URLS):
        assert keys.loc[i, "url_canon"] == canonical_url(u), u
        assert keys.loc[i, "slug"] == url_slug(u), u
        assert keys.loc[i, "slug_full"] == url_slug(u, keep_number=True), u


def test_regex_literals_in_sql_match_python():
    from pipeline.matching.keys import TRACKING_PARAMS
    from pipeline.registry import query_path

    sql = query_path("match_keys").read_text()
    assert TRACKING_PARAMS.pattern.strip("^$") in sql
    assert "match_clean_title(" in sql  # the configured title rules arrive as a macro


def test_listing_labels_are_stripped_by_rule_and_plain_words_are_not():
    base = norm_title("Learn Photoshop for Design")
    for v in ["Free course: Learn Photoshop for Design", "Online course: Learn Photoshop for Design",
              "Course: Learn Photoshop for Design", "Learn Photoshop for Design | Udemy",
              "Learn Photoshop for Design (edX)", "Learn Photoshop for Design - edX Course",
              "[100% OFF] Learn Photoshop for Design", "Learn Photoshop for Design | Udemy Free Download",
              "Learn Photoshop for Design - Online Course | Coursera", "LEARN PHOTOSHOP FOR DESIGN...",
              "Learn  Photoshop &amp; for Design"]:
        assert norm_title(v).replace(" and", "") == base, v
    # the same words inside a title are part of it
    assert norm_title("Online Learning Design") == "online learning design"
    assert norm_title("Course 1: Foundations") == "course 1 foundations"
    assert norm_title("New Zealand: History") == "new zealand history"


def test_one_spelling_per_word_and_bare_listing_words():
    """Listings of one course spell it as their site does: "Intro" / "Introduction", British / American."""
    assert norm_title("Intro to Organisational Behaviour") == norm_title("Introduction to Organizational Behavior")
    assert norm_title("Data Modelling and Visualisation") == norm_title("Data Modeling and Visualization")
    assert norm_title("The Theatre Programme") == norm_title("The Theater Program")
    # words that only look like British forms are left alone
    assert norm_title("Exercise and Advertise Wisely") == "exercise and advertise wisely"
    # a generic word a listing site appends without a separator
    assert norm_title("Financial Markets Online") == norm_title("Financial Markets Course") == "financial markets"
    assert norm_title("Online") == "online"


def test_affixes_extend_by_configuration(tmp_path, monkeypatch):
    from pipeline.matching.keys import load_affixes

    extra = tmp_path / "more.toml"
    extra.write_text('platforms = ["acme academy"]\n', encoding="utf-8")
    assert norm_title("Welding | Acme Academy") == "welding acme academy"
    assert norm_title("Welding | Acme Academy", load_affixes([extra])) == "welding"
    monkeypatch.setenv("CREDCAT_MATCH_AFFIXES", str(extra))
    assert norm_title("Welding (Acme Academy)", load_affixes()) == "welding"
    bad = tmp_path / "bad.toml"
    bad.write_text('platform = ["x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown affix keys"):
        load_affixes([bad])


def test_title_drift_normalises_to_one_key():
    variants = ["Éthique & IA: Les Bases", "ethique and ia les bases", "ÉTHIQUE & IA - LES BASES", "Ethique & IA: les bases"]
    assert len({norm_title(v) for v in variants}) == 1
    assert title_core("Data Science: Foundations") == "data science"
    assert title_core("Data Science") == "data science"
    assert norm_title("Machine Learning | Coursera") == "machine learning"


def test_url_canonicalisation_and_slug():
    assert canonical_url("HTTPS://www.Coursera.org/learn/ML/?utm_source=x#r") == "coursera.org/learn/ml"
    assert canonical_url("https://edx.org/c?b=2&a=1&gclid=z") == "edx.org/c?a=1&b=2"
    assert url_slug("https://www.classcentral.com/course/machine-learning-835") == "machine learning"
    assert url_slug("https://example.org/course/1234") == ""
    # separators as broken feeds print them; a homepage is no URL of a listing
    for broken in ["https: /  / www.coursera.org / learn / ml", "https://www.coursera.org,learn,ml",
                   "https://www.coursera.org/learn%2Fml", "https:/www.coursera.org//learn/ml/"]:
        assert canonical_url(broken) == "coursera.org/learn/ml", broken
    assert canonical_url("https://www.edx.org/") == ""
    # a trailing number proposes candidates but is no evidence of a match
    assert url_slug("https://www.udemy.com/project-planning-1/") == url_slug("https://www.udemy.com/project-planning/")
    assert url_slug("https://www.udemy.com/project-planning-1/", keep_number=True) == "project planning 1"


def test_org_key_and_acronym():
    assert org_key("The University of Michigan") == org_key("Univ. of Michigan") == "university michigan"
    assert org_key("MITx") == org_key("Massachusetts Institute of Technology")
    assert org_acronym(org_key("Massachusetts Institute of Technology")) == "mit"
    assert org_key("Acme", resolver=lambda s: "Acme Corporation Worldwide") == "acme worldwide"
    assert org_key(None) == ""


def test_numbers_and_runs():
    assert title_numbers("calculus ii") == "2"
    assert title_numbers("python 2 for 2024") == "2"
    assert title_numbers("photoshop 100 practical projects in 15 minutes") == "15"
    assert title_numbers("spanish for beginners part ii") == "2 lvbeginner"
    assert title_numbers("unlocking information security part i") == "1"
    assert title_numbers("calculus i") == "1" and title_numbers("i love python") == ""
    assert title_numbers("advanced spanish") != title_numbers("intermediate spanish")
    assert run_markers("Intro (2024)", None) == "2024"
    assert run_markers("EU Funding: Introduction to Horizon 2020", None) == ""  # a name, not a run
    # years count in the title only; edX run codes in the URL too
    assert run_markers("Intro", "https://www.edx.org/course/course-v1:MITx+6.00.1x+2T2023") == "2t2023"
    assert run_markers("Intro", "https://www.udemy.com/course/excel-2017/") == ""


def test_pandas_string_column_round_trips_through_duckdb():
    """Regression guard (pitfalls.md): pandas 3 'str' columns must scan in DuckDB."""
    df = pd.DataFrame({"a": pd.Series(["x", "é", None], dtype="str")})
    con = duckdb.connect()
    con.register("t", df)
    assert con.execute("select count(*) from t where a is not null").fetchone()[0] == 2
    back = con.execute("select * from t").df()
    assert back["a"].tolist()[:2] == ["x", "é"]
