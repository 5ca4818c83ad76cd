"""Re-check evaluation/skill_mapping_heldout.csv (session 12's held-out set): sources, ids, pairs and overlap with earlier label sets.

The checks are check_session9's (one ``check`` function): every expected id exists in the vendored taxonomy, belongs
to the row's framework and expected_label is its label; each (raw, framework) pair appears once and every raw
string has both an ESCO and an O*NET row; no raw string (compared casefolded) is in the tuning set or in any earlier
held-out set (every version of evaluation/skill_mapping_heldout.csv in this repository's history up to a39ffed,
session 11's set, plus the pinned commits 98595b9, 33fa16b, 3ddeb67 and babf845). Only the sources differ: session
12's strings are quoted from a file of a pinned GitHub commit ("github.com/<owner>/<name>@<commit>:<path> [column]"),
so each raw string is re-read from that commit with ``git show`` in the local mirror
(``$CREDCAT_MIRROR/<owner>+<name>/repo``, default /work/.mirror) and must be a verbatim value of the named column;
when the mirror is absent those rows are reported as "skipped: mirror absent". Sources under shared/data are read
as before. It never runs or imports the mapper.

Run from the repository root:
    python evaluation/heldout_sources/check_session12.py
"""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from check_session9 import SHARED, check, shared_source
from check_session11 import EARLIER, PINNED, git_versions

MIRROR = Path(os.environ.get("CREDCAT_MIRROR", "/work/.mirror"))
LAST_EARLIER = "a39ffed"  # session 11's held-out set, the last commit before session 12's
ABSENT: set[str] = set()  # quoted files whose mirror was reported absent


def mirror_source(source: str, cache: dict) -> tuple[str | None, set[str] | None]:
    """(where, values) for a source quoting a column of a CSV file at a pinned GitHub commit, read from the local
    mirror with git show (values None, reported once, when the mirror is absent); other sources as shared_source."""
    m = re.match(r"github\.com/([\w.-]+)/([\w.-]+)@([0-9a-f]{7,40}):(\S+) \[([^\]]+)\]", source)
    if not m:
        return shared_source(source, cache)
    owner, name, commit, path, field = m.groups()
    where = f"{owner}/{name}@{commit}:{path} [{field}]"
    key = ("mirror", where)
    if key not in cache:
        git_dir = MIRROR / f"{owner}+{name}" / "repo"
        shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], capture_output=True,
                               text=True, encoding="utf-8") if git_dir.is_dir() else None
        if shown is None or shown.returncode != 0:
            quoted = f"{owner}/{name}@{commit}:{path}"
            if quoted not in ABSENT:
                ABSENT.add(quoted)
                print(f"skipped: mirror absent ({git_dir} has no {commit}:{path}); rows quoting {quoted} not re-read")
            cache[key] = None
        else:
            cache[key] = {r[field] for r in csv.DictReader(io.StringIO(shown.stdout))}
    return where, cache[key]


def main() -> int:
    versions = git_versions(EARLIER, LAST_EARLIER, PINNED + (LAST_EARLIER,))
    return check(versions, resolve=mirror_source,
                 sources=f"their sources (pinned commits in the mirror under {MIRROR}, files under {SHARED})")


if __name__ == "__main__":
    sys.exit(main())
