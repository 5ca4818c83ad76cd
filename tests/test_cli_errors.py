"""`credcat` with bad input: `validate` counts records (not lines) and fails when nothing would be accepted;
every command answers bad input with one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main

GOOD = dict(source="p", source_id="1", title="T", url="https://x/1", credential_type="course",
            fetched_at="2026-01-01T00:00:00+00:00", source_url="https://x/feed")


def _validate(capsys, path: Path) -> tuple[int, dict]:
    code = main(["validate", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_feed_of_only_invalid_records_fails(tmp_path, capsys):
    feed = tmp_path / "bad.jsonl"
    feed.write_text("\n".join(json.dumps({**GOOD, "source_id": str(i), "title": None}) for i in range(3)))
    code, report = _validate(capsys, feed)
    assert code == 1 and report["accepted"] == 0 and report["quarantined"] == 3 and report["ok"] is False
    assert main(["validate", str(feed)]) == 1
    assert "nothing would be accepted" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "\n\n", "[]"])
def test_an_empty_feed_fails(tmp_path, capsys, content):
    feed = tmp_path / "empty.jsonl"
    feed.write_text(content)
    code, report = _validate(capsys, feed)
    assert code == 1 and report["accepted"] == 0


def test_records_are_counted_not_lines(tmp_path, capsys):
    """Pretty-printed records span many lines; one broken record is one quarantine entry, not one per line."""
    good = json.dumps({**GOOD, "source_id": "a"}, indent=2)
    broken = json.dumps({**GOOD, "source_id": "b"}, indent=2).replace('"title": "T"', '"title": T')
    other = json.dumps({**GOOD, "source_id": "c"}, indent=2)
    feed = tmp_path / "pretty.json"
    feed.write_text("\n".join([good, broken, other]) + "\n")
    code, report = _validate(capsys, feed)
    assert code == 0 and report["accepted"] == 2
    assert report["quarantined"] == 1 and report["reasons"] == {"invalid_json": 1}


def test_a_json_array_counts_its_records(tmp_path, capsys):
    feed = tmp_path / "array.json"
    feed.write_text(json.dumps([{**GOOD, "source_id": str(i)} for i in range(4)], indent=2))
    code, report = _validate(capsys, feed)
    assert code == 0 and report["accepted"] == 4 and report["quarantined"] == 0


def test_non_utf8_lines_are_quarantined_not_a_traceback(tmp_path, capsys):
    feed = tmp_path / "latin1.jsonl"
    lines = [json.dumps({**GOOD, "source_id": "1"}).encode(),
             json.dumps({**GOOD, "source_id": "2", "title": "Caf\u00e9"}, ensure_ascii=False).encode("latin-1"),
             json.dumps({**GOOD, "source_id": "3"}).encode()]
    feed.write_bytes(b"\n".join(lines))
    code, report = _validate(capsys, feed)
    assert code == 0 and report["accepted"] == 2
    assert report["reasons"] == {"invalid_encoding": 1}
    column = lines[1].index(b"\xe9") + 1
    assert report["quarantine"][0]["message"] == f"line 2: not UTF-8 (byte 0xe9 at column {column})"


def test_binary_garbage_and_deep_nesting_are_clear(tmp_path, capsys):
    blob = tmp_path / "blob.jsonl"
    blob.write_bytes(bytes(range(256)) * 10)
    assert main(["validate", str(blob)]) == 1
    capsys.readouterr()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, report = _validate(capsys, deep)
    assert code == 1 and report["reasons"] == {"invalid_json": 1}


# -- every command with bad input -----------------------------------------------------------------------------
@pytest.fixture
def catalogue(data_dir):
    data_dir.mkdir(parents=True)
    path = data_dir / "catalogue.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table credentials as select 'a:1' as uid")
    con.close()
    return path


BAD = {
    "pathways --limit -1": ["pathways", "--skill", "python", "--limit", "-1"],
    "pathways --limit x": ["pathways", "--skill", "python", "--limit", "x"],
    "sql --max-rows 0": ["sql", "select 1", "--max-rows", "0"],
    "sql --timeout -1": ["sql", "select 1", "--timeout", "-1"],
    "sql --timeout nan": ["sql", "select 1", "--timeout", "nan"],
    "sql --timeout inf": ["sql", "select 1", "--timeout", "inf"],
    "plan --max-hours x": ["plan", "--want", "python", "--max-hours", "x"],
    "plan --max-hours -5": ["plan", "--want", "python", "--max-hours", "-5"],
    "plan --max-cost nan": ["plan", "--want", "python", "--max-cost", "nan"],
    "unknown command": ["nope"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_arguments_are_one_line_usage_errors(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(BAD[name])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("credcat") and "error:" in err[-1] and "Traceback" not in "\n".join(err)


def test_export_of_an_existing_id_is_a_clear_error(catalogue, tmp_path, capsys):
    out = tmp_path / "exports"
    (out / "r1").mkdir(parents=True)
    assert main(["export", "--out", str(out), "--refresh-id", "r1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "already exists" in err


def test_export_of_a_catalogue_missing_tables_is_a_clear_error(catalogue, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "exports"), "--refresh-id", "r2"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "missing tables" in err


def test_export_to_an_unwritable_place_is_a_clear_error(catalogue, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["export", "--out", str(blocker / "sub")]) == 2
    assert "\n" not in capsys.readouterr().err.strip()


def test_a_file_that_is_not_a_catalogue_is_a_clear_error(data_dir, capsys):
    data_dir.mkdir(parents=True)
    (data_dir / "catalogue.duckdb").write_bytes(b"\xff" * 5000)
    for argv in (["sql", "select 1"], ["describe"], ["plan", "--want", "python"], ["pathways", "--skill", "x"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "cannot open the catalogue" in err, argv


def test_coverage_of_an_unknown_table_and_an_empty_plan_are_clear(catalogue, capsys):
    assert main(["describe", "--coverage", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope" in err and "Traceback" not in err
    assert main(["plan", "--want", " , "]) == 2
    assert "at least one skill" in capsys.readouterr().err


def test_validate_a_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["sql", "select '\udcff'"], ["describe", "\udcff"], ["plan", "--want", "\udcff"],
                                  ["pathways", "--skill", "\udcff"]])
def test_arguments_that_are_not_utf8_are_a_clear_error(catalogue, capsys, argv):
    """`credcat sql $'\\xff'`: Python hands the undecodable byte on as a lone surrogate, which DuckDB cannot take."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "not valid UTF-8" in err


def test_a_missing_providers_file_is_a_clear_error(data_dir, capsys, monkeypatch):
    from spiders import config

    monkeypatch.setattr(config, "CONFIG_PATH", data_dir / "nope.toml")
    config.load.cache_clear()
    try:
        assert main(["refresh", "--offline"]) == 2
    finally:
        config.load.cache_clear()
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope.toml" in err
