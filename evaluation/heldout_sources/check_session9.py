"""Re-check evaluation/skill_mapping_heldout.csv (session 9's held-out set since the lead swapped it in): sources, ids, pairs and overlap with earlier label sets.

For every row: the raw string occurs verbatim as a value of the named column (CSV) or key (JSON, at any depth; a
language map such as {"en-US": ...} under the key counts) of its cited file under the shared data folder; every
expected id exists in the vendored taxonomy and belongs to the row's framework and expected_label is its label;
each (raw, framework) pair appears once and every raw string has both an ESCO and an O*NET row; no raw string
(compared casefolded) is in the tuning set or in any earlier held-out set (evaluation/skill_mapping_heldout.csv at
commits 98595b9 and 33fa16b, the working-tree file, and every other version of it in this repository's history).
It never runs or imports the mapper.

Run from the repository root:
    CREDCAT_SHARED_DATA=/work/shared/data python evaluation/heldout_sources/check_session9.py
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("CREDCAT_SHARED_DATA", ROOT.parent / "shared" / "data"))
HELDOUT = ROOT / "evaluation" / "skill_mapping_heldout.csv"
SESSION7 = "3ddeb67"  # the last commit of session 7's held-out file (moved to tuning in session 9)
EARLIER = "evaluation/skill_mapping_heldout.csv"
KINDS = ("exact", "synonym", "paraphrase", "product", "broad", "not_skill", "false_friend")
SESSION8 = {"e979d04", "5dab2c3", "2e66260", "f5884a4"}  # labels2 commits: session 8's strings, reused on purpose


def values(path: Path, field: str) -> set[str]:
    """Every value of column `field` (CSV) or every string under key `field` at any depth (JSON)."""
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return {r[field] for r in csv.DictReader(fh)}
    out: set[str] = set()

    def strings(o):
        if isinstance(o, str):
            out.add(o)
        elif isinstance(o, dict):
            for v in o.values():
                strings(v)
        elif isinstance(o, list):
            for v in o:
                strings(v)

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == field:
                    strings(v)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return out


def git_versions(path: str) -> list[tuple[str, str]]:
    """(commit, text) of every version of `path` reachable in this repository (all refs), plus the pinned commits."""
    def run(*args):
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)

    # the versions before session 9's set replaced the file (its own versions are no earlier set)
    commits = run("log", "--all", "--format=%H", SESSION7, "--", path).stdout.split()
    for pinned in ("98595b9", "33fa16b"):
        if not any(c.startswith(pinned) for c in commits):
            commits.append(pinned)
    out = []
    for c in commits:
        r = run("show", f"{c}:{path}")
        if r.returncode == 0:
            out.append((c[:7], r.stdout))
        elif c in ("98595b9", "33fa16b"):
            print(f"warning: cannot read {path} at {c}")
    return out


def shared_source(source: str, cache: dict) -> tuple[str | None, set[str] | None]:
    """(where, values) for a ``source`` naming a column or key of a file under the shared data folder: ``where`` is
    None when the source names no such file, ``values`` None when the file is absent (``cache`` keeps read files)."""
    m = re.match(r"shared/data/(\S+) \[([^\]]+)\]", source)
    if not m:
        return None, None
    path = SHARED / m.group(1)
    if not path.exists():
        return f"{m.group(1)} [{m.group(2)}]", None
    key = (m.group(1), m.group(2))
    if key not in cache:
        cache[key] = values(path, m.group(2))
    return f"{m.group(1)} [{m.group(2)}]", cache[key]


def check(versions: list[tuple[str, str]], exempt=frozenset(), resolve=shared_source,
          sources=f"their source files under {SHARED}") -> int:
    """The checks of the module docstring on the current held-out file, against the earlier held-out ``versions``
    ((commit, text), from ``git_versions``; strings of the ``exempt`` commits may recur); ``resolve(source, cache)``
    gives a row's (where, values) as ``shared_source`` does (check_session12.py also reads a pinned mirror), and
    ``sources`` names them in the report; prints a report, returns the exit status (check_session11.py and
    check_session12.py run the same checks)."""
    from pipeline.skills.taxonomy import read_concepts

    concepts = read_concepts()[0]
    rows = list(csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")))
    problems: list[str] = []
    cache: dict = {}
    unchecked = 0

    for r in rows:
        where, found = resolve(r["source"], cache)
        if where is None:
            problems.append(f"unparsable source {r['source']!r}")
            continue
        if found is None:
            unchecked += 1
        elif r["raw"] not in found:
            problems.append(f"not verbatim in {where}: {r['raw']!r}")
        ids = [] if r["expected"] == "NONE" else r["expected"].split("|")
        if len(ids) != len(set(ids)) or not all(ids) or r["kind"] not in KINDS or r["framework"] not in ("esco", "onet"):
            problems.append(f"{r['raw']!r} {r['framework']}: malformed row (repeated id, bad kind or framework)")
        for i in ids:
            c = concepts.get(i)
            if c is None or c.framework != r["framework"]:
                problems.append(f"{r['raw']!r} {r['framework']}: {i} is not a concept of that framework")
        want = " | ".join(concepts[i].label for i in ids if i in concepts)
        if r["expected_label"] != want:
            problems.append(f"{r['raw']!r} {r['framework']}: expected_label is not the taxonomy's label")

    pairs = Counter((r["raw"], r["framework"]) for r in rows)
    problems += [f"pair {p} appears {n} times" for p, n in pairs.items() if n > 1]
    raws = {r["raw"] for r in rows}
    for raw in raws:
        for fw in ("esco", "onet"):
            if (raw, fw) not in pairs:
                problems.append(f"{raw!r} has no {fw} row")
    lower = Counter(raw.casefold() for raw in raws)
    problems += [f"{s!r} appears in two spellings" for s, n in lower.items() if n > 1]

    with open(ROOT / "evaluation" / "skill_mapping_labels.csv", newline="", encoding="utf-8") as fh:
        tuning = {r["raw"].casefold() for r in csv.DictReader(fh)}
    problems += [f"in the tuning set: {raw!r}" for raw in sorted(raws) if raw.casefold() in tuning]  # session 7's too
    earlier: dict[str, set[str]] = {}
    for commit, text in versions:
        for r in csv.DictReader(io.StringIO(text)):
            earlier.setdefault(r["raw"].casefold(), set()).add(commit)
    for raw in sorted(raws):
        hits = earlier.get(raw.casefold(), set()) - exempt
        if hits:
            problems.append(f"in an earlier held-out set ({', '.join(sorted(hits))}): {raw!r}")

    kinds = Counter((r["kind"], r["framework"]) for r in rows)
    print(f"{len(rows)} rows, {len(raws)} raw strings; {len(rows) - unchecked} rows checked against {sources} "
          f"({unchecked} skipped: file absent)")
    print(f"earlier held-out versions read: {len(versions)}; tuning strings: {len(tuning)}")
    for k in KINDS:
        e, o = kinds[(k, "esco")], kinds[(k, "onet")]
        print(f"  {k:<13} esco {e:>3}  onet {o:>3}  pairs {e + o:>3} ({100 * (e + o) / len(rows):.1f}%)")
    none = Counter(r["framework"] for r in rows if r["expected"] == "NONE")
    print(f"  NONE: esco {none['esco']}, onet {none['onet']}")
    print(f"{len(problems)} problems")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


def main() -> int:
    return check(git_versions(EARLIER), SESSION8)


if __name__ == "__main__":
    sys.exit(main())
