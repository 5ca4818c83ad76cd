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

# Earlier held-out sets (commit, path), each replaced by the next session's; their rows became tuning rows (marked
# in ``source``), so no new held-out string may be one. Session 6's rows moved to tuning in session 7, session 7's in
# session 9, session 9's in session 11, session 11's in session 12 and session 12's in session 13, each when the next
# held-out set replaced its file.
OLD_HELDOUT = {5: ("98595b9", "evaluation/skill_mapping_heldout.csv"),
               6: ("33fa16b", "evaluation/skill_mapping_heldout.csv"),
               7: ("3ddeb67", "evaluation/skill_mapping_heldout.csv"),
               9: ("babf845", "evaluation/skill_mapping_heldout.csv"),
               11: ("a39ffed", "evaluation/skill_mapping_heldout.csv"),
               12: ("2f039a0", "evaluation/skill_mapping_heldout.csv")}
MOVED = {6: "[old held-out set, session 6; moved to tuning in session 7]",
         7: "[old held-out set, session 7; moved to tuning in session 9]",
         9: "[old held-out set, session 9; moved to tuning in session 11]",
         11: "[old held-out set, session 11; moved to tuning in session 12]",
         12: "[old held-out set, session 12; moved to tuning in session 13]"}
COLUMNS = ["raw", "framework", "expected", "expected_label", "kind", "source"]
# Corrections of tuning rows whose label was wrong for a reason outside the labeller's judgement (session 13: O*NET's
# "C++" and "C#", which the taxonomy had lost, so "NONE" was the only answer it held). Each names the row's expected
# value before and after and why; a moved row must equal its held-out original with these applied, nothing else.
CORRECTIONS = Path(__file__).parents[1] / "evaluation" / "skill_mapping_label_corrections.csv"


def _corrections() -> dict[tuple[str, str], dict]:
    with open(CORRECTIONS, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {(r["raw"], r["framework"]): r for r in rows}
    assert len(out) == len(rows)
    return out


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
    held = {r["raw"].casefold() for r in _rows(HELDOUT)}
    overlap = {r["raw"].casefold() for r in _rows(LABELS)} & held
    assert not overlap, sorted(overlap)[:10]


@pytest.mark.parametrize("session", sorted(OLD_HELDOUT))
def test_held_out_strings_are_not_in_an_earlier_held_out_set(session):
    commit, path = OLD_HELDOUT[session]
    try:
        text = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, encoding="utf-8", check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"needs the git history (commit {commit}) to read session {session}'s held-out set")
    old = {r["raw"].casefold() for r in csv.DictReader(io.StringIO(text))}
    assert len(old) > 200
    assert not old & {r["raw"].casefold() for r in _rows(HELDOUT)}


def test_label_corrections_are_recorded_and_applied(concepts):
    tuning = {(r["raw"], r["framework"]): r for r in _rows(LABELS)}
    for key, c in _corrections().items():
        assert c["reason"].strip() and c["session"].strip() and c["expected"] != c["expected_before"], key
        assert key in tuning, f"correction of a pair the tuning set does not hold: {key}"
        assert tuning[key]["expected"] == c["expected"], key
        assert all(s in concepts for s in c["expected"].split("|") if s != "NONE"), key


def _corrected(row: dict, corrections: dict, concepts: dict) -> dict:
    """A held-out row as the tuning set must hold it: its recorded correction applied (expected and label)."""
    c = corrections.get((row["raw"], row["framework"]))
    if c is None:
        return row
    assert row["expected"] == c["expected_before"], (row["raw"], row["framework"])
    ids = [] if c["expected"] == "NONE" else c["expected"].split("|")
    return {**row, "expected": c["expected"], "expected_label": " | ".join(concepts[s].label for s in ids)}


@pytest.mark.parametrize("session", sorted(MOVED))
def test_old_held_out_rows_were_moved_to_tuning_unchanged(session, concepts):
    """The moved rows are the held-out file of that commit, unchanged but for the source marker and the recorded
    corrections (``CORRECTIONS``)."""
    commit, path = OLD_HELDOUT[session]
    try:
        text = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, encoding="utf-8", check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"needs the git history (commit {commit}) to read session {session}'s held-out set")
    corrections = _corrections()
    old = [_corrected({**r, "source": f"{r['source']} {MOVED[session]}"}, corrections, concepts)
           for r in csv.DictReader(io.StringIO(text))]
    moved = [r for r in _rows(LABELS) if MOVED[session] in r["source"]]
    assert moved == old
