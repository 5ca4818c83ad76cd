"""``credcat report --out report.html``: one self-contained HTML page of charts about the catalogue.

Charts are plotly figures; plotly's Python package ships plotly.js, which is inlined once into the page, so
the file opens offline, attached to a mail or from a build artefact. Each chart reads the published
catalogue through the sandboxed query surface (mostly the ``analyst_*`` views). ``CHARTS`` lists them;
tests render the page in headless Chromium and check that every one drew.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _tables(con) -> set[str]:
    return {r[0] for r in _rows(con, "select table_name from information_schema.tables where table_schema = 'main'")}


def composition(con) -> go.Figure:
    rows = _rows(con, "select s.source, c.credential_type, count(distinct c.uid) from credential_sources s "
                      "join credentials c on c.uid = s.credential_uid group by all order by 1, 2")
    providers = sorted({r[0] for r in rows})
    fig = go.Figure()
    for ctype in sorted({r[1] or "unknown" for r in rows}):
        counts = {p: n for p, t, n in rows if (t or "unknown") == ctype}
        fig.add_bar(name=ctype, x=providers, y=[counts.get(p, 0) for p in providers])
    fig.update_layout(barmode="stack", title="Credentials by provider and type", yaxis_title="credentials")
    return fig


def growth(con) -> go.Figure:
    """Credentials first seen per refresh day, cumulative: the catalogue growing across refreshes."""
    rows = _rows(con, "select date_trunc('day', first_seen)::date as day, count(*) from credentials "
                      "where first_seen is not null group by 1 order by 1")
    total, xs, ys = 0, [], []
    for day, n in rows:
        total += n
        xs.append(day.isoformat())
        ys.append(total)
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", name="credentials"))
    fig.update_layout(title="Growth across refreshes (credentials by first seen)", yaxis_title="credentials",
                      xaxis={"type": "category", "title": "refresh day"}, yaxis_rangemode="tozero")
    return fig


def durations(con) -> go.Figure:
    rows = _rows(con, "select bucket, any_value(bucket_order), sum(credentials) from analyst_durations "
                      "group by bucket order by 2")
    fig = go.Figure(go.Bar(x=[r[0] for r in rows], y=[r[2] for r in rows]))
    fig.update_layout(title="Workload distribution (hours of learning)", yaxis_title="credentials")
    return fig


def prices(con) -> go.Figure:
    rows = _rows(con, "select currency, bucket, bucket_order, credentials from analyst_prices order by bucket_order")
    buckets = list(dict.fromkeys(r[1] for r in rows))
    fig = go.Figure()
    for cur in sorted({r[0] for r in rows}):
        counts = {b: n for c, b, _, n in rows if c == cur}
        fig.add_bar(name=cur, x=buckets, y=[counts.get(b, 0) for b in buckets])
    fig.update_layout(barmode="stack", title="Price distribution (primary offer, own currency)",
                      yaxis_title="credentials")
    return fig


def top_skills(con) -> go.Figure:
    rows = _rows(con, "select label, credentials from analyst_skill_coverage order by credentials desc, label limit 20")
    rows = rows[::-1]
    fig = go.Figure(go.Bar(x=[r[1] for r in rows], y=[r[0] for r in rows], orientation="h"))
    fig.update_layout(title="Top skills (credentials teaching each)", xaxis_title="credentials",
                      height=max(400, 24 * len(rows) + 120), margin={"l": 260})
    return fig


def depth(con) -> go.Figure:
    rows = _rows(con, "select max_depth, pathways from analyst_stack_depth order by 1")
    fig = go.Figure(go.Bar(x=[str(r[0]) for r in rows], y=[r[1] for r in rows]))
    fig.update_layout(title="Pathway depth (levels below the destination)", xaxis_title="depth",
                      yaxis_title="pathways")
    return fig


QUALITY_FIELDS = ("description", "workload", "price", "level", "language", "skills", "outcomes", "organisation",
                  "completeness")


def completeness(con) -> go.Figure:
    rows = _rows(con, f"select source, {', '.join(QUALITY_FIELDS)} from analyst_provider_quality order by source")
    fig = go.Figure(go.Heatmap(z=[[v if v is not None else 0 for v in r[1:]] for r in rows], x=list(QUALITY_FIELDS),
                               y=[r[0] for r in rows], zmin=0, zmax=1, colorscale="Viridis",
                               colorbar={"title": "share filled"}))
    fig.update_layout(title="Completeness per provider (share of listings filling each field)")
    return fig


def quarantine(con) -> go.Figure:
    rows = _rows(con, "select source, reason, count(*) from quarantine group by all order by all")
    providers = [r[0] for r in _rows(con, "select source from analyst_provider_quality order by 1")]
    fig = go.Figure()
    for reason in sorted({r[1] for r in rows}):
        counts = {s: n for s, r, n in rows if r == reason}
        fig.add_bar(name=reason, x=providers, y=[counts.get(p, 0) for p in providers])
    if not rows:  # nothing quarantined: say so on an empty axis rather than draw nothing
        fig.add_bar(name="none", x=providers, y=[0] * len(providers))
    fig.update_layout(barmode="stack", title="Quarantine reasons per provider", yaxis_title="records")
    return fig


def pathway_graph(con) -> go.Figure:
    """The deepest pathway (most steps on a tie) drawn as a graph: destination at the top, steps by depth."""
    row = _rows(con, "select pathway_id, destination, title from pathways order by max_depth desc, steps desc, "
                     "pathway_id limit 1")
    fig = go.Figure()
    if not row:
        fig.update_layout(title="No pathway in the catalogue")
        return fig
    pathway_id, destination, title = row[0]
    steps = _rows(con, "select uid, title, depth, via_parent, relation from pathway_steps where pathway_id = ? "
                       "order by depth, step_no", [pathway_id])
    nodes = {destination: (title, 0)}
    for uid, t, d, _, _ in steps:
        nodes.setdefault(uid, (t, d))
    by_depth: dict[int, list[str]] = {}
    for uid, (_, d) in nodes.items():
        by_depth.setdefault(d, []).append(uid)
    pos = {uid: (i - (len(uids) - 1) / 2, -d) for d, uids in by_depth.items() for i, uid in enumerate(uids)}
    ex, ey = [], []
    for uid, _, _, parent, _ in steps:
        if parent in pos and uid in pos:
            ex += [pos[uid][0], pos[parent][0], None]
            ey += [pos[uid][1], pos[parent][1], None]
    fig.add_scatter(x=ex, y=ey, mode="lines", line={"color": "#999"}, hoverinfo="skip", name="stacks into")
    fig.add_scatter(x=[pos[u][0] for u in nodes], y=[pos[u][1] for u in nodes], mode="markers+text",
                    text=[(nodes[u][0] or u)[:40] for u in nodes], textposition="top center",
                    marker={"size": 14}, hovertext=list(nodes), name="credential")
    fig.update_layout(title=f"Pathway to {title}", showlegend=False, height=200 + 110 * len(by_depth),
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


CHARTS: dict[str, tuple[str, Callable]] = {
    "composition": ("Composition by provider and type", composition),
    "growth": ("Growth across refreshes", growth),
    "durations": ("Workload distribution", durations),
    "prices": ("Price distribution", prices),
    "top_skills": ("Top skills", top_skills),
    "depth": ("Pathway depth", depth),
    "completeness": ("Completeness per provider", completeness),
    "quarantine": ("Quarantine reasons per provider", quarantine),
    "pathway_graph": ("A pathway as a graph", pathway_graph),
}


def render(con) -> str:
    """The report page: plotly.js inlined once, one div per chart, and a note of any chart that failed."""
    sections = []
    for key, (heading, build) in CHARTS.items():
        fig = build(con)
        fig.update_layout(template="plotly_white")
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{key}",
                          config={"displaylogo": False, "responsive": True})
        sections.append(f'<section><h2>{html.escape(heading)}</h2>{div}</section>')
    overview = con.execute("select * from analyst_overview").fetchone()
    names = [d[0] for d in con.description]
    facts = "".join(f"<li><b>{html.escape(n)}</b>: {html.escape(str(v))}</li>" for n, v in zip(names, overview))
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>credcat catalogue report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}} section{{margin:2rem 0}}</style>
<script>window.chartErrors=[];window.addEventListener("error",e=>window.chartErrors.push(String(e.message)));</script>
<script>{get_plotlyjs()}</script></head>
<body><h1>credcat catalogue report</h1><p>Generated {generated} from the published catalogue.</p>
<ul>{facts}</ul>
{"".join(sections)}
<script>
window.addEventListener("load", () => setTimeout(() => {{
  const ids = {json.dumps([f"chart-{k}" for k in CHARTS])};
  const drawn = ids.filter(id => document.querySelector("#" + id + " .main-svg"));
  document.body.dataset.charts = ids.length; document.body.dataset.drawn = drawn.length;
  document.body.dataset.errors = window.chartErrors.join(" | ");
}}, 300));
</script></body></html>
"""


def write_report(con, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render(con), encoding="utf-8")
    tmp.replace(out)
    return out
