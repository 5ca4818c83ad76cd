"""Re-check evaluation/skill_mapping_heldout.csv (session 11's held-out set): sources, ids, pairs and overlap with earlier label sets.

For every row: the raw string occurs verbatim as a value of the named column (CSV) or key (JSON, at any depth; a
language map such as {"en-US": ...} under the key counts) of its cited file under the shared data folder; every
expected id exists in the vendored taxonomy and belongs to the row's framework and expected_label is its label;
each (raw, framework) pair appears once and every raw string has both an ESCO and an O*NET row; no raw string
(compared casefolded) is in the tuning set (which holds every earlier held-out set) or in any earlier held-out set
(evaluation/skill_mapping_heldout.csv at commits 98595b9, 33fa16b, 3ddeb67 and babf845, and every other version of
it in this repository's history before session 11).
It never runs or imports the mapper.

Run from the repository root:
    CREDCAT_SHARED_DATA=/work/shared/data python evaluation/heldout_sources/check_session11.py
"""

import subprocess
import sys
from pathlib import Path

from check_session9 import check  # the same checks; only the earlier versions differ

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
LAST_EARLIER = "8657138"  # the last commit before session 11's set (session 9's held-out file, emptied after the move to tuning)
PINNED = ("98595b9", "33fa16b", "3ddeb67", "babf845")  # earlier held-out sets named in the session-11 brief
EARLIER = "evaluation/skill_mapping_heldout.csv"


def git_versions(path: str, last: str = LAST_EARLIER, pinned: tuple[str, ...] = PINNED) -> list[tuple[str, str]]:
    """(commit, text) of every version of `path` up to commit `last`, plus the `pinned` commits (check_session12.py
    passes its own)."""
    def run(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)

    # every version up to the commit before session 11's set (session 11's own versions are no earlier set)
    commits = run("log", "--format=%H", last, "--", path).stdout.split()
    for pin in pinned:
        if not any(c.startswith(pin) for c in commits):
            commits.append(pin)
    out = []
    for c in commits:
        r = run("show", f"{c}:{path}")
        if r.returncode == 0:
            out.append((c[:7], r.stdout))
        elif c in pinned:
            print(f"warning: cannot read {path} at {c}")
    return out


def main() -> int:
    return check(git_versions(EARLIER))

if __name__ == "__main__":
    sys.exit(main())
