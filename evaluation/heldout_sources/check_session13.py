"""Re-check evaluation/skill_mapping_heldout.csv (session 13's held-out set): sources, ids, pairs and overlap with earlier label sets.

The checks are check_session9's (one ``check`` function, pointed at the session-13 file): every expected id exists
in the vendored taxonomy, belongs to the row's framework and expected_label is its label; each (raw, framework) pair
appears once and every raw string has both rows; no raw string (casefolded) is in the tuning set or in any earlier
held-out set (every version of evaluation/skill_mapping_heldout.csv in this repository's history up to 2f039a0,
session 12's set, plus the pinned commits 98595b9, 33fa16b, 3ddeb67, babf845, a39ffed and 2f039a0). Sources: each
raw string is re-read from the pinned commit in the local mirror with ``git show``
(``$CREDCAT_MIRROR/<owner>+<name>/repo``, default /work/.mirror; "skipped: mirror absent" when it is not there). A
`Title` or `Metadata` string must be a whole cell; a `Skills` string must be one element of the comma-separated
cell (", " + tag + "," occurs in ", " + cell + ","; a tag such as "Extract, Transform, Load" holds commas). The
second source (added by heldout13b) is a set of .docx files holding Udemy API responses as JSON text: the JSON is
the text of the document's paragraphs joined by newlines, and a string must be the value of the named field
("sd_tag.display_name" or "inner_sd_tag.title") of one element of its "stats" (or "results") list. It never runs
or imports the mapper.

Run from the repository root:
    python evaluation/heldout_sources/check_session13.py
"""

import csv
import html
import io
import json
import re
import subprocess
import sys
import zipfile

import check_session9
from check_session9 import check, shared_source
from check_session11 import EARLIER, PINNED, ROOT, git_versions
from check_session12 import ABSENT, MIRROR

HELDOUT13 = ROOT / "evaluation" / "skill_mapping_heldout.csv"  # swapped in by the lead
LAST_EARLIER = "2f039a0"  # session 12's held-out set, the last commit before session 13's
SPLIT = {"Skills"}  # columns whose cell is a comma-separated list of tags


class Elements(set):
    """The cells of a list column; ``raw in`` tests whether raw is one whole element of some cell."""

    def __init__(self, cells):
        super().__init__()
        self.joined = "\n".join(f", {c.strip()}," for c in cells)

    def __contains__(self, raw):
        return f", {raw}," in self.joined


def docx_values(data: bytes, field: str) -> set[str]:
    """The values of ``field`` ("a.b") over the stats/results list of the JSON text held by a .docx file's paragraphs."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    text = "\n".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S))
    doc = json.loads(text)
    outer, inner = field.split(".")
    return {item[outer][inner] for item in doc.get("stats") or doc.get("results")}


def mirror_source(source: str, cache: dict):
    """(where, values) as check_session12's resolver, with list columns (SPLIT) read as their elements."""
    m = re.match(r"github\.com/([\w.-]+)/([\w.-]+)@([0-9a-f]{7,40}):(\S+) \[([^\]]+)\]", source)
    if not m:
        return shared_source(source, cache)
    owner, name, commit, path, field = m.groups()
    where = f"{owner}/{name}@{commit}:{path} [{field}]"
    key = ("mirror", where)
    if key not in cache:
        git_dir = MIRROR / f"{owner}+{name}" / "repo"
        shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                               capture_output=True) if git_dir.is_dir() else None
        if shown is None or shown.returncode != 0:
            quoted = f"{owner}/{name}@{commit}:{path}"
            if quoted not in ABSENT:
                ABSENT.add(quoted)
                print(f"skipped: mirror absent ({git_dir} has no {commit}:{path}); rows quoting {quoted} not re-read")
            cache[key] = None
        elif path.endswith(".docx"):
            cache[key] = docx_values(shown.stdout, field)
        else:
            cells = [r[field] for r in csv.DictReader(io.StringIO(shown.stdout.decode("utf-8")))]
            cache[key] = Elements(cells) if field in SPLIT else set(cells)
    return where, cache[key]


def main() -> int:
    check_session9.HELDOUT = HELDOUT13  # check() reads the module's HELDOUT
    versions = git_versions(EARLIER, LAST_EARLIER, PINNED + ("a39ffed", LAST_EARLIER))
    return check(versions, resolve=mirror_source, sources=f"their sources (pinned commits in the mirror under {MIRROR})")


if __name__ == "__main__":
    sys.exit(main())
