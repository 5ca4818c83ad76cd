"""The change set in the export set (issue 16 item 3): a service that loaded the previous export applies the
delta (delete the removed uids, upsert the changed rows) and holds exactly this export's credentials, whether
one refresh or several happened in between; an export of an unchanged catalogue carries an empty change set."""

from __future__ import annotations

import json

import duckdb

from pipeline import exports
from tests.catalogue_fixture import create_credentials, credential, mslearn_rows
from tests.test_history import publish

TABLES = ["credentials", "changes", "refreshes", "credential_history"]


def _read(export_dir, name):
    con = duckdb.connect()
    try:
        cur = con.execute(f"select * from read_parquet('{(export_dir / (name + '.parquet')).as_posix()}') order by uid")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def _apply(state: dict, export_dir) -> dict:
    """What a downstream service does with a change set: delete the removed uids, upsert the changed rows."""
    for row in _read(export_dir, "change_set"):
        if row["change"] == "removed":
            state.pop(row["uid"])
    for row in _read(export_dir, "change_set_credentials"):
        state[row["uid"]] = row
    return state


def _full(export_dir) -> dict:
    return {r["uid"]: r for r in _read(export_dir, "credentials")}


def test_a_service_applies_the_change_set_and_holds_the_new_export(tmp_path):
    out = tmp_path / "exports"
    rows = mslearn_rows()
    c0 = publish(tmp_path, rows, 0)
    m0 = exports.export_catalogue(c0, out, "e0", tables=TABLES)
    assert m0["change_set"]["counts"] == {"added": len(rows), "updated": 0, "removed": 0}
    assert m0["change_set"]["from_refresh"] is None

    edited = [dict(r, title=r["title"] + " (updated)", duration_hours=9.5) if i == 0 else r for i, r in enumerate(rows)]
    edited = edited[:-1] + [credential("mslearn:new-module", "Describe something new")]
    c1 = publish(tmp_path, edited, 1, previous=c0)
    m1 = exports.export_catalogue(c1, out, "e1", tables=TABLES)
    cs = m1["change_set"]
    assert (cs["from_refresh"], cs["to_refresh"]) == (m0["change_set"]["to_refresh"], "20261202T020000Z")
    assert cs["counts"] == {"added": 1, "updated": 1, "removed": 1}
    delta = {r["uid"]: r for r in _read(out / "e1", "change_set")}
    assert sorted(delta[rows[0]["uid"]]["changed_fields"]) == ["duration_hours", "title"]
    assert delta[rows[-1]["uid"]]["change"] == "removed"
    assert cs["files"]["change_set_credentials"]["rows"] == 2  # the updated and the added row, nothing else
    assert _apply(_full(out / "e0"), out / "e1") == _full(out / "e1")
    # the change set files are in the contract: checksums, and rows valid against their own schemas
    assert exports.verify_export(out / "e1") == [] and exports.validate_export(out / "e1") == []
    schema = json.loads((out / "e1" / "change_set.schema.json").read_text())
    assert schema["properties"]["changed_fields"]["description"]  # documented like the `changes` table

    # the same catalogue exported again: nothing to apply
    m1b = exports.export_catalogue(c1, out, "e1b", tables=TABLES)
    assert m1b["change_set"]["from_refresh"] == m1b["change_set"]["to_refresh"] == cs["to_refresh"]
    assert m1b["change_set"]["counts"] == {"added": 0, "updated": 0, "removed": 0}


def test_a_change_set_spans_every_refresh_since_the_previous_export(tmp_path):
    """Two refreshes, one export: the delta is the net change (a title changed twice is one update; a
    credential added and removed in between is not in it)."""
    out = tmp_path / "exports"
    rows = mslearn_rows()
    c0 = publish(tmp_path, rows, 0)
    exports.export_catalogue(c0, out, "e0", tables=TABLES)
    step1 = [dict(r, title="First edit") if i == 0 else r for i, r in enumerate(rows)]
    step1 += [credential("mslearn:short-lived", "Here for one refresh")]
    c1 = publish(tmp_path, step1, 1, previous=c0)
    step2 = [dict(r, title="Second edit", level="advanced") if i == 0 else r for i, r in enumerate(rows[:-1])]
    c2 = publish(tmp_path, step2, 2, previous=c1)
    m2 = exports.export_catalogue(c2, out, "e2", tables=TABLES)
    cs = m2["change_set"]
    assert cs["counts"] == {"added": 0, "updated": 1, "removed": 1}
    delta = {r["uid"]: r for r in _read(out / "e2", "change_set")}
    assert set(delta) == {rows[0]["uid"], rows[-1]["uid"]}
    assert sorted(delta[rows[0]["uid"]]["changed_fields"]) == ["level", "title"]
    assert _apply(_full(out / "e0"), out / "e2") == _full(out / "e2")


def test_a_catalogue_without_a_change_log_exports_without_a_change_set(tmp_path):
    """A catalogue built before the change log (no `changes` table): the manifest says so (null), no failure."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    create_credentials(con, mslearn_rows())
    con.close()
    m = exports.export_catalogue(path, tmp_path / "exports", "r1", tables=["credentials"])
    assert m["change_set"] is None and exports.verify_export(tmp_path / "exports" / "r1") == []
