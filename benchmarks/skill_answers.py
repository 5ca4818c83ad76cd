"""Exactness check for the skill mapper's speed work (issue 16): every answer on a large fixed set of strings,
written by one checkout and compared with another's.

    PYTHONPATH=/tmp/base .venv/bin/python benchmarks/skill_answers.py dump /tmp/base.pickle
    .venv/bin/python benchmarks/skill_answers.py dump /tmp/branch.pickle
    .venv/bin/python benchmarks/skill_answers.py compare /tmp/base.pickle /tmp/branch.pickle

The strings: every distinct tag, title and description (first 4,000 characters) of the benchmark's generated
credentials (``benchmarks.skill_mapping_benchmark.credentials``, ``--n``, default 100k) and every ``raw`` of
evaluation/skill_mapping_labels.csv and evaluation/skill_mapping_heldout.csv. Each tag and raw is answered
by ``match_all`` and by ``match(raw, fw, 5)`` for both frameworks (the planner's and ``credcat skills
match``'s ranked list), each raw also as a title by ``match_text``; each title and description by
``match_text``. An answer is every field of every ``SkillMatch`` (ids, label, score, evidence, method,
matched label), compared with ``==`` (floats equal, not close). The ``credential_skills`` rows of
``map_credential_skills`` on the first ``--rows`` credentials are compared too, in order.
Run it as a file (not ``-m``) so that ``PYTHONPATH`` decides which checkout's ``pipeline`` answers.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import sys
import time
from dataclasses import astuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def strings(n: int) -> tuple[dict[str, list[str]], object]:
    """The fixed strings: they depend only on ``n`` and on whether the shared MOOC catalogues are present
    (``source`` says which; ``compare`` refuses dumps of different sets)."""
    from benchmarks.skill_mapping_benchmark import credentials
    from pipeline.matching.synth import shared_data_dir

    frame = credentials(n, 42)
    raws: list[str] = []
    for name in ("skill_mapping_labels.csv", "skill_mapping_heldout.csv"):
        with open(ROOT / "evaluation" / name, encoding="utf-8", newline="") as fh:
            raws += [r["raw"] for r in csv.DictReader(fh)]
    shared = shared_data_dir()
    moocs = shared / "mooc_catalogs" if shared else None
    subjects: list[str] = []
    if moocs and moocs.is_dir():  # the real catalogues' subject tags, as published
        for name, col in (("edx_courses.csv", "subject"), ("udemy_courses.csv", "subject")):
            if (moocs / name).is_file():
                with open(moocs / name, encoding="utf-8", newline="") as fh:
                    subjects += [r.get(col) or "" for r in csv.DictReader(fh)]
    return {
        "source": [f"n={n}", f"mooc_catalogs={'yes' if subjects else 'no'}"],
        "subjects": list(dict.fromkeys(s for s in subjects if s.strip())),
        "tags": list(dict.fromkeys(t for ts in frame["skills"] for t in ts if t and t.strip())),
        "raws": list(dict.fromkeys(raws)),
        "titles": list(dict.fromkeys(t for t in frame["title"] if isinstance(t, str) and t)),
        "descriptions": list(dict.fromkeys(d[:4000] for d in frame["description"] if isinstance(d, str) and d)),
    }, frame


def dump(out: Path, n: int, rows_n: int) -> None:
    import duckdb

    from pipeline.skills.mapping import FRAMEWORKS, SkillMapper, map_credential_skills

    texts, frame = strings(n)
    mapper = SkillMapper.from_vendored()
    t = time.perf_counter()
    answers: dict[str, list] = {}
    queries = texts["tags"] + texts["raws"] + texts["subjects"]
    answers["match_all"] = [tuple(map(astuple, mapper.match_all(s))) for s in queries]
    answers["match_top5"] = [tuple(astuple(m) for fw in FRAMEWORKS for m in mapper.match(s, fw, 5)) for s in queries]
    answers["rule_matches"] = [tuple(mapper.rule_matches(s, fw) for fw in FRAMEWORKS) for s in texts["raws"]]
    answers["text_raws"] = [tuple(map(astuple, mapper.match_text(s, "title"))) for s in texts["raws"]]
    answers["text_titles"] = [tuple(map(astuple, mapper.match_text(s, "title"))) for s in texts["titles"]]
    answers["text_descriptions"] = [tuple(map(astuple, mapper.match_text(s, "description")))
                                    for s in texts["descriptions"]]
    sub = frame.head(rows_n)  # noqa: F841 (read by DuckDB)
    con = duckdb.connect()
    con.execute("CREATE TABLE credentials AS SELECT uid, title, skills, learning_outcomes, "
                "CAST(NULL AS JSON) AS alignments, description FROM sub")
    map_credential_skills(con)
    answers["credential_skills"] = con.execute("SELECT * FROM credential_skills").fetchall()
    con.close()
    print(f"{sum(map(len, texts.values())):,} strings ({', '.join(f'{k} {len(v):,}' for k, v in texts.items())}), "
          f"{len(answers['credential_skills']):,} rows, in {time.perf_counter() - t:.0f} s; code: "
          f"{sys.modules['pipeline'].__file__}")
    out.write_bytes(pickle.dumps({"strings": texts, "answers": answers}))


def compare(a: Path, b: Path) -> int:
    x, y = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    assert x["strings"] == y["strings"], "not the same strings"
    bad = 0
    for kind, got in x["answers"].items():
        other = y["answers"][kind]
        diff = [i for i, (p, q) in enumerate(zip(got, other)) if p != q] + \
            ([-1] if len(got) != len(other) else [])
        print(f"{kind:<18} {len(got):>9,} answers, {len(diff):,} different")
        for i in diff[:5]:
            print("   ", i, got[i] if i >= 0 else len(got), "\n    ", other[i] if i >= 0 else len(other))
        bad += len(diff)
    print("identical" if not bad else f"{bad:,} answers differ")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("dump", "compare"))
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--n", type=int, default=20_000, help="generated credentials whose strings are answered")
    ap.add_argument("--rows", type=int, default=10_000, help="credentials whose credential_skills rows are compared")
    args = ap.parse_args(argv)
    if args.command == "dump":
        dump(args.files[0], args.n, args.rows)
        return 0
    return compare(*args.files[:2])


if __name__ == "__main__":
    raise SystemExit(main())
