"""`credcat dedupe` behaviour on users' files: formats, column mapping, clear errors."""

import io

import pandas as pd
import pytest

from pipeline.matching.cli import DedupeInputError, dedupe_files, run_dedupe_cli

ROWS = pd.DataFrame({
    "id": ["1", "2", "3"],
    "title": ["Financial Markets", "FINANCIAL MARKETS", "Introduction to Psychology"],
    "provider": ["Yale University", "Yale University", "Yale University"],
    "url": ["https://www.coursera.org/learn/fm", "https://coursera.org/learn/fm/", "https://www.coursera.org/learn/psych"],
})


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_dedupe_each_format(tmp_path, suffix):
    src = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        ROWS.to_csv(src, index=False)
    elif suffix == ".jsonl":
        ROWS.to_json(src, orient="records", lines=True)
    else:
        ROWS.to_parquet(src, index=False)
    out = tmp_path / "out.csv"
    err = io.StringIO()
    summary = dedupe_files([src], out, progress=err)
    res = pd.read_csv(out, dtype=str)
    assert list(res.columns) == ["id", "cluster_id"]
    c = dict(zip(res["id"], res["cluster_id"]))
    assert c["1"] == c["2"] != c["3"]
    assert summary["clusters"] == 2
    assert "done" in err.getvalue()


def test_column_mapping_and_truth(tmp_path):
    src = tmp_path / "in.csv"
    ROWS.rename(columns={"title": "name", "provider": "school"}).to_csv(src, index=False)
    truth = tmp_path / "truth.csv"
    pd.DataFrame({"id": ["1", "2", "3"], "cluster_id": ["a", "a", "b"]}).to_csv(truth, index=False)
    err = io.StringIO()
    code = run_dedupe_cli([str(src), "--out", str(tmp_path / "o.csv"), "--title-col", "name", "--provider-col",
                           "school", "--truth", str(truth)], stderr=err)
    assert code == 0
    assert "pairwise P=1.0000 R=1.0000 F1=1.0000" in err.getvalue()


def test_link_two_files(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    ROWS.iloc[:1].to_csv(a, index=False)
    ROWS.iloc[1:].assign(id=["x", "y"]).to_csv(b, index=False)
    out = tmp_path / "links.csv"
    code = run_dedupe_cli([str(a), str(b), "--out", str(out)], stderr=io.StringIO())
    assert code == 0
    links = pd.read_csv(out, dtype=str)
    assert list(links.columns) == ["left_id", "right_id", "score"]
    assert links[["left_id", "right_id"]].values.tolist() == [["1", "x"]]


def test_missing_columns_error(tmp_path):
    src = tmp_path / "in.csv"
    ROWS.drop(columns=["provider"]).to_csv(src, index=False)
    err = io.StringIO()
    assert run_dedupe_cli([str(src), "--out", str(tmp_path / "o.csv")], stderr=err) == 2
    assert "missing required column(s): provider" in err.getvalue()
    with pytest.raises(DedupeInputError, match="'nope'"):
        dedupe_files([src], tmp_path / "o.csv", column_map={"organisation": "nope"}, progress=None)


def test_unreadable_and_missing_files(tmp_path):
    err = io.StringIO()
    assert run_dedupe_cli([str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o.csv")], stderr=err) == 2
    assert "no such file" in err.getvalue()
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"this is not parquet")
    err = io.StringIO()
    assert run_dedupe_cli([str(bad), "--out", str(tmp_path / "o.csv")], stderr=err) == 2
    assert "cannot read as parquet" in err.getvalue()
    odd = tmp_path / "in.xlsx"
    odd.write_text("x")
    with pytest.raises(DedupeInputError, match="unknown file type"):
        dedupe_files([odd], tmp_path / "o.csv", progress=None)
