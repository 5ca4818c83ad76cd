"""The change feed and history (issue 16): an unchanged re-refresh yields zero changes; an edit, an addition and
a removal are each reported once, with the columns that changed; history keeps every version."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from pipeline import history, warehouse
from tests.catalogue_fixture import create_credentials, credential, mslearn_rows

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def publish(tmp_path, rows, n, previous=None, **row_changes):
    """Build `changes` + `credential_history` from ``rows`` against the ``previous`` catalogue file."""
    path = tmp_path / f"catalogue-{n}.duckdb"
    con = duckdb.connect(str(path))
    create_credentials(con, rows)
    warehouse.build(con, ["changes", "credential_history"], given=("credentials",),
                    inputs=warehouse.Build(published_path=previous, refreshed_at=T0 + timedelta(days=n)))
    con.close()
    return path


def rows_of(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_first_refresh_adds_everything_and_an_unchanged_rerefresh_changes_nothing(tmp_path):
    rows = mslearn_rows()
    first = publish(tmp_path, rows, 0)
    assert rows_of(first, "select count(*), min(change), max(change) from changes")[0] == (len(rows), "added", "added")
    # the same content fetched again later from another address (the offline server's port changes every run)
    again = [dict(r, fetched_at="2026-12-02T00:00:00Z", source_url=r["source_url"].replace("example.test", "127.0.0.1:4242"))
             for r in rows]
    second = publish(tmp_path, again, 1, previous=first)
    con = duckdb.connect(str(second), read_only=True)
    feed = history.read_changes(con)
    con.close()
    assert feed["counts"] == {"added": 0, "updated": 0, "removed": 0}
    assert feed["changes"] == []
    # the log of the first refresh is carried over
    assert rows_of(second, "select count(*) from changes")[0][0] == len(rows)
    assert rows_of(second, "select count(*), count(valid_to) from credential_history")[0] == (len(rows), 0)


def test_updates_additions_and_removals_are_reported_with_the_changed_columns(tmp_path):
    rows = mslearn_rows()
    first = publish(tmp_path, rows, 0)
    edited = [dict(r, title=r["title"] + " (updated)", duration_hours=9.5) if i == 0 else r for i, r in enumerate(rows)]
    edited = edited[:-1] + [credential("mslearn:new-module", "Describe something new")]
    second = publish(tmp_path, edited, 1, previous=first)
    con = duckdb.connect(str(second), read_only=True)
    feed = history.read_changes(con)
    since = history.read_changes(con, since="20261201T000000Z")
    con.close()
    assert feed["counts"] == {"added": 1, "updated": 1, "removed": 1}
    by = {c["change"]: c for c in feed["changes"]}
    assert by["updated"]["uid"] == rows[0]["uid"]
    assert sorted(by["updated"]["changed_fields"]) == ["duration_hours", "title"]
    assert by["removed"]["uid"] == rows[-1]["uid"] and by["removed"]["content_hash"] is None
    assert by["added"]["uid"] == "mslearn:new-module" and by["added"]["previous_hash"] is None
    assert since["counts"]["added"] == len(rows) + 1  # both refreshes after the given time
    json.dumps(feed)  # the feed is plain JSON
    hist = rows_of(second, f"select version, valid_to is null, refresh_to from credential_history "
                           f"where uid = '{rows[0]['uid']}' order by version")
    assert hist == [(1, False, "20261202T020000Z"), (2, True, None)]
    assert rows_of(second, f"select valid_to is not null from credential_history where uid = '{rows[-1]['uid']}'") == [(True,)]


def test_since_must_be_a_refresh_id_or_a_time(tmp_path):
    first = publish(tmp_path, mslearn_rows(), 0)
    con = duckdb.connect(str(first), read_only=True)
    with pytest.raises(ValueError, match="neither a refresh id"):
        history.read_changes(con, since="last tuesday")
    con.close()


def test_an_unchanged_offline_rerefresh_reports_zero_changes(published, tmp_path, monkeypatch, capsys):
    """End to end: the same snapshots crawled again (another loopback port, later fetch times) change nothing."""
    import shutil

    from pipeline import cli
    from pipeline.refresh import refresh

    data = tmp_path / "data"
    shutil.copytree(published[0], data, ignore=shutil.ignore_patterns("locks", "build"))
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(data))
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli.main(["changes", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["counts"]["added"] > 200 and first["counts"]["updated"] == 0
    report = refresh(offline=True)
    assert report.published
    assert cli.main(["changes", "--json"]) == 0
    feed = json.loads(capsys.readouterr().out)
    assert len(feed["refreshes"]) == 2
    assert feed["counts"] == {"added": 0, "updated": 0, "removed": 0}, feed["changes"][:5]


def test_a_change_only_the_json_shows_is_still_an_update(tmp_path):
    """The hash that picks the rows to compare must not hide a change the JSON comparison sees: 0.0 and
    -0.0 are equal (and hash alike) but their JSON differs, so a duration going from one to the other is an
    update, as it was when every row was compared."""
    rows = [dict(r, duration_hours=0.0) for r in mslearn_rows()]
    first = publish(tmp_path, rows, 0)
    edited = [dict(r, duration_hours=-0.0) if i == 0 else r for i, r in enumerate(rows)]
    second = publish(tmp_path, edited, 1, previous=first)
    changed = rows_of(second, "select uid, changed_fields from changes where refresh_id = '20261202T020000Z'")
    assert changed == [(rows[0]["uid"], ["duration_hours"])]
