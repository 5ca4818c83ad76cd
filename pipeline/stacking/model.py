"""The pathway model of one CTDL pathway: its components, constraints and steps, as table rows.

``pathway_components`` keeps every component (stages, "choose 2 of 9" groups and courses that are not
catalogue credentials included), with its stage, order, requirement and credits; ``pathway_constraints``
keeps each Constraint's left/right values as data; ``int_ctdl_steps`` is one row per (destination,
component) that ``sql/marts/pathway_steps.sql`` publishes beside the steps the stacking graph derives.

Which components count in a destination's totals (``chosen``), the documented rules:

- the destination, every component a chosen component's conditions choose, its children that no condition
  of it names (membership is a requirement), and the components that precede it (stages are passed in
  order) are chosen; exit awards are chosen only when something chosen needs them;
- an "N of M" condition chooses the N cheapest targets: by hours, then cost, unknown figures after known
  ones, then the pathway order; a group of sub-conditions chooses its N (an OR group: 1) cheapest
  sub-conditions the same way, a sub-condition's price being what it would choose;
- a resource counts once however many components stand for it (``counted_*`` is false on the repeats); a
  figure nobody published stays NULL, and the pathway total then says "at least" (``pathways``).
"""

from __future__ import annotations

from typing import Any

from .ctdl import Condition, CtdlPathway

MODEL_DDL = {
    "pathway_components": """CREATE TABLE pathway_components (
        pathway_uid VARCHAR, pathway_name VARCHAR, component_uid VARCHAR, uid VARCHAR, ctdl_type VARCHAR,
        title VARCHAR, description VARCHAR, proxy_for VARCHAR, code VARCHAR, category VARCHAR,
        designation VARCHAR[], stage_uid VARCHAR, stage_name VARCHAR, stage_order INTEGER, order_no INTEGER,
        requirement VARCHAR, required BOOLEAN, is_destination BOOLEAN, is_exit_award BOOLEAN, is_stage BOOLEAN,
        parents VARCHAR[], children VARCHAR[], precedes VARCHAR[], conditions VARCHAR[],
        credits_text VARCHAR, credit_value DOUBLE, credit_unit VARCHAR, progression_level VARCHAR,
        progression_order INTEGER)""",
    "pathway_constraints": """CREATE TABLE pathway_constraints (
        pathway_uid VARCHAR, condition_id VARCHAR, constraint_id VARCHAR, name VARCHAR, description VARCHAR,
        left_source VARCHAR[], left_action VARCHAR, comparator VARCHAR, right_source VARCHAR[],
        right_action VARCHAR)""",
    "int_ctdl_steps": """CREATE TABLE int_ctdl_steps (
        pathway_id VARCHAR, pathway_uid VARCHAR, destination VARCHAR, order_no INTEGER, uid VARCHAR,
        component_uid VARCHAR, title VARCHAR, credential_type VARCHAR, ctdl_type VARCHAR, via_parent VARCHAR,
        relation VARCHAR, requirement VARCHAR, required BOOLEAN, chosen BOOLEAN, condition_id VARCHAR,
        required_number INTEGER, of_total INTEGER, depth INTEGER, stage VARCHAR, stage_order INTEGER,
        credits_text VARCHAR, hours DOUBLE, cost DOUBLE, cost_currency VARCHAR, cost_basis VARCHAR,
        counted_hours BOOLEAN, counted_cost BOOLEAN, hours_missing BOOLEAN, cost_missing BOOLEAN,
        is_off_ramp BOOLEAN)""",
}

_UNKNOWN = float("inf")


def pathway_rows(rec: dict[str, Any], pathway_uid: str, figures: dict[str, tuple], known: dict[str, tuple]
                 ) -> dict[str, list[dict]]:
    """Rows of the three tables for one parsed pathway (``pathway_records``); ``figures``: uid -> (hours,
    cost, currency, cost_basis) from ``int_step_figures``; ``known``: uid -> (title, credential_type, credits_text)."""
    p: CtdlPathway = rec["pathway"]
    uid_of = rec["uid_of"]
    comps = p.components
    roles = {n["uid"]: n for n in rec["nodes"]}
    order = {c: i for i, c in enumerate(p.order, 1)}
    stage_rank = {s: i for i, s in enumerate(p.stages, 1)}
    parents: dict[str, list[str]] = {}
    for cid, comp in comps.items():
        for ch in comp.children:
            parents.setdefault(ch, []).append(cid)
        for cond in _walk(comp.conditions):
            for t in cond.targets:
                if t != cid:
                    parents.setdefault(t, []).append(cid)
    components, constraints = [], []
    for cid in p.order:
        comp = comps[cid]
        role = roles[uid_of(cid)] if uid_of(cid) in roles else {}
        stage = cid if cid in stage_rank else p.stage_of.get(cid)
        level = p.progression_levels.get(comp.progression_level or "")
        components.append({
            "pathway_uid": pathway_uid, "pathway_name": p.name, "component_uid": _cuid(cid, comp),
            "uid": uid_of(cid), "ctdl_type": comp.types[0] if comp.types else None, "title": comp.name,
            "description": comp.description, "proxy_for": comp.proxy_for, "code": comp.code,
            "category": comp.category, "designation": comp.designation,
            "stage_uid": _cuid(stage, comps[stage]) if stage else None,
            "stage_name": comps[stage].name if stage else None, "stage_order": stage_rank.get(stage),
            "order_no": order[cid], "requirement": role.get("requirement"), "required": role.get("required"),
            "is_destination": cid in p.destinations, "is_exit_award": cid in p.exit_awards,
            "is_stage": cid in stage_rank,
            "parents": sorted({_cuid(x, comps[x]) for x in parents.get(cid, [])}),
            "children": [_cuid(x, comps[x]) for x in comp.children if x in comps],
            "precedes": [_cuid(x, comps[x]) for x in comp.precedes],
            "conditions": [rec_cid(uid_of(cid), c.condition_id) for c in comp.conditions],
            # the component's own creditValue, else the catalogue listing it stands for states them
            "credits_text": comp.credits_text or (known.get(uid_of(cid)) or (None,) * 3)[2],
            "credit_value": comp.credit_value, "credit_unit": comp.credit_unit,
            "progression_level": (level[0] if level else None) or comp.progression_level,
            "progression_order": level[1] if level else None,
        })
        for cond in _walk(comp.conditions):
            for k in cond.constraints:
                constraints.append({
                    "pathway_uid": pathway_uid, "condition_id": rec_cid(uid_of(cid), cond.condition_id),
                    "constraint_id": k.id, "name": k.name, "description": k.description,
                    "left_source": k.left_source, "left_action": k.left_action, "comparator": k.comparator,
                    "right_source": k.right_source, "right_action": k.right_action})
    steps = []
    for dest in p.destinations:
        steps += _steps(p, dest, pathway_uid, rec, figures, known, parents, order, stage_rank)
    return {"pathway_components": components, "pathway_constraints": constraints, "int_ctdl_steps": steps}


def rec_cid(owner_uid: str, raw: str) -> str:
    """The condition id ``pathway_records`` gives (``<owner uid>#<stable id>``)."""
    from spiders.ctdl_ids import stable_id

    return f"{owner_uid}#{stable_id(raw) if '#' not in raw else raw.rsplit('#', 1)[-1]}"


def _cuid(cid: str, comp) -> str:
    from .ctdl import uid_for

    return uid_for(cid, ctid=comp.ctid)


def _walk(conds: list[Condition]):
    for c in conds:
        yield c
        yield from _walk(c.sub)


def _steps(p: CtdlPathway, dest: str, pathway_uid: str, rec: dict, figures: dict, known: dict,
           parents: dict[str, list[str]], order: dict[str, int], stage_rank: dict[str, int]) -> list[dict]:
    comps, uid_of = p.components, rec["uid_of"]

    def fig(cid: str) -> tuple:
        return figures.get(uid_of(cid), (None, None, None, "unknown"))

    def price(cids: set[str]) -> tuple:
        hours = [fig(c)[0] for c in cids]
        costs = [fig(c)[1] for c in cids]
        return (sum(h for h in hours if h is not None) + (_UNKNOWN if None in hours else 0),
                sum(c for c in costs if c is not None) + (_UNKNOWN if None in costs else 0))

    preceded_by: dict[str, list[str]] = {}
    for cid, comp in comps.items():
        for nxt in comp.precedes:
            preceded_by.setdefault(nxt, []).append(cid)

    def need(cid: str, acc: set[str]) -> set[str]:
        """``cid`` and everything it needs (see the module docstring), added to ``acc``."""
        if cid in acc:
            return acc
        acc.add(cid)
        comp = comps[cid]
        named = {t for c in _walk(comp.conditions) for t in c.targets}
        for cond in comp.conditions:
            for t in satisfy(cond, set(acc)):
                need(t, acc)
        for ch in comp.children:
            if ch not in named and ch in comps:
                need(ch, acc)
        for before in preceded_by.get(cid, []):
            if not comps[before].is_credential or before in p.destinations:
                need(before, acc)
        return acc

    def satisfy(cond: Condition, have: set[str]) -> list[str]:
        """The targets a condition chooses: its N cheapest targets, or what its N cheapest sub-conditions
        choose (1 for an OR group)."""
        out: list[str] = []
        if cond.targets:
            targets = [t for t in dict.fromkeys(cond.targets) if t in comps]
            n = min(cond.required_number if cond.required_number is not None else len(targets), len(targets))
            ranked = sorted(targets, key=lambda t: (t not in have, *price(need(t, set(have)) - have), order.get(t, 0)))
            out += ranked[:n]
        if cond.sub:
            n = 1 if cond.logical_operator == "OR" else (
                cond.required_number if cond.required_number is not None and not cond.targets else len(cond.sub))
            options = [(s, satisfy(s, have)) for s in cond.sub]

            def cost(opt):
                chosen = set()
                for t in opt[1]:
                    need(t, chosen)
                return (*price(chosen - have), opt[0].condition_id)
            for _, picks in sorted(options, key=cost)[:max(0, min(n, len(options)))]:
                out += picks
        return out

    chosen = need(dest, set())
    # depth: distance from the destination through parents, condition owners and successors
    depth = {dest: 0}
    frontier = [dest]
    while frontier:
        nxt = []
        for c in frontier:
            below = list(comps[c].children) + [t for k in _walk(comps[c].conditions) for t in k.targets]
            below += preceded_by.get(c, [])
            for b in below:
                if b in comps and b not in depth:
                    depth[b] = depth[c] + 1
                    nxt.append(b)
        frontier = sorted(nxt, key=lambda x: order.get(x, 0))
    multi = len(p.destinations) > 1
    pathway_id = f"pw:{pathway_uid}" + (f"#{uid_of(dest)}" if multi else "")
    members = [c for c in p.order if not multi or c in depth or c in chosen]
    roles = {n["uid"]: n for n in rec["nodes"]}
    rows, seen_hours, seen_cost = [], set(), set()
    for cid in members:
        comp = comps[cid]
        uid = uid_of(cid)
        role = roles.get(uid, {})
        cond = role.get("condition")
        hours, cost, currency, basis = fig(cid)
        par = sorted(parents.get(cid, []), key=lambda x: (depth.get(x, 1 << 30), order.get(x, 0)))
        via = None if cid == dest else par[0] if par else (sorted(preceded_by.get(cid, []), key=order.get) or [None])[0]
        relation = ("destination" if cid == dest else "requires" if via and any(
            cid in k.targets for k in _walk(comps[via].conditions)) else "part_of" if via and cid in comps[via].children
            else "precedes" if via else None)
        is_chosen = cid in chosen
        leaf = not comp.children and not comp.conditions and cid not in stage_rank
        counted_h = is_chosen and hours is not None and uid not in seen_hours
        counted_c = is_chosen and cost is not None and uid not in seen_cost
        if counted_h:
            seen_hours.add(uid)
        if counted_c:
            seen_cost.add(uid)
        stage = cid if cid in stage_rank else p.stage_of.get(cid)
        title, ctype, listed_credits = known.get(uid, (None, None, None))
        owner = next((c for c in comps.values() if cond is not None and cond in list(_walk(c.conditions))), None)
        requirement = role.get("requirement")
        if cid == dest:
            requirement = "destination"
        elif requirement == "destination":  # another destination of the same pathway
            requirement = "exit_award"
        rows.append({
            "pathway_id": pathway_id, "pathway_uid": pathway_uid, "destination": uid_of(dest),
            "order_no": order[cid], "uid": uid, "component_uid": _cuid(cid, comp),
            "title": comp.name or title, "credential_type": ctype or role.get("credential_type"),
            "ctdl_type": comp.types[0] if comp.types else None,
            "via_parent": uid_of(via) if via else None, "relation": relation, "requirement": requirement,
            "required": bool(role.get("required")), "chosen": is_chosen,
            "condition_id": rec_cid(uid_of(owner.id), cond.condition_id) if cond is not None and owner else None,
            "required_number": cond.required_number if cond is not None else None,
            "of_total": cond.of_total if cond is not None else None, "depth": depth.get(cid),
            "stage": comps[stage].name if stage else None, "stage_order": stage_rank.get(stage),
            "credits_text": comp.credits_text or listed_credits, "hours": hours, "cost": cost, "cost_currency": currency,
            "cost_basis": basis, "counted_hours": counted_h, "counted_cost": counted_c,
            # a leaf the total needs a figure for (a group, stage or container counts through its parts)
            "hours_missing": is_chosen and leaf and hours is None and uid not in seen_hours,
            "cost_missing": is_chosen and leaf and (cost is None or basis == "at_least") and uid not in seen_cost,
            "is_off_ramp": cid in p.exit_awards or (cid in p.destinations and cid != dest),
        })
    return rows
