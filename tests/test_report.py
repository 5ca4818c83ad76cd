"""`credcat report` on the real demo catalogue: one self-contained file whose charts all draw in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from pipeline import cli, query
from pipeline.report import CHARTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(published, tmp_path_factory):
    data, _ = published
    out = tmp_path_factory.mktemp("report") / "report.html"
    mp = pytest.MonkeyPatch()
    mp.setenv("CREDCAT_DATA_DIR", str(data))
    mp.delenv("CREDCAT_CATALOGUE", raising=False)
    try:
        assert cli.main(["report", "--out", str(out)]) == 0
    finally:
        mp.undo()
    return out


def test_report_is_one_self_contained_file(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)  # nothing fetched from anywhere
    for key in CHARTS:
        assert f'id="chart-{key}"' in page
    assert "Plotly.newPlot" in page


def test_the_pathway_graph_is_the_deepest_pathway(published):
    from pipeline.report import pathway_graph

    data, _ = published
    con = query.connect(data / "catalogue.duckdb")
    try:
        depth, title = con.execute("select max_depth, title from pathways order by max_depth desc, steps desc, "
                                   "pathway_id limit 1").fetchone()
        fig = pathway_graph(con)
    finally:
        con.close()
    assert title in fig.layout.title.text
    assert len(fig.data[1].x) >= depth + 1  # the destination and at least one credential per level


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_every_chart_draws_in_headless_chromium(report, tmp_path):
    profile = tmp_path / "profile"
    profile.mkdir()
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=180, check=True).stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert f'data-charts="{len(CHARTS)}"' in body, body
    assert f'data-drawn="{len(CHARTS)}"' in body, body
    assert 'data-errors=""' in body, body
    for key in CHARTS:  # each chart's div holds the SVG plotly drew
        start = dom.index(f'id="chart-{key}"')
        assert 'class="main-svg"' in dom[start:start + 20000], key
