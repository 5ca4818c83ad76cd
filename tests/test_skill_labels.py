"""The labelled skill-mapping sets are well formed: every expected concept exists in the shipped taxonomy.

A label naming a concept the taxonomy does not hold can never be matched, so it would silently lower recall;
and a held-out string that also sits in the tuning set is not held out. These checks read the label files and
the vendored taxonomy only (they never run the mapper).
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from evaluation.evaluate_skill_mapping import HELDOUT, KINDS, LABEL_SETS, LABELS
from pipeline.skills.taxonomy import read_concepts

# Earlier held-out sets (session 5's, replaced in session 6; session 6's, replaced in session 7): their rows became
# tuning rows, so no new held-out string may be one. Read from git so the check holds before and after the merge.
EARLIER_HELDOUT = {"session 5": ("98595b9", "evaluation/skill_mapping_heldout.csv"),
                   "session 6": ("dab3709", "evaluation/skill_mapping_heldout.csv")}
COLUMNS = ["raw", "framework", "expected", "expected_label", "kind", "source"]


@pytest.fixture(scope="module")
def concepts():
    return read_concepts()[0]


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS, path.name
        return list(reader)


@pytest.mark.parametrize("path", [p for _k, p, _d in LABEL_SETS], ids=[k for k, _p, _d in LABEL_SETS])
def test_every_expected_concept_exists_in_the_shipped_taxonomy(path, concepts):
    for r in _rows(path):
        assert r["framework"] in ("esco", "onet") and r["kind"] in KINDS and r["source"], r
        ids = [] if r["expected"] == "NONE" else r["expected"].split("|")
        assert len(ids) == len(set(ids)) and all(ids), r
        for sid in ids:
            assert sid in concepts, f"{path.name}: {r['raw']!r} expects {sid}, which the taxonomy does not hold"
            assert concepts[sid].framework == r["framework"], (r["raw"], sid)
        assert r["expected_label"] == " | ".join(concepts[s].label for s in ids), r["raw"]


@pytest.mark.parametrize("path", [p for _k, p, _d in LABEL_SETS], ids=[k for k, _p, _d in LABEL_SETS])
def test_each_pair_is_labelled_once_and_never_contradicted(path):
    rows = _rows(path)
    assert len({(r["raw"], r["framework"]) for r in rows}) == len(rows)
    seen = {}
    for r in rows:  # "History" and "history" may both appear, with the same answer
        key = (r["raw"].casefold(), r["framework"])
        assert seen.setdefault(key, (r["expected"], r["kind"])) == (r["expected"], r["kind"]), r["raw"]


def test_held_out_strings_are_not_in_the_tuning_set():
    tuning = {r["raw"].casefold() for r in _rows(LABELS)}
    assert not tuning & {r["raw"].casefold() for r in _rows(HELDOUT)}


@pytest.mark.parametrize("session", sorted(EARLIER_HELDOUT))
def test_held_out_strings_are_not_in_an_earlier_held_out_set(session):
    commit, path = EARLIER_HELDOUT[session]
    try:
        text = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, encoding="utf-8", check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"needs the git history (commit {commit}) to read {session}'s held-out set")
    old = {r["raw"].casefold() for r in csv.DictReader(io.StringIO(text))}
    assert len(old) > 200
    assert not old & {r["raw"].casefold() for r in _rows(HELDOUT)}
