"""``credcat skills match TEXT... [--file FILE] [--framework esco|onet] [--top K] [--json]``.

Prints, for each input string, the ranked concepts of ``pipeline.skills.mapping.match_skills`` (the same
function that fills ``credential_skills``): id (ESCO URI, O*NET commodity code or technology example name),
label, framework, score and the evidence that fired; an empty list when nothing fits.
"""

from __future__ import annotations

import json
from pathlib import Path


def read_inputs(texts: list[str], file: str | None) -> list[str]:
    """The command-line strings, then one string per non-empty line of ``file`` ("-" is standard input)."""
    out = [t for t in texts if t.strip()]
    if file:
        import sys

        lines = sys.stdin.read().splitlines() if file == "-" else Path(file).read_text(encoding="utf-8").splitlines()
        out += [line.strip() for line in lines if line.strip()]
    return out


def run(texts: list[str], file: str | None, framework: str | None, top: int, as_json: bool) -> int:
    from .mapping import match_skills

    inputs = read_inputs(texts, file)
    if not inputs:
        raise ValueError("give at least one skill text, or --file FILE with one per line")
    results = match_skills(inputs, framework=framework, top=top)
    if as_json:
        print(json.dumps([{"text": t, "matches": [m.as_dict() for m in ms]} for t, ms in zip(inputs, results)],
                         indent=2, ensure_ascii=False))
        return 0
    for text, matches in zip(inputs, results):
        print(f"{text}:")
        if not matches:
            print("  (no concept fits)")
        for m in matches:
            print(f"  {m.score:.2f}  {m.framework:<4}  {m.label}  <{m.id}>\n        {m.evidence}")
    return 0
