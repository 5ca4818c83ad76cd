"""``credcat import``: documents -> their spider -> an import feed of their own -> rebuild, check, publish."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipeline import imports
from pipeline.cli import main
from tests._linked_feeds import FIXTURES

OB = FIXTURES / "openbadges"
DCC = sorted(str(p) for p in OB.glob("dcc_*.json") if p.name != "dcc_endorsement.json")


def test_the_spider_is_told_from_the_document():
    assert imports.detect_spider(str(OB / "dcc_mock_bs_biology.json")) == "openbadges"
    assert imports.detect_spider(str(FIXTURES / "ctdl" / "export_graph.json")) == "ctdl"
    assert imports.detect_spider("https://example.org/badge.json") is None  # never fetched to find out
    assert imports.choose([str(OB / "dcc_teamwork.json")], None, None) == ("openbadges", "openbadges")
    assert imports.choose([str(OB / "dcc_teamwork.json")], "ctdl", "openbadges") == ("ctdl", "openbadges")
    assert imports.choose(["https://example.org/x.json"], "openbadges", None) == ("openbadges", "openbadges")


def test_clear_errors_before_anything_runs(data_dir, capsys):
    assert main(["import", str(OB / "missing.json"), "--spider", "openbadges"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["import", "https://example.org/x.json"]) == 2
    assert "give --spider NAME" in capsys.readouterr().err
    assert main(["import", str(OB / "dcc_teamwork.json"), str(FIXTURES / "ctdl" / "export_graph.json")]) == 2
    assert "different kinds" in capsys.readouterr().err
    assert main(["import", str(OB / "dcc_teamwork.json"), "--as", "nosuch"]) == 2
    assert "unknown provider 'nosuch'" in capsys.readouterr().err
    assert not (data_dir / "raw").exists()


def test_supporting_nodes_alone_are_not_quarantined_and_nothing_is_published(data_dir, capsys):
    code = main(["import", str(OB / "dcc_endorsement.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "accepted 0 listing(s)" in out and "quarantined 0 record(s)" in out
    assert "read 1 supporting node(s)" in out and "FAILED: nothing was accepted" in out
    assert imports.import_runs(data_dir) == {}  # set aside, never built
    assert list((data_dir / "raw" / "openbadges" / "imports" / ".rejected").iterdir())
    assert not (data_dir / "catalogue.duckdb").exists()


def test_import_publishes_the_documents_and_they_stay(data_dir, capsys):
    code = main(["import", *DCC, str(FIXTURES / "openbadges" / "export.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "accepted 6 listing(s)" in out
    assert "Mock Bachelor of Science in Biology (degree_program)" in out
    assert "quarantined 1 record(s)" in out and "[unsafe_address]" in out and "169.254.169.254" in out
    assert "published 6 of them" in out
    [(key, run)] = imports.import_runs(data_dir).items()
    assert key.startswith("openbadges/imports/") and (run / "listings.jsonl").exists() and (run / "stats.json").exists()
    assert not (data_dir / "raw" / "openbadges" / "LATEST").exists()  # the provider's crawl feed is untouched

    def published():
        con = duckdb.connect(str(data_dir / "catalogue.duckdb"), read_only=True)
        try:
            return dict(con.execute("select title, credential_type from listings where source = 'openbadges'").fetchall())
        finally:
            con.close()

    first = published()
    assert first["Mock Bachelor of Science in Biology"] == "degree_program"
    assert first["First Aid at Work"] == "certificate"
    assert len(first) == 6
    # a later rebuild from the feeds on disk (no crawl) keeps the imported documents
    assert main(["refresh", "--no-crawl"]) == 0
    assert published() == first
    # and the published catalogue exports as OB 3.0 Achievements
    capsys.readouterr()
    assert main(["export", "--format", "ob3", "--out", str(data_dir / "ob3")]) == 0
    assert "exported ob3 to" in capsys.readouterr().out
    exported = json.loads((data_dir / "ob3" / "achievements.json").read_text())
    assert {a["name"] for a in exported} == set(first)


def test_a_comma_in_a_url_is_refused_and_one_in_a_path_is_encoded(tmp_path):
    with pytest.raises(imports.ImportFailed, match="comma"):
        imports.as_url("https://example.org/a,b.json")  # the spiders take one comma-separated list
    (tmp_path / "a,b.json").write_text("{}")
    assert imports.as_url(str(tmp_path / "a,b.json")).endswith("/a%2Cb.json")
