"""Table tests for levels and EQF levels (labels as Coursera, edX, Udemy, iversity, Udacity, MS Learn use them)."""

import pytest

from pipeline.normalise.levels import parse_eqf, parse_level

LEVELS = [
    ("Beginner", "beginner"),
    ("beginner", "beginner"),  # Udacity, Microsoft Learn
    ("Beginner Level", "beginner"),  # Udemy
    ("Introductory", "beginner"),  # edX
    ("Intermediate", "intermediate"),
    ("Intermediate Level", "intermediate"),
    ("Advanced", "advanced"),
    ("Expert Level", "advanced"),  # Udemy
    ("All Levels", "mixed"),  # Udemy
    ("Mixed", "mixed"),  # Coursera
    ("Anfänger", "beginner"),
    ("Fortgeschrittene", "advanced"),
    ("Fortgeschrittene Anfänger", "intermediate"),
    ("Débutant", "beginner"),
    ("Avanzado", "advanced"),
    ("beginner, intermediate", "mixed"),  # MS Learn levels[] joined
    (["beginner", "intermediate"], "mixed"),
    (["advanced"], "advanced"),
    ("Beginner to Advanced", "mixed"),
]


@pytest.mark.parametrize("text,level", LEVELS)
def test_levels(text, level):
    r = parse_level(text)
    assert r.level == level and r.reason is None, r


@pytest.mark.parametrize("text", ["", "Self-paced", "42", None])
def test_level_junk(text):
    r = parse_level(text)
    assert r.level is None and r.reason


EQF = [
    ("EQF 5", 5),
    ("EQF level 6", 6),
    ("EQF-Niveau 4", 4),
    ("Level 7 EQF", 7),
    ("niveau 6 du CEC", 6),
    ("QF-EHEA first cycle", 6),
    ("second cycle (master's level)", 7),
    (5, 5),
]


@pytest.mark.parametrize("text,level", EQF)
def test_eqf(text, level):
    r = parse_eqf(text)
    assert r.eqf == level and r.reason is None, r


@pytest.mark.parametrize("text,code", [("EQF 9", "out_of_range"), ("Advanced", "unparsed"), (0, "out_of_range"),
                                       (None, "missing")])
def test_eqf_is_never_guessed(text, code):
    r = parse_eqf(text)
    assert r.eqf is None and r.reason.startswith(code)
