"""Real published CTDL pathways, imported as a user imports them (``scrapy crawl ctdl -a urls=file://...``),
built into a catalogue, and checked field by field against the source document.

The documents are Credential Engine's own examples (CredentialEngine/Schema-Development and
CredentialEngine/pathways). Their repositories carry no licence, so they are not vendored: the tests read
them from ``../shared/data/ctdl/`` (or a local snapshot of the repository) and skip when neither is present.
"""

from __future__ import annotations

import collections
import json
import subprocess
from pathlib import Path

import pytest

from pipeline.stacking.ctdl import parse_pathway, uid_for
from pipeline.stacking.graph import ensure_inputs
from tests._linked_feeds import scrapy_crawl
from tests.catalogue_fixture import build_derived, credential, make_catalogue

_REPO = Path(__file__).resolve().parents[1]
SHARED_CTDL = next((p for p in (_REPO.parent / "shared" / "data" / "ctdl",
                                _REPO.parent.parent / "shared" / "data" / "ctdl") if p.exists()),
                   _REPO.parent / "shared" / "data" / "ctdl")
SNAPSHOT = Path("/work/.mirror/CredentialEngine+Schema-Development/repo")
EXAMPLES = "PathwaysConditionsAndConstraints/Pathway-Examples/"
# shared file name -> path in CredentialEngine/Schema-Development (commit 6534886)
SOURCES = {
    "pathway_heriotwatt_bsc_honours.json": EXAMPLES + "HeriotWatt/pathway.json",
    "pathway_illinois_it.json": EXAMPLES + "Illinois-IT.json",
    "pathway_comptia_it_networking_specialist.jsonld": EXAMPLES + "CompTIA/CompTIA-IT_Networking_Specialist.jsonld",
    "pathway_badgr_empowering_teaching_excellence.json":
        EXAMPLES + "Badgr/Badgr (Final) - EmpoweringTeachingExcellence_Nate.json",
    "pathway_badgr_french_ba_marketable_skills.json":
        EXAMPLES + "Badgr/Badgr (Final) - CTDL-French_BA_Marketable_Skills-Nates.json",
}


def real(name: str, tmp_path: Path) -> Path:
    """The document as a file: from ../shared, else from a local snapshot of its repository, else skip."""
    if (SHARED_CTDL / name).exists():
        return SHARED_CTDL / name
    if name in SOURCES and (SNAPSHOT / "HEAD").exists():
        out = tmp_path / name
        blob = subprocess.run(["git", "--git-dir", str(SNAPSHOT), "show", f"HEAD:{SOURCES[name]}"],
                              capture_output=True, check=False)
        if blob.returncode == 0:
            out.write_bytes(blob.stdout)
            return out
    pytest.skip(f"{name}: real CTDL example not available (no licence, not vendored)")


def imported(path: Path, tmp_path: Path):
    """Crawl the file with the ctdl spider, put its listings in a catalogue, build the derived tables."""
    listings, quarantine, log = scrapy_crawl("ctdl", [path.as_uri()], tmp_path / "feed.jsonl")
    con = make_catalogue(str(tmp_path / "cat.duckdb"), [
        credential(r["uid"], r["title"], r["credential_type"], raw=r["raw"]) for r in listings])
    ensure_inputs(con, ("credential_skills", "skills"))
    build_derived(con, given=("credentials", "credential_skills", "skills"))
    return con, listings, quarantine, log


def types_in(doc) -> collections.Counter:
    nodes = doc if isinstance(doc, list) else doc.get("@graph", [doc])
    return collections.Counter(str(t).rsplit("/", 1)[-1].rsplit(":", 1)[-1]
                               for n in nodes for t in (n.get("@type") or n.get("type") or [None])
                               if isinstance(n.get("@type") or n.get("type"), list | str))


def test_heriot_watt_honours_degree_publishes_whole(tmp_path):
    path = real("pathway_heriotwatt_bsc_honours.json", tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    source = types_in(doc)
    assert (source["CourseComponent"], source["BasicComponent"], source["ComponentCondition"],
            source["Constraint"], source["CredentialComponent"]) == (45, 8, 25, 37, 3)
    con, listings, quarantine, _ = imported(path, tmp_path)
    # one listing (the pathway: no ctid, no owner in a file export); its 118 supporting nodes are no quarantine
    assert [r["title"] for r in listings] == ["BSCH - Bachelor of Science Honours"] and quarantine == []
    [pw] = listings
    assert pw["source_id"] == "ec071f65-2c5b-4b58-a2df-dd6287880a7a"  # stable id from its @id
    steps = con.execute("""SELECT title, requirement, stage, stage_order, condition_id, required_number, of_total,
                                  is_off_ramp, ctdl_type FROM pathway_steps WHERE pathway_uid = ?
                           ORDER BY step_no""", [pw["uid"]]).fetchall()
    courses = [s for s in steps if s[8] == "CourseComponent"]
    assert len(steps) == 56 and len(courses) == 45  # every course is a step
    assert all(s[2] and s[2].startswith("Stage ") for s in courses)  # each in its stage
    stages = [s[0] for s in steps if s[1] == "stage"]
    assert stages == [f"Stage {y}, Semester {t}" for y in (1, 2, 3, 4) for t in (1, 2)]  # ordered by precedes
    assert [s[3] for s in courses] == sorted(s[3] for s in courses)  # courses follow their stages' order
    # conditions: 25, 14 of them with a stated requiredNumber, each with its targets
    conds = con.execute("""SELECT required_number, of_total, len(targets), number_stated, constraint_count
                           FROM stack_conditions WHERE pathway_uid = ?""", [pw["uid"]]).fetchall()
    assert len(conds) == 25 and sum(1 for c in conds if c[3]) == 14
    assert (6, 8, 8, True, 2) in conds  # "[(minGrade = D) in 6 of 8 courses]"
    assert (2, 8, 8, True, 0) in conds  # "Select 2 out of 9 courses" (lists 8: the defect is reported)
    assert (3, 9, 9, True, 0) in conds
    assert (2, 2, 0, True, 0) in conds  # "Select 2 out of 2 conditions": a group of sub-conditions
    electives = [s for s in courses if s[1] == "elective"]
    assert electives and all(s[5] < s[6] for s in electives)  # electives carry their N-of-M condition
    assert con.execute("SELECT count(*) FROM pathway_constraints WHERE pathway_uid = ?", [pw["uid"]]).fetchone()[0] == 37
    grade = con.execute("""SELECT comparator, left_source, right_action, len(right_source) FROM pathway_constraints
                           WHERE condition_id LIKE '%f0550ade%' ORDER BY constraint_id""").fetchall()
    assert grade[0][:3] == ("EQ", ["https://example.edu/studentData/grade"], "AnyOf") and grade[0][3] >= 1
    # destination and the two exit awards (CertHE; DipHE/BSCO, published under one @id) as off-ramps
    [p] = con.execute("""SELECT title, off_ramps, stages, total_hours, total_hours_basis FROM pathways
                         WHERE pathway_uid = ?""", [pw["uid"]]).fetchall()
    assert p[0] == "BSc (hons) in Computer Science" and p[2] == 8
    exits = [t for (t,) in con.execute("SELECT title FROM pathway_steps WHERE pathway_uid = ? AND is_off_ramp "
                                       "ORDER BY step_no", [pw["uid"]]).fetchall()]
    assert len(p[1]) == 2 and exits == ["CertHE (exit certificate)", "DipHE (exit diploma)"]
    assert p[3] is None and p[4] == "unknown"  # no course states hours: unknown, never 0


def test_illinois_career_pathway_with_has_root_and_an_unshipped_context(tmp_path):
    path = real("pathway_illinois_it.json", tmp_path)
    con, listings, quarantine, log = imported(path, tmp_path)
    assert "read by its bare CTDL terms instead" in log  # "@context": "http://examplePathway.org/"
    assert len(listings) == 1 and quarantine == []  # 36 tree nodes without ctid or owner: supporting, not lost
    uid = listings[0]["uid"]
    parsed = parse_pathway(listings[0]["raw"])
    assert any("resolved by its last segment" in d for d in parsed.defects)  # hasRoot's mistyped host
    rows = con.execute("SELECT ctdl_type, requirement, is_off_ramp FROM pathway_steps WHERE pathway_uid = ?",
                       [uid]).fetchall()
    kinds = collections.Counter(r[0] for r in rows)
    assert kinds == {"Course": 27, "Certification": 6, "Assessment": 3, "Basic": 1}
    assert [r[1] for r in rows if r[0] == "Basic"] == ["destination"]  # the root
    assert sum(1 for r in rows if r[2]) == 6  # the certifications are off-ramps
    parents = {c for (c,) in con.execute("SELECT unnest(parents) FROM pathway_components WHERE pathway_uid = ?",
                                          [uid]).fetchall()}
    assert parents == {uid_for("http://IllinoisExamplePathways.org/paths/719cfee7-d380-4ebd-89ca-f6c143d8a3d5")}


@pytest.mark.parametrize("name, components, conditions, exits, stages", [
    ("pathway_comptia_it_networking_specialist.jsonld", 9, 8, 7, 1),
    ("pathway_badgr_empowering_teaching_excellence.json", 103, 23, 91, 11),
    ("pathway_badgr_french_ba_marketable_skills.json", 53, 29, 29, 23),
])
def test_registry_pathway_examples_keep_their_structure(tmp_path, name, components, conditions, exits, stages):
    path = real(name, tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    con, listings, quarantine, _ = imported(path, tmp_path)
    [pw] = [r for r in listings if r["credential_type"] == "learning_program"]
    source_conditions = [c for n in (doc if isinstance(doc, list) else doc["@graph"])
                         for c in (n.get("ceterms:hasCondition") or [])]
    assert len(source_conditions) == conditions
    rows = con.execute("""SELECT required_number, of_total, targets FROM stack_conditions WHERE pathway_uid = ?
                          ORDER BY condition_id""", [pw["uid"]]).fetchall()
    assert len(rows) == conditions
    # each condition's N and M as published (requiredNumber, else all of its targetComponent list)
    stated = sorted((c.get("ceterms:requiredNumber") or len(c.get("ceterms:targetComponent") or []),
                     len(c.get("ceterms:targetComponent") or [])) for c in source_conditions)
    assert sorted((r[0], r[1]) for r in rows) == stated
    assert all(len(r[2]) == r[1] for r in rows)
    counts = con.execute("""SELECT count(*), count(*) FILTER (WHERE is_exit_award), count(*) FILTER (WHERE is_stage),
                                   count(*) FILTER (WHERE is_destination)
                            FROM pathway_components WHERE pathway_uid = ?""", [pw["uid"]]).fetchone()
    assert counts == (components, exits, stages, 1)
    assert con.execute("SELECT count(*) FROM pathway_steps WHERE pathway_uid = ?", [pw["uid"]]).fetchone()[0] == components


def test_pathways_repo_conditions_example(tmp_path):
    path = real("pathways_repo_PathwayConditions.json", tmp_path)
    con, listings, quarantine, _ = imported(path, tmp_path)
    [pw] = listings  # nameless in the source: named plainly, its structure read
    assert pw["title"].startswith("Untitled pathway") and quarantine == []
    rows = con.execute("""SELECT required_number, of_total FROM stack_conditions WHERE pathway_uid = ?""",
                       [pw["uid"]]).fetchall()
    # "reqNum = 2" read from the operands; the OR group ("one or the other") is 1 of its 2 sub-conditions
    assert sorted(rows) == [(1, 1), (1, 1), (1, 2), (2, 3), (2, 3)]
    req = dict(con.execute("SELECT requirement, count(*) FROM pathway_steps WHERE pathway_uid = ? GROUP BY 1",
                           [pw["uid"]]).fetchall())
    assert req == {"destination": 1, "required": 1, "elective": 4}


def test_two_builds_give_identical_pathway_tables(tmp_path):
    path = real("pathway_heriotwatt_bsc_honours.json", tmp_path)
    dumps = []
    for i in range(2):
        (tmp_path / str(i)).mkdir()
        con, *_ = imported(path, tmp_path / str(i))
        dumps.append({t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                      for t in ("pathways", "pathway_steps", "pathway_components", "pathway_constraints",
                                "stack_conditions", "stack_edges")})
    assert dumps[0] == dumps[1]


# -- the CTDL export: validates against the shared JSON Schemas and reads back the same ---------------------
def structure(con, pathway_uid: str) -> dict:
    """What a pathway is, independent of ids: its components, stages in order, destination, exit awards and
    leaf conditions (N, the titles of the targets)."""
    comps = con.execute("""SELECT title, is_stage, is_destination, is_exit_award, stage_order, component_uid, uid
                           FROM pathway_components WHERE pathway_uid = ? ORDER BY order_no""",
                        [pathway_uid]).fetchall()
    title_of = {}
    for title, *_, cuid, uid in comps:
        title_of[cuid] = title_of[uid] = title
    groups = {g for (g,) in con.execute("SELECT DISTINCT parent_condition_id FROM stack_conditions WHERE pathway_uid = ?",
                                        [pathway_uid]).fetchall()}
    leaves = sorted((n, tuple(sorted(title_of.get(t) or "" for t in targets)))
                    for cid, n, targets in con.execute("""SELECT condition_id, required_number, targets
                        FROM stack_conditions WHERE pathway_uid = ?""", [pathway_uid]).fetchall()
                    if cid not in groups and targets)
    return {"components": sorted(c[0] or "" for c in comps),
            "stages": [c[0] for c in sorted((c for c in comps if c[1]), key=lambda c: c[4])],
            "destinations": sorted(c[0] for c in comps if c[2]),
            "exit_awards": sorted(c[0] for c in comps if c[3]),
            "leaf_conditions": leaves}


@pytest.mark.parametrize("name", ["pathway_heriotwatt_bsc_honours.json", "pathway_badgr_french_ba_marketable_skills.json",
                                  "pathway_comptia_it_networking_specialist.jsonld"])
def test_ctdl_export_validates_and_round_trips(tmp_path, name):
    from pipeline.interchange.ctdl import export_ctdl, validate

    if not (SHARED_CTDL / "jsonschema_ctdl_pathway_2019.json").exists():
        pytest.skip("the CTDL JSON Schemas are in ../shared only (no licence: not vendored)")
    path = real(name, tmp_path)
    (tmp_path / "a").mkdir()
    con, listings, _, _ = imported(path, tmp_path / "a")
    [pw] = [r["uid"] for r in listings if r["credential_type"] == "learning_program"]
    written = export_ctdl(con, tmp_path / "export")
    assert written["pathways"] == 1
    assert validate(tmp_path / "export", SHARED_CTDL) == []
    before = structure(con, pw)
    (tmp_path / "b").mkdir()
    docs = [tmp_path / "export" / "credentials.json", *sorted((tmp_path / "export" / "pathways").glob("*.json"))]
    listings_b, _, _ = scrapy_crawl("ctdl", [d.as_uri() for d in docs], tmp_path / "b" / "feed.jsonl")
    con_b = make_catalogue(str(tmp_path / "b" / "cat.duckdb"), [
        credential(r["uid"], r["title"], r["credential_type"], raw=r["raw"]) for r in listings_b])
    ensure_inputs(con_b, ("credential_skills", "skills"))
    build_derived(con_b, given=("credentials", "credential_skills", "skills"))
    [pw_b] = [u for (u,) in con_b.execute("SELECT DISTINCT pathway_uid FROM pathway_components").fetchall()]
    assert structure(con_b, pw_b) == before
    assert {r["title"] for r in listings_b if r["credential_type"] == "learning_program"} >= {
        next(r["title"] for r in listings if r["uid"] == pw)}


def test_export_of_the_demo_catalogue_validates_and_reads_back(published, tmp_path, monkeypatch):
    """``credcat export --format ctdl`` on the offline demo: every node validates; read back through the ctdl
    spider, every credential keeps its title, description, class and awarding body."""
    from pipeline.cli import main
    from pipeline.interchange.ctdl import ctid_for, validate
    from spiders.providers.ctdl import RECORD_CLASSES

    data, _ = published
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    assert main(["export", "--format", "ctdl", "--out", str(tmp_path / "ctdl")]) == 0
    if (SHARED_CTDL / "jsonschema_ctdl_credential_2019.json").exists():
        assert validate(tmp_path / "ctdl", SHARED_CTDL) == []
    exported = json.loads((tmp_path / "ctdl" / "credentials.json").read_text(encoding="utf-8"))
    assert len({n["ceterms:ctid"] for n in exported}) == len(exported)  # distinct, stable ids
    listings, quarantine, _ = scrapy_crawl("ctdl", [(tmp_path / "ctdl" / "credentials.json").as_uri()],
                                           tmp_path / "back.jsonl")
    back = {r["source_id"]: r for r in listings}
    # hasPart links to the registry are not fetched from a local file (reported, as for any import); a credential
    # whose awarding body no source names (a page stating only recognizedBy) has no ownedBy, which CTDL requires
    owned = [n for n in exported if n.get("ceterms:ownedBy")]
    assert {q["reason"] for q in quarantine} <= {"not_resolved", "missing_field"}
    assert sum(q["reason"] == "missing_field" for q in quarantine) == len(exported) - len(owned)
    assert set(back) == {n["ceterms:ctid"] for n in owned}
    for node in owned:
        r = back[node["ceterms:ctid"]]
        assert (r["title"], r["description"] or "", r["organisation"]) == (
            node["ceterms:name"], node["ceterms:description"], node["ceterms:ownedBy"][0]["ceterms:name"])
        assert r["credential_type"] == RECORD_CLASSES[node["@type"].split(":")[1]]
    assert ctid_for("mslearn:cert-az900") == ctid_for("mslearn:cert-az900").lower()
