"""Incremental builds (issue 16 item 2): a build that reuses the published catalogue's work for unchanged
listings publishes exactly what a full build of the same feeds publishes; a missing, older or differently
versioned catalogue means a full build, never an error."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import registry, reuse, warehouse
from pipeline.crawl import latest_run
from pipeline.defs.partitions import FEED_PROVIDERS
from pipeline.imports import import_runs

AT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def feeds(data: Path) -> dict[str, Path]:
    runs = {p: run for p in FEED_PROVIDERS if (run := latest_run(p, data)) is not None}
    runs.update(import_runs(data))
    return runs


def build(data: Path, out: Path, monkeypatch, incremental: bool) -> dict:
    monkeypatch.setenv("CREDCAT_INCREMENTAL", "1" if incremental else "0")
    con = warehouse.fresh_build(out)
    try:
        steps = warehouse.build(con, inputs=warehouse.Build(feeds(data), data / "catalogue.duckdb", AT))
        warehouse.drop_working_tables(con)
    finally:
        con.close()
    return steps


def edit_feeds(data: Path) -> dict[str, str]:
    """Change a few real records of the offline snapshot feeds: a description, a price, a recognition, runs;
    remove one and add one (a copy under a new id). Returns what was done to which uid."""
    done: dict[str, str] = {}
    for _provider, run in sorted(feeds(data).items()):
        path = run / "listings.jsonl"
        records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if len(records) < 6 or len(done) >= 6:
            continue
        first, second, third, fourth, fifth = records[:5]
        first["description"] = (first.get("description") or "") + " Now with a new module on cloud security."
        second["cost_text"] = "Certificate: USD 99"
        third["recognition"] = [{"role": "accredited_by", "name": "Quality and Qualifications Ireland", "id": None}]
        fourth["runs"] = [{"start": "2027-01-15", "pacing_text": "instructor-paced"}]
        new = dict(records[5], source_id=records[5]["source_id"] + "-new", uid=records[5]["uid"] + "-new",
                   title=records[5]["title"] + " (advanced)", url=(records[5].get("url") or "") + "-advanced")
        done.update({first["uid"]: "description", second["uid"]: "cost_text", third["uid"]: "recognition",
                     fourth["uid"]: "runs", fifth["uid"]: "removed", new["uid"]: "added"})
        records = [r for r in records if r is not fifth] + [new]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return done


def published_rows(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in registry.registry().published():
            cols = [r[0] for r in con.execute(f'describe "{table}"').fetchall()]
            select = ", ".join(f'to_json("{c}")::varchar' for c in cols)  # lists, structs, JSON compare as text
            out[table] = (cols, sorted(con.execute(f'select {select} from "{table}"').fetchall(), key=repr))
        return out
    finally:
        con.close()


@pytest.fixture
def data(published, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(published[0], data, ignore=shutil.ignore_patterns("locks", "build", "exports", "httpcache"))
    return data


def test_an_incremental_build_publishes_what_a_full_build_publishes(data, tmp_path, monkeypatch):
    done = edit_feeds(data)
    assert sorted(set(done.values())) == ["added", "cost_text", "description", "recognition", "removed", "runs"]
    inc = build(data, tmp_path / "inc.duckdb", monkeypatch, incremental=True)
    full = build(data, tmp_path / "full.duckdb", monkeypatch, incremental=False)

    # the incremental build reused the unchanged listings and credentials, and only those
    listings = duckdb.connect(str(tmp_path / "inc.duckdb"), read_only=True)
    total = listings.execute("select count(*) from listings").fetchone()[0]
    listings.close()
    changed = sum(1 for v in done.values() if v != "removed")
    assert inc["reuse_listings"]["reused"] == total - changed, inc["reuse_listings"]
    assert inc["map_skills"]["credentials_reused"] > 0.9 * total
    # the new description and the addition are mapped; a price, recognition or runs edit leaves skills alone
    assert 2 <= inc["map_skills"]["credentials_mapped"] <= len(done)
    assert full["reuse_listings"]["reused"] == 0 and full["map_skills"]["credentials_reused"] == 0

    a, b = published_rows(tmp_path / "inc.duckdb"), published_rows(tmp_path / "full.duckdb")
    assert a.keys() == b.keys()
    for table in a:
        assert a[table][0] == b[table][0], f"{table}: other columns"
        assert a[table][1] == b[table][1], f"{table}: other rows"
    # and the edits are there: one change row per edited, added and removed credential
    con = duckdb.connect(str(tmp_path / "inc.duckdb"), read_only=True)
    kinds = dict(con.execute("select change, count(*) from changes where refreshed_at = ? group by 1", [AT]).fetchall())
    con.close()
    assert kinds.get("added", 0) >= 1 and kinds.get("removed", 0) >= 1 and kinds.get("updated", 0) >= 4, kinds


def test_an_unchanged_rebuild_reuses_everything_changes_nothing_and_equals_a_full_build(data, tmp_path, monkeypatch):
    steps = build(data, tmp_path / "again.duckdb", monkeypatch, incremental=True)
    con = duckdb.connect(str(tmp_path / "again.duckdb"), read_only=True)
    total = con.execute("select count(*) from listings").fetchone()[0]
    kinds = con.execute("select count(*) from changes where refreshed_at = ?", [AT]).fetchone()[0]
    con.close()
    assert steps["reuse_listings"]["reused"] == total
    assert steps["map_skills"]["credentials_mapped"] == 0
    assert steps["skill_taxonomy"]["reused"] == 1
    assert steps["match_listings"]["reused_listings"] == total  # no credential type changed: the matcher did not run
    assert kinds == 0
    build(data, tmp_path / "full.duckdb", monkeypatch, incremental=False)
    assert published_rows(tmp_path / "again.duckdb") == published_rows(tmp_path / "full.duckdb")


def reuse_on(data: Path, tmp_path: Path, previous: Path) -> dict:
    con = warehouse.fresh_build(tmp_path / "probe.duckdb")
    try:
        return warehouse.build(con, ["seed_reused_listings"],
                               inputs=warehouse.Build(feeds(data), previous, AT))["reuse_listings"]
    finally:
        con.close()


def test_another_normaliser_version_an_older_catalogue_or_none_means_a_full_build(data, tmp_path):
    published = data / "catalogue.duckdb"
    assert reuse_on(data, tmp_path, published)["reused"] > 200

    other = tmp_path / "other-version.duckdb"
    shutil.copyfile(published, other)
    con = duckdb.connect(str(other))
    con.execute("""update refreshes set versions = json_object('normaliser', 'an older one',
                   'mapper', versions->>'mapper')""")
    con.close()
    assert reuse_on(data, tmp_path, other)["reused"] == 0
    assert reuse_on(data, tmp_path, other)["why"] == "normaliser changed since the published catalogue"

    older = tmp_path / "older.duckdb"  # a catalogue from before versions were kept
    shutil.copyfile(published, older)
    con = duckdb.connect(str(older))
    con.execute("alter table refreshes drop column versions")
    con.close()
    assert reuse_on(data, tmp_path, older)["reused"] == 0

    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a catalogue")
    assert reuse_on(data, tmp_path, broken)["reused"] == 0
    missing = reuse_on(data, tmp_path, tmp_path / "missing.duckdb")
    assert (missing["reused"], missing["why"]) == (0, "no published catalogue")


def test_versions_name_the_code_they_cover():
    v = reuse.versions()
    assert len(v["normaliser"]) == 16
    from pipeline.skills import mapping

    assert v["mapper"].startswith(mapping.MAPPER_VERSION + "+")


def credential_of(path: Path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("select uid, credential_uid from credential_sources").fetchall())
    finally:
        con.close()


def test_matching_only_what_a_change_reaches_equals_a_full_match(data, tmp_path, monkeypatch):
    """Real offline-snapshot records: a member leaves the one merged credential (its title edited), a
    record is edited into a duplicate of another (joins its credential), a copy of a record arrives (a
    new duplicate), and a record with a same_as link is removed. The incremental build matches only the
    records these edits can reach (narrowed matching, set here), and publishes what a full build publishes,
    table by table."""
    monkeypatch.setenv("CREDCAT_INCREMENTAL_MATCH", "1")
    was = credential_of(data / "catalogue.duckdb")
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    merged = con.execute("select list(uid order by uid) from credential_sources group by credential_uid "
                         "having count(*) > 1 order by 1 limit 1").fetchone()[0]
    linked = con.execute("select other_evidence_uid from credential_links order by all limit 1").fetchone()[0]
    # two single coursera courses: the second is edited into a copy of the first; a third gets a new copy
    singles = [u for (u,) in con.execute("""select l.uid from listings as l join credential_sources using (uid)
        where l.source = 'coursera' and l.credential_type = 'course' and credential_uid = l.uid
        order by l.uid""").fetchall() if u != linked]
    con.close()
    target, edited, copied = singles[:3]
    leaving = merged[1]
    runs = feeds(data)
    added = ""
    for provider in ("edx", "coursera"):
        path = runs[provider] / "listings.jsonl"
        records = {r["uid"]: r for r in map(json.loads, path.read_text().splitlines())}
        if leaving in records:
            records[leaving]["title"] = "Introduction to Game Development"
        if target in records:
            same = ("title", "url", "description", "organisation", "platform", "duration_text", "level_text",
                    "language_text")
            records[edited].update({k: records[target].get(k) for k in same})
            added = copied + "-copy"
            records[added] = dict(records[copied], uid=added, source_id=records[copied]["source_id"] + "-copy")
        records.pop(linked, None)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records.values()))
    assert added

    inc = build(data, tmp_path / "inc.duckdb", monkeypatch, incremental=True)
    full = build(data, tmp_path / "full.duckdb", monkeypatch, incremental=False)
    match = inc["match_listings"]
    assert 0 < match["rematched_listings"] < match["reused_listings"], match  # most records were not matched again
    assert "rematched_listings" not in full["match_listings"]

    now = credential_of(tmp_path / "inc.duckdb")
    assert now[merged[0]] != now[leaving]                       # left the merged credential
    assert now[edited] == now[target] and now[added] == now[copied]  # joined; the new duplicate merged
    assert linked not in now
    # untouched credentials keep their ids
    kept = [u for u in now if u in was and u not in (*merged, edited, target, copied)]
    assert sum(now[u] == was[u] for u in kept) == len(kept)

    a, b = published_rows(tmp_path / "inc.duckdb"), published_rows(tmp_path / "full.duckdb")
    for table in a:
        assert a[table] == b[table], f"{table}: incremental and full builds differ"


def test_stored_match_keys_give_the_matchers_result():
    """The matcher reading stored keys (engine.stored_keys, what listing_match_keys keeps) for some records
    and computing the others scores and clusters exactly as computing all of them."""
    from pipeline.matching.engine import dedupe_frame, stored_keys
    from pipeline.matching.synth import generate_catalogue

    df, _ = generate_catalogue(3000, seed=7)
    df = df.drop(columns=[c for c in df.columns if c not in
                          ("id", "title", "organisation", "platform", "url", "description", "duration_hours",
                           "level", "language")])
    full = dedupe_frame(df)
    part = stored_keys(df.iloc[::2])  # half the records' keys stored
    again = dedupe_frame(df, keys=part)
    assert full.clusters.equals(again.clusters)
    assert full.pairs.drop(columns="explanation").equals(again.pairs.drop(columns="explanation"))
    assert full.pairs["explanation"].tolist() == again.pairs["explanation"].tolist()
    assert full.stats["candidate_pairs"] == again.stats["candidate_pairs"] > 1000


def test_narrowed_match_of_a_large_type_equals_a_full_match(tmp_path, monkeypatch):
    """Generated listings of one type, more matched pairs than the library's explanation limit (lowered
    here): a refresh explains every matched pair, so the narrowed run after 1% of the descriptions changed
    gives the full run's clusters, links, evidence and keys, and most records are not matched again."""
    import numpy as np

    from pipeline import resolve
    from pipeline.matching import engine
    from pipeline.matching.synth import generate_catalogue

    monkeypatch.setattr(engine, "EXPLAIN_AUTO_LIMIT", 10)
    monkeypatch.setenv("CREDCAT_INCREMENTAL_MATCH", "1")
    df, _ = generate_catalogue(4000, seed=11)
    df = df[["id", "title", "organisation", "platform", "url", "description", "duration_hours", "level",
             "language"]].rename(columns={"id": "uid"}).assign(credential_type="course")

    def run(path, frame, published, env):
        monkeypatch.setenv("CREDCAT_INCREMENTAL", env)
        con = duckdb.connect(str(path))
        con.register("f", frame)
        con.execute("create table listings as select * from f")
        stats = resolve.match(con, published)
        return con, stats

    con, _ = run(tmp_path / "pub.duckdb", df, None, "0")
    con.execute("""create table credential_sources as select c.uid, c.credential_uid, p.score as match_score,
        p.evidence as match_evidence from seed_clusters as c left join (select uid, arg_max(evidence, (score, evidence))
        as evidence, max(score) as score from (select left_uid as uid, score, evidence from seed_duplicate_pairs
        union all select right_uid, score, evidence from seed_duplicate_pairs) group by uid) as p using (uid)""")
    assert con.execute("select count(*) from credential_sources where match_score is not null "
                       "and match_evidence is null").fetchone()[0] == 0
    con.execute("""create table credential_links as select credential_uid_l as credential_uid, credential_uid_r as
        other_credential_uid, score, left_uid as evidence_uid, right_uid as other_evidence_uid, evidence from seed_links""")
    con.execute("create table refreshes as select 1 as refresh_id, now() as refreshed_at, ?::varchar as versions",
                [json.dumps(reuse.versions())])
    con.close()
    rng = np.random.default_rng(1)
    idx = rng.choice(len(df), size=40, replace=False)
    df.loc[idx, "description"] = df.loc[idx, "description"].fillna("") + " Updated syllabus."
    out = {}
    for name, env in (("full", "0"), ("narrowed", "1")):
        con, stats = run(tmp_path / f"{name}.duckdb", df, tmp_path / "pub.duckdb", env)
        rows = {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in
                ("seed_clusters", "seed_links", "listing_match_keys")}
        # what credential_sources keeps of the duplicate pairs: each member's best score and evidence
        rows["evidence"] = sorted(con.execute("""select uid, max(score), arg_max(evidence, (score, evidence)) from (
            select left_uid as uid, score, evidence from seed_duplicate_pairs union all
            select right_uid, score, evidence from seed_duplicate_pairs) group by uid""").fetchall(), key=repr)
        out[name] = stats, rows
        con.close()
    stats = out["narrowed"][0]
    assert 0 < stats["rematched_listings"] < stats["reused_listings"], stats
    assert not any(k.startswith("whole_type") for k in stats)
    full, narrowed = out["full"][1], out["narrowed"][1]
    assert len(full["evidence"]) > 100 and all(e for _, _, e in full["evidence"])
    for table in full:
        assert full[table] == narrowed[table], table


def test_match_keys_computed_in_chunks_equal_one_pass(monkeypatch):
    """The keys model runs over KEYS_CHUNK listings at a time (its working memory grows with its input);
    a listing's keys are its own, so any chunking gives the same ``listing_match_keys``."""
    from pipeline import resolve
    from pipeline.matching.synth import generate_catalogue

    df, _ = generate_catalogue(400, seed=7, data_dir="/nonexistent")
    listings = pd.DataFrame({"uid": df["id"].astype(str), "title": df["title"], "url": df["url"],
                             "platform": df["platform"], "level": df["level"], "language": df["language"]})
    tables = []
    for chunk in (10_000, 37):
        monkeypatch.setattr(resolve, "KEYS_CHUNK", chunk)
        con = duckdb.connect()
        con.register("frame", listings)
        con.execute("create table listings as select * from frame")
        stats = resolve.build_match_keys(con, None)
        assert stats["keys_computed"] == len(listings) and stats["keys_reused"] == 0
        tables.append(con.execute("select * from listing_match_keys order by uid").fetchall())
        con.close()
    assert len(tables[0]) == len(listings) and tables[0] == tables[1]
