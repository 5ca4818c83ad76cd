"""Listings resolved into credentials inside the refresh: duplicates merged, equivalents linked, checks bite."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline import quality
from pipeline.resolve import ids_stable, readable_ids

CS50 = "edx:learn/computer-science/harvardx-cs50-s-introduction-to-computer-science"
CS50_OLD_SLUG = "edx:learn/computer-science/harvardx-cs50x-introduction-to-computer-science"


def test_duplicate_pages_merge_into_one_credential_with_both_members(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    members = con.execute("select credential_uid, is_primary, match_score, match_evidence from credential_sources "
                          "where uid in (?, ?)", [CS50, CS50_OLD_SLUG]).fetchall()
    assert len(members) == 2 and members[0][0] == members[1][0], "one credential for the two pages"
    assert sorted(m[1] for m in members) == [False, True]
    assert all(m[2] > 0.9 and "title_exact" in m[3] for m in members)
    cred = con.execute("select member_count, member_uids, title from credentials where uid = ?", [members[0][0]]).fetchone()
    assert cred[0] == 2 and sorted(cred[1]) == sorted([CS50, CS50_OLD_SLUG])
    # every listing is in exactly one credential, and listings outnumber credentials by the merges
    n_listings = con.execute("select count(*) from listings").fetchone()[0]
    assert con.execute("select count(*) from credential_sources").fetchone()[0] == n_listings
    assert con.execute("select sum(member_count) from credentials").fetchone()[0] == n_listings


def test_same_course_on_two_platforms_is_linked_not_merged(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    link = con.execute("select credential_uid, other_credential_uid, relation, evidence from credential_links "
                       "where credential_uid like 'coursera:%' and other_credential_uid like 'edx:%michiganx%'").fetchone()
    assert link is not None and link[2] == "same_as" and link[3]
    assert con.execute("select count(*) from credentials where uid in (?, ?)", [link[0], link[1]]).fetchone()[0] == 2


def test_different_types_never_merge(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    # the AZ-900 course and the AZ-900 exam share title and organisation but are different offerings
    uids = [r[0] for r in con.execute("select credential_uid from credential_sources where uid in "
                                      "('mslearn:course.az-900t00', 'mslearn:exam.az-900')").fetchall()]
    assert len(set(uids)) == 2


def test_merged_credentials_follow_survivorship(published):
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    # the longest member description wins; the primary member gives the title
    rows = con.execute("""
        select c.uid, c.description, max(length(l.description)), c.title,
               list(l.title) filter (where s.is_primary)
        from credentials c join credential_sources s on s.credential_uid = c.uid join listings l on l.uid = s.uid
        where c.member_count > 1 group by all""").fetchall()
    assert rows
    for uid, description, longest, title, primary_titles in rows:
        assert length_of(description) == (longest or 0), uid
        assert primary_titles == [title], uid


def length_of(text: str | None) -> int:
    return len(text) if text else 0


def _membership_catalogue(path, rows) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table credential_sources (uid VARCHAR, credential_uid VARCHAR)")
    con.executemany("insert into credential_sources values (?, ?)", rows)
    con.close()


def test_ids_stable_compares_the_build_with_the_published_membership(tmp_path):
    published = tmp_path / "published.duckdb"
    _membership_catalogue(published, [("a:1", "cred_1"), ("a:2", "cred_1"), ("a:3", "a:3"), ("a:4", "cred_4")])
    build = tmp_path / "build.duckdb"
    # cred_1 keeps its members and id, a:3 too; cred_4 gained a member (a new id is allowed)
    _membership_catalogue(build, [("a:1", "cred_1"), ("a:2", "cred_1"), ("a:3", "a:3"), ("a:4", "cred_9"),
                                  ("a:5", "cred_9")])
    with duckdb.connect(str(build)) as con:
        passed, meta = ids_stable(con, published)
        assert passed and meta["compared"] == 2
        # the same members under a new id must fail
        con.execute("update credential_sources set credential_uid = 'cred_2' where credential_uid = 'cred_1'")
        passed, meta = ids_stable(con, published)
        assert not passed and meta["changed"] == 1 and meta["examples"][0]["was"] == "cred_1"
        assert ids_stable(con, tmp_path / "none.duckdb") == (True, {"compared": 0, "changed": 0, "examples": []})


def test_readable_ids_for_new_singletons_only():
    clusters = pd.DataFrame({"id": ["a:1", "a:2", "a:3"], "cluster_id": ["cred_x", "cred_x", "cred_y"]})
    out = readable_ids(clusters, None)
    assert out["cluster_id"].tolist() == ["cred_x", "cred_x", "a:3"]
    previous = pd.DataFrame({"id": ["a:3"], "cluster_id": ["cred_y"]})
    assert readable_ids(clusters, previous)["cluster_id"].tolist() == ["cred_x", "cred_x", "cred_y"]


def test_matcher_checks_fail_on_bad_membership(tmp_path):
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("create table listings as select * from (values ('a:1'), ('a:2'), ('a:3')) t(uid)")
    con.execute("create table credentials as select * from (values ('c1', 60), ('c2', 1)) t(uid, member_count)")
    con.execute("create table credential_sources as select * from (values ('a:1', 'c1'), ('a:1', 'c2'), ('a:2', 'zz')) "
                "t(uid, credential_uid)")
    assert not quality.cluster_size_bounded(con, 50).passed
    assert quality.cluster_size_bounded(con, 60).passed
    outcome = quality.one_credential_per_listing(con)
    assert not outcome.passed
    assert outcome.metadata == {"orphaned": 1, "in_several": 1, "dangling": 1}
