"""How much of what a source states reaches `credential_profiles` typed and marked `stated` (issue 12 target: 90%).

For every published credential's primary listing and every element, the element counts when the source states
it: its raw field (the feed's own text, as the spider landed it) is filled. It reaches the profile when the
profile holds a typed value for it marked ``stated``:

| element | the source states it when | reached when |
|---|---|---|
| awarding_body | `organisation` | awarding_body_provenance = stated |
| country | `issuer_country` | issuer_country_provenance = stated |
| recognition | `recognition` not empty | recognition_provenance = stated |
| quality_assurance | `quality_assurance_text` | quality_assurance_provenance = stated |
| credits | `credits_text` | credits_provenance = stated |
| ects | `credits_text` or the description names ECTS next to a number | ects_provenance = stated |
| level | `level_text` | a difficulty, CTDL audience level or framework level is typed (level_provenance / eqf) |
| eqf_level | `eqf_text` | level_framework typed (the EQF level stated, or the national level it maps from) |
| learning_outcomes | `learning_outcomes` not empty | learning_outcomes_provenance = stated |
| prerequisites | `prerequisites` | prerequisites_provenance = stated |
| assessment | `assessment_text` or `criteria_text` | assessment_provenance = stated |
| supervision | `supervision_text` | supervision_provenance = stated |
| participation | `participation_text` | participation_provenance = stated |
| workload | `duration_text` states a total in hours or minutes (`PT..H/M`, `N hours`, not per week), or `length_text` is an ISO time (`PT30H`: units decide) | workload_provenance = stated |
| length | `length_text` with a calendar unit | length_weeks typed |
| offers | `cost_text` | offers typed |

    .venv/bin/python -m evaluation.evaluate_profiles [CATALOGUE.duckdb]     # default: $CREDCAT_DATA_DIR's

prints the figure per element and provider and the total; exit status 1 below the target.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

TARGET = 0.9
_ECTS_NEAR_NUMBER = r"(?i)\d\s*(?:-\s*\d+\s*)?ects\b|\bects\s*(?:credits?)?\s*:?\s*\d"
_TOTAL_HOURS = (r"(?i)^\s*PT[\d.]+[HM]|^\s*(?:approx\w*\.?\s*)?[\d.,]+\s*(?:-\s*[\d.,]+\s*)?"
                r"(?:hours?|hrs?|h|minutes?|mins?|stunden|heures|horas)\b")
_PER_WEEK = r"(?i)(?:/|\bper|\ba|\bpro|\bpar)\s*(?:week|wk|woche|semaine|semana)"

# element -> (SQL: the source states it, SQL: it reached the profile typed and stated)
CHECKS: dict[str, tuple[str, str]] = {
    "awarding_body": ("l.organisation_raw is not null", "p.awarding_body_provenance = 'stated'"),
    "country": ("l.issuer_country_text is not null", "p.issuer_country_provenance = 'stated'"),
    "recognition": ("json_array_length(l.recognition) > 0", "p.recognition_provenance = 'stated'"),
    "quality_assurance": ("l.quality_assurance_text is not null", "p.quality_assurance_provenance = 'stated'"),
    "credits": ("l.credits_text is not null", "p.credits_provenance = 'stated'"),
    "ects": (f"regexp_matches(coalesce(l.credits_text, '') || ' ' || coalesce(l.description, ''), "
             f"'{_ECTS_NEAR_NUMBER}')", "p.ects_provenance = 'stated'"),
    "level": ("l.level_text is not null", "(p.level_provenance = 'stated' or p.level_framework is not null)"),
    "eqf_level": ("l.eqf_text is not null", "p.level_framework is not null"),
    "learning_outcomes": ("len(l.learning_outcomes) > 0", "p.learning_outcomes_provenance = 'stated'"),
    "prerequisites": ("l.prerequisites is not null", "p.prerequisites_provenance = 'stated'"),
    "assessment": ("coalesce(l.assessment_text, l.criteria_text) is not null", "p.assessment_provenance = 'stated'"),
    "supervision": ("l.supervision_text is not null", "p.supervision_provenance = 'stated'"),
    "participation": ("l.participation_text is not null", "p.participation_provenance = 'stated'"),
    "workload": (f"(regexp_matches(coalesce(l.duration_text, ''), '{_TOTAL_HOURS}') "
                 f"and not regexp_matches(l.duration_text, '{_PER_WEEK}')) "
                 f"or regexp_matches(coalesce(l.length_text, ''), '^PT[0-9.]+[HM]')",
                 "p.workload_provenance = 'stated'"),
    "length": ("l.length_text is not null and not regexp_matches(l.length_text, '^PT')", "p.length_weeks is not null"),
    "offers": ("l.cost_text is not null", "p.offers is not null"),
}


def measure(con: duckdb.DuckDBPyConnection) -> dict:
    """{"total": (reached, stated), "by_element": {element: (reached, stated)}, "by_provider": {...},
    "misses": {element: [uid, ...]}} over every credential's primary listing."""
    by_element, by_provider, misses = {}, {}, {}
    for element, (states, reached) in CHECKS.items():
        rows = con.execute(
            f"select l.source, count(*), count(*) filter (where {reached}), "
            f"list(p.uid order by p.uid) filter (where not ({reached})) "
            f"from credential_profiles p join credentials c using (uid) join listings l on l.uid = c.primary_uid "
            f"where {states} group by 1 order by 1").fetchall()
        for source, stated, ok, missed in rows:
            e = by_element.setdefault(element, [0, 0])
            e[0] += ok
            e[1] += stated
            pv = by_provider.setdefault(source, [0, 0])
            pv[0] += ok
            pv[1] += stated
            if missed:
                misses.setdefault(element, []).extend(missed[:5])
    reached = sum(v[0] for v in by_element.values())
    stated = sum(v[1] for v in by_element.values())
    return {"total": (reached, stated), "by_element": by_element, "by_provider": by_provider, "misses": misses}


def _walk(node, key, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                out.extend(v if isinstance(v, list) else [v])
            _walk(v, key, out)
    elif isinstance(node, list):
        for v in node:
            _walk(v, key, out)


def _en(value):
    return value.get("en-US") or value.get("en") if isinstance(value, dict) else value


def measure_documents(shared) -> dict:
    """The same question on the real documents in ``../shared/data`` (read in place, never copied), with each
    field written as TEAM.md contract 1 says the spider lanes write it, until their feeds carry it:

    - the edX catalogue (974 rows): ``Level`` -> level; ``course_effort`` -> hours per week; ``course_length``
      -> calendar length; ``price`` -> price to earn (checked against the catalogue's own ``price_USD``);
    - the CTDL examples: every ``audienceLevelType`` -> CTDL audience level (and EQF where it is a degree
      level); every ``deliveryType`` -> participation; every ``accreditedBy``/``approvedBy``/``recognizedBy``/
      ``regulatedBy`` -> recognition with its role;
    - the Open Badges 3.0 examples: ``creditsAvailable`` as ``"<n> credits"`` -> credits; endorsements ->
      recognition ``endorsed_by``.

    Returns {element: (reached typed and stated, stated)}."""
    import json
    import math
    from pathlib import Path

    import pandas as pd

    from pipeline.normalise import parse_duration, parse_level, parse_price
    from pipeline.normalise.credits import parse_credits
    from pipeline.normalise.levels import audience_levels
    from pipeline.normalise.prices import price_to_earn
    from pipeline.normalise.recognition import parse_recognition
    from pipeline.normalise.vocab import parse_participation

    shared = Path(shared)
    out: dict[str, list[int]] = {}

    def count(element, ok):
        pair = out.setdefault(element, [0, 0])
        pair[0] += bool(ok)
        pair[1] += 1

    edx = shared / "mooc_catalogs" / "edx_courses.csv"
    if edx.exists():
        for _, r in pd.read_csv(edx).iterrows():
            count("edx level", parse_level(r.Level).level is not None)
            d = parse_duration(r.course_effort, r.course_length)
            count("edx effort (hours/week)", d.hours_per_week is not None)
            count("edx length", d.weeks is not None)
            p = price_to_earn([o.as_dict() for o in parse_price(r.price).offers])
            count("edx price to earn", p.amount is not None and p.rule == "certificate fee"
                  and math.floor(p.amount) == int(r.price_USD))
    for path in sorted((shared / "ctdl").rglob("*.json")):
        if path.name.startswith("jsonschema"):
            continue
        doc = json.loads(path.read_text())
        levels, deliveries = [], []
        _walk(doc, "ceterms:audienceLevelType", levels)
        _walk(doc, "ceterms:deliveryType", deliveries)
        for item in (x for x in levels if isinstance(x, dict)):
            count("ctdl audienceLevelType", audience_levels(_en(item.get("ceterms:targetNodeName"))))
        for item in (x for x in deliveries if isinstance(x, dict)):
            count("ctdl deliveryType", parse_participation(_en(item.get("ceterms:targetNodeName"))).value)
        for prop, role in (("accreditedBy", "accredited_by"), ("approvedBy", "approved_by"),
                           ("recognizedBy", "recognized_by"), ("regulatedBy", "regulated_by")):
            bodies = []
            _walk(doc, f"ceterms:{prop}", bodies)
            for b in bodies:
                name = _en(b.get("ceterms:name")) if isinstance(b, dict) else None
                ident = b.get("@id") if isinstance(b, dict) else b if isinstance(b, str) else None
                r = parse_recognition([{"role": role, "name": name, "id": ident}])
                count("ctdl recognition", r.bodies and r.bodies[0]["role"] == role)
    for path in sorted((shared / "openbadges").glob("ob3_*.json")):
        doc = json.loads(path.read_text())
        credits, endorsements = [], []
        _walk(doc, "creditsAvailable", credits)
        _walk(doc, "endorsement", endorsements)
        for c in credits:
            count("ob3 creditsAvailable", parse_credits(f"{c:g} credits").credits)
        for e in (x for x in endorsements if isinstance(x, dict)):
            issuer = e.get("issuer") or {}
            r = parse_recognition([{"role": "endorsed_by", "name": issuer.get("name"), "id": issuer.get("id")}])
            count("ob3 endorsement", r.bodies)
    return {k: tuple(v) for k, v in out.items()}


def share(pair) -> float:
    return pair[0] / pair[1] if pair[1] else 1.0


def main(argv=None) -> int:
    from pipeline import paths

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalogue", nargs="?", help="a published catalogue (default: the data directory's)")
    args = ap.parse_args(argv)
    path = args.catalogue or str(paths.catalogue_path())
    con = duckdb.connect(path, read_only=True)
    try:
        result = measure(con)
    finally:
        con.close()
    print("element              reached/stated  share")
    for element, pair in result["by_element"].items():
        print(f"{element:<20} {pair[0]:>6}/{pair[1]:<7} {share(pair):6.1%}")
    print("\nprovider             reached/stated  share")
    for source, pair in result["by_provider"].items():
        print(f"{source:<20} {pair[0]:>6}/{pair[1]:<7} {share(pair):6.1%}")
    total = result["total"]
    print(f"\nstated elements that reach credential_profiles typed and marked stated: {total[0]}/{total[1]} = "
          f"{share(total):.1%} (target {TARGET:.0%})")
    for element, uids in result["misses"].items():
        print(f"  missed {element}: {', '.join(uids[:5])}")
    ok = share(total) >= TARGET
    from pipeline.matching.synth import shared_data_dir

    shared = shared_data_dir()
    if shared is not None:
        docs = measure_documents(shared)
        print(f"\nreal documents in {shared} (fields as TEAM.md contract 1 writes them):")
        for element, pair in docs.items():
            print(f"{element:<28} {pair[0]:>5}/{pair[1]:<5} {share(pair):6.1%}")
        both = (sum(p[0] for p in docs.values()), sum(p[1] for p in docs.values()))
        print(f"stated elements of the real documents typed and stated: {both[0]}/{both[1]} = {share(both):.1%}")
        ok = ok and share(both) >= TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
