import duckdb
import pandas as pd

from pipeline.skills.mapping import SkillMapper, map_credential_skills, normalise
from pipeline.skills.taxonomy import load_taxonomy, onet_alt_labels


def test_taxonomy_loads_both_frameworks_with_versions_and_parents():
    con = duckdb.connect()
    counts = load_taxonomy(con)
    assert counts["skills"] > 9000
    rows = dict(con.execute("SELECT framework, count(*) FROM skills GROUP BY 1").fetchall())
    assert rows["esco"] > 1000 and rows["onet"] > 8000
    assert con.execute("SELECT count(*) FROM skills WHERE framework_version IS NULL").fetchone()[0] == 0
    # every parent points at a concept in the table
    assert con.execute("""SELECT count(*) FROM skills s WHERE parent IS NOT NULL
                          AND parent NOT IN (SELECT skill_id FROM skills)""").fetchone()[0] == 0
    assert con.execute("SELECT parent FROM skills WHERE skill_id = 'esco:skill/S1.8.2'").fetchone()[0] == "esco:skill/S1.8"


def test_onet_alt_labels():
    assert "AWS" in onet_alt_labels("Amazon Web Services AWS software")
    assert "Azure" in onet_alt_labels("Microsoft Azure software")
    assert "SQL" not in onet_alt_labels("Windent SQL")
    assert "cloud computing" not in onet_alt_labels("Citrix cloud computing software")


def test_normalise():
    assert normalise("Azure-Virtual_Machines") == "azure virtual machines"
    assert normalise("C++ & C#") == "c++ and c#"


def test_mapper_methods_and_scores():
    m = SkillMapper([("x:1", "onet", "Python", []), ("x:2", "onet", "Microsoft Azure software", ["Azure"]),
                     ("x:3", "esco", "work in teams", ["teamwork"])])
    assert m.match("python", "onet").method == "exact"
    assert m.match("Azure", "onet").method == "alt_label"
    assert m.match("azure virtual machines", "onet").method == "contains"
    assert m.match("team-work", "esco").skill_id == "x:3"  # fuzzy
    assert m.match("gardening", "onet") is None


def test_map_credential_skills_writes_method_score_version(catalogue):
    counts = map_credential_skills(catalogue)
    assert counts["mapped"] > 0
    rows = catalogue.execute("""SELECT method, score, framework_version, skill_key FROM credential_skills
                                WHERE uid = 'mslearn:mod-cloud-concepts' AND origin = 'skills'""").fetchall()
    assert rows and all(r[2] in ("esco-1.1", "onet-28") and 0 < r[1] <= 1 for r in rows)
    origins = {r[0] for r in catalogue.execute("SELECT DISTINCT origin FROM credential_skills").fetchall()}
    assert {"skills", "title", "learning_outcomes"} <= origins


def test_unmapped_strings_keep_a_text_key(catalogue):
    catalogue.execute("UPDATE credentials SET skills = ['zorblax wrangling'] WHERE uid = 'coursera:py-basics'")
    map_credential_skills(catalogue)
    row = catalogue.execute("""SELECT skill_id, method, skill_key FROM credential_skills
                               WHERE uid = 'coursera:py-basics' AND origin = 'skills'""").fetchone()
    assert row == (None, "unmapped", "text:zorblax wrangling")


def test_pandas3_string_column_round_trips_through_duckdb():
    df = pd.DataFrame({"s": pd.Series(["a", "b"], dtype="str")})  # noqa: F841 - read by DuckDB by name
    con = duckdb.connect()
    assert con.execute("SELECT list(s ORDER BY s) FROM df").fetchone()[0] == ["a", "b"]


def test_evaluation_command_prints_precision_and_recall(capsys):
    from evaluation.evaluate_skill_mapping import main

    main([])
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(open(Path("evaluation/skill_mapping_labels.csv"), encoding="utf-8")))
    assert len(rows) >= 200


def test_open_badges_alignments_map_by_uri_and_skip_occupations(catalogue):
    import json

    from pipeline.skills.mapping import map_credential_skills
    from pipeline.skills.taxonomy import load_taxonomy

    load_taxonomy(catalogue)
    sid, uri, label = catalogue.execute("SELECT skill_id, uri, label FROM skills WHERE framework = 'esco' "
                                        "AND list_contains(collections, 'transversal') ORDER BY skill_id LIMIT 1").fetchone()
    uid = catalogue.execute("SELECT uid FROM credentials ORDER BY uid LIMIT 1").fetchone()[0]
    alignments = [
        {"framework": "ESCO", "code": None, "name": "a label that matches nothing lexically", "url": uri},
        {"framework": "O*NET-SOC", "code": "15-1252.00", "name": "Software Developers",
         "url": "https://www.onetonline.org/link/summary/15-1252.00"},
    ]
    catalogue.execute("UPDATE credentials SET alignments = ? WHERE uid = ?", [json.dumps(alignments), uid])
    map_credential_skills(catalogue)
    rows = catalogue.execute("SELECT skill_id, method, score, raw FROM credential_skills WHERE uid = ? "
                             "AND origin = 'alignment'", [uid]).fetchall()
    assert (sid, "alignment_uri", 1.0, "a label that matches nothing lexically") in rows
    assert not any("Software Developers" == r[3] for r in rows), "occupations are not skills"
