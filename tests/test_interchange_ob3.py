"""``credcat export --format ob3``: OB 3.0 Achievements that are valid and come back through import unchanged.

Round trip: real badge documents -> the openbadges spider -> the catalogue's credentials -> OB 3.0 export ->
the openbadges spider again -> credentials with the same titles, types, credits, criteria and alignments.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from pipeline import warehouse
from pipeline.interchange import formats, ob3, writer
from tests._linked_feeds import FIXTURES, SHARED
from tests.spider_helpers import run_spider

SNAPSHOT = Path(__file__).resolve().parents[1] / "spiders" / "snapshots" / "openbadges"
OFFICIAL = SHARED / "data" / "openbadges"
# The 1EdTech JSON Schema of the AchievementCredential (its $defs hold Achievement); not redistributable, so
# only where a copy is at hand (CREDCAT_OB3_SCHEMA, or beside the official examples).
SCHEMA = Path(os.environ.get("CREDCAT_OB3_SCHEMA") or OFFICIAL / "ob_v3p0_achievementcredential_schema.json")
COMPARED = ("title", "credential_type", "credits_text", "criteria_text", "alignments", "organisation", "code",
            "learning_outcomes", "language_text")


def documents() -> list[Path]:
    docs = sorted((FIXTURES / "openbadges").glob("dcc_*.json"))
    docs += [SNAPSHOT / "credentials.northfield.example" / "achievements" / n for n in
             ("cloud-fundamentals", "network-security.json", "project-management.json", "statistics-expanded.jsonld")]
    docs += [SNAPSHOT / "badges.opencampus.example" / "badgeclasses" / n for n in ("python-foundations.json", "sql-basics.json")]
    if OFFICIAL.is_dir():
        docs += sorted(OFFICIAL.glob("ob3_*.json")) + [OFFICIAL / "ob2_example_01_BadgeClass.json"]
    return docs


def catalogue(tmp: Path, docs: list[Path]):
    run = run_spider("openbadges", tmp / "feed", args={"urls": ",".join(d.as_uri() for d in docs)})
    assert run.returncode == 0, run.log[-2000:]
    con = warehouse.fresh_build(tmp / "catalogue.duckdb")
    warehouse.build(con, ["credentials"], inputs=warehouse.Build({"openbadges": tmp / "feed"}))
    return con


def credentials(con) -> dict[str, dict]:
    cur = con.execute(f"select uid, {', '.join(COMPARED)} from credentials")
    cols = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        r = dict(zip(cols, row))
        r["alignments"] = json.loads(r["alignments"]) if isinstance(r["alignments"], str) else r["alignments"]
        out[r.pop("uid")] = r
    return out


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ob3")
    con = catalogue(tmp / "first", documents())
    try:
        before = credentials(con)
        summary = writer("ob3")(con, tmp / "export")
    finally:
        con.close()
    exported = json.loads(Path(summary["path"]).read_text())
    con = catalogue(tmp / "second", [Path(summary["path"])])
    try:
        after = credentials(con)
    finally:
        con.close()
    return before, exported, after, summary


def test_ob3_is_an_export_format():
    assert "ob3" in formats()


def test_every_credential_is_exported_as_an_achievement(round_trip):
    before, exported, _, summary = round_trip
    assert summary["counts"] == {"achievements": len(before)} and len(before) >= 12
    for a in exported:
        assert {"id", "type", "criteria", "description", "name"} <= set(a)  # the schema's required properties
        assert a["type"] == ["Achievement"] and a["@context"] == ob3.CONTEXT
        assert all({"type", "targetName"} <= set(x) for x in a.get("alignment", []))


@pytest.mark.skipif(not (OFFICIAL / "ob_v3p0_context-3.0.3.json").exists(), reason="official context in ../shared only")
def test_export_uses_only_terms_of_the_official_context(round_trip):
    _, exported, _, _ = round_trip
    context = json.loads((OFFICIAL / "ob_v3p0_context-3.0.3.json").read_text())["@context"]
    terms = set(context) | set(context["Achievement"]["@context"])
    for name in ("Alignment", "Profile", "ResultDescription", "Address"):
        terms |= set(context[name]["@context"])
    used = set()

    def walk(v):
        if isinstance(v, dict):
            used.update(v)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(exported)
    assert used - terms - {"@context"} <= {"ECTS"}  # ECTS: the Edubadges extension term, read back by its bare term


@pytest.mark.skipif(not SCHEMA.exists(), reason="the 1EdTech OB 3.0 JSON Schema is not redistributable; none at hand")
def test_export_validates_against_the_1edtech_schema(round_trip):
    jsonschema = pytest.importorskip("jsonschema")
    _, exported, _, _ = round_trip
    schema = json.loads(SCHEMA.read_text())
    achievement = {k: schema[k] for k in ("$schema", "$id", "$defs") if k in schema} | {"$ref": "#/$defs/Achievement"}
    validator = jsonschema.Draft201909Validator(achievement)
    errors = {a["id"]: [e.message for e in validator.iter_errors(a)] for a in exported}
    assert {k: v for k, v in errors.items() if v} == {}


def test_import_of_the_export_gives_the_same_credentials(round_trip):
    before, exported, after, _ = round_trip
    assert len(after) == len(before)
    back = {}
    for uid, r in after.items():  # the re-imported id is urn:credcat:<original uid> (with a digest after it)
        original = next(u for u in before if uid.startswith(f"openbadges:urn:credcat:{quote(u, safe=':/@')}#"))
        back[original] = r
    assert set(back) == set(before)
    for uid, r in before.items():
        assert back[uid] == r, uid
    # the round trip carried real values, not only nulls
    assert {r["credits_text"] for r in before.values()} >= {"5 credits"}
    assert sum(bool(r["criteria_text"]) for r in before.values()) >= 6
    assert sum(bool(r["alignments"]) for r in before.values()) >= 4
