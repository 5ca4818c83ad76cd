"""Pathways as text trees (what ``credcat pathways`` prints) and as nested dicts (its ``--json``)."""

from __future__ import annotations

from typing import Any


def pathway_tree(con, destination: str) -> dict[str, Any]:
    """The pathway to ``destination`` as a nested dict: each node lists the steps that lead into it."""
    rows = con.execute("""SELECT uid, title, via_parent, relation, requirement, required_number, of_total,
                                 hours, cost, cost_currency, cumulative_hours, step_no, is_off_ramp
                          FROM pathway_steps WHERE destination = ? ORDER BY step_no""", [destination]).fetchall()
    if not rows:
        raise KeyError(f"no pathway leads to {destination!r}")
    nodes = {r[0]: {"uid": r[0], "title": r[1], "relation": r[3], "requirement": r[4],
                    "condition": f"{r[5]} of {r[6]}" if r[5] is not None else None, "hours": r[7],
                    "cost": r[8], "currency": r[9], "cumulative_hours": r[10], "step": r[11],
                    "off_ramp": r[12], "children": []} for r in rows}
    root = nodes.get(destination)
    for r in rows:
        if r[2] is None:
            root = root or nodes[r[0]]
        elif r[2] in nodes and r[0] != destination:
            nodes[r[2]]["children"].append(nodes[r[0]])
    return root or nodes[rows[-1][0]]


def render_tree(node: dict[str, Any], prefix: str = "", last: bool = True, top: bool = True) -> list[str]:
    bits = [node["title"] or node["uid"], f"[{node['uid']}]"]
    if node["hours"] is not None:
        bits.append(f"{node['hours']:g} h")
    if node.get("cost"):
        bits.append(f"{node['cost']:g} {node.get('currency') or ''}".strip())
    tags = []
    if not top:
        tags.append(node["relation"] if node["requirement"] != "recommended" else f"{node['relation']}, optional")
    if node.get("condition"):
        tags.append(f"pick {node['condition']}")
    if node.get("off_ramp"):
        tags.append("off-ramp")
    line = " ".join(bits) + (f" ({'; '.join(tags)})" if tags else "")
    out = [line if top else f"{prefix}{'└── ' if last else '├── '}{line}"]
    kids = node["children"]
    for i, k in enumerate(kids):
        out += render_tree(k, "" if top else prefix + ("    " if last else "│   "), i == len(kids) - 1, False)
    return out


def _amount(value, unit: str, basis: str | None) -> str:
    """``5 h``, ``at least 5 h`` (some steps have no figure) or ``unknown h`` (none has): unknown is never 0."""
    if value is None:
        return f"unknown {unit}".strip()
    return f"{'at least ' if basis == 'at_least' else ''}{value:g} {unit}".strip()


def render_pathway_tree(con, destination: str | None = None, skill: str | None = None, limit: int = 3) -> str:
    """Text for ``credcat pathways --credential ID`` or ``--skill TEXT`` (the top ``limit`` pathways)."""
    if destination:
        tree = pathway_tree(con, destination)
        total = con.execute("SELECT total_hours, total_cost, cost_currency, total_hours_basis, total_cost_basis "
                            "FROM pathways WHERE destination = ? ORDER BY pathway_id", [destination]).fetchone()
        head = f"Pathway to {tree['title']}: {_amount(total[0], 'h', total[3])}, " \
               f"{_amount(total[1], total[2] or '', total[4])}".rstrip()
        return "\n".join([head] + render_tree(tree))
    if skill:
        from pipeline.planner import resolve_wants

        keys = resolve_wants(con, [skill])[skill]
        rows = con.execute("""SELECT destination, min(rank) AS r, any_value(skill_label) FROM skill_pathways
                              WHERE list_contains(?, skill_key) GROUP BY destination ORDER BY r, destination
                              LIMIT ?""", [keys, limit]).fetchall()
        if not rows:
            return f"No pathway teaches {skill!r}."
        parts = [f"Pathways that teach {skill!r} (as {', '.join(sorted({r[2] for r in rows}))}):"]
        for i, (dest, _, _) in enumerate(rows, 1):
            parts.append(f"\n{i}. " + render_pathway_tree(con, destination=dest))
        return "\n".join(parts)
    raise ValueError("give a destination credential or a skill")
