"""Plan the cheapest stack of credentials that covers wanted skills, honouring prerequisites.

Problem: choose a set S of credentials (outside what the learner already holds, H) so that every wanted skill
is taught by S ∪ H, every credential in S has its requirements met inside S ∪ H (``requires``/``part_of``
children, under CTDL "N of M" conditions and AND/OR groups, from ``stack_edges`` + ``stack_conditions``), and
the total of the objective (hours or cost) is least; ties go to the other measure, then fewer steps.

Algorithm: exact branch and bound. A state is the chosen set; it is expanded on its first open obligation
(an uncovered skill: branch on each credential teaching it; or an unmet condition: branch on each target
that would count towards it). Any optimal plan contains one of the branches at every step, so the search is
exact; states are memoised and pruned by the best total found. Past ``node_limit`` expansions it stops and
returns the best plan found so far, marked ``exact=False`` (a greedy first descent guarantees one exists
whenever the problem is feasible). Steps are then ordered so prerequisites come first.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass, field
from typing import Any
from collections.abc import Iterable

LEVEL_RANK = {"beginner": 1, "intermediate": 2, "advanced": 3}


@dataclass
class Cond:
    """``required`` of ``targets`` (leaf), or an AND/OR group of ``subs``."""

    required: int = 0
    targets: tuple[str, ...] = ()
    op: str = "AND"
    subs: tuple[Cond, ...] = ()
    cid: str | None = None

    def satisfied(self, have: set[str]) -> bool:
        leaf_ok = sum(1 for t in self.targets if t in have) >= self.required if self.targets else True
        if not self.subs:
            return leaf_ok
        sub_ok = [s.satisfied(have) for s in self.subs]
        return leaf_ok and (any(sub_ok) if self.op == "OR" else all(sub_ok))

    def options(self, have: set[str]) -> list[str]:
        """Credentials that could each bring this condition closer to being met."""
        out: list[str] = []
        if self.targets and sum(1 for t in self.targets if t in have) < self.required:
            out += [t for t in self.targets if t not in have]
        for s in self.subs:
            if not s.satisfied(have):
                out += s.options(have)
        return list(dict.fromkeys(out))


@dataclass
class Item:
    uid: str
    title: str = ""
    hours: float = 0.0
    cost: float = 0.0
    currency: str | None = None
    level: str | None = None
    skills: frozenset[str] = frozenset()
    conditions: tuple[Cond, ...] = ()
    hours_known: bool = True


@dataclass
class PlanStep:
    order: int
    uid: str
    title: str
    hours: float
    cost: float
    currency: str | None
    level: str | None
    teaches: list[str]
    reasons: list[str]


@dataclass
class Plan:
    want: list[str]
    resolved: dict[str, list[str]]
    have: list[str]
    objective: str
    steps: list[PlanStep] = field(default_factory=list)
    total_hours: float = 0.0
    total_cost: float = 0.0
    currency: str | None = None
    uncovered: list[str] = field(default_factory=list)
    feasible: bool = True
    exact: bool = True
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the pure solver (no database): used by plan() and by the brute-force tests ---------------------------
def solve(items: dict[str, Item], want: list[frozenset[str]], have: Iterable[str] = (), objective: str = "hours",
          max_hours: float | None = None, max_cost: float | None = None, node_limit: int = 200_000
          ) -> tuple[list[str] | None, bool]:
    """Least-objective set of uids covering every wanted skill group (a group is covered when any of its
    keys is taught) with all requirements met. Returns (uids or None if infeasible, exact)."""
    have_set = set(have)

    def weight(uids: Iterable[str]) -> tuple[float, float, int]:
        h = sum(items[u].hours for u in uids)
        c = sum(items[u].cost for u in uids)
        return (h, c, len(list(uids))) if objective == "hours" else (c, h, len(list(uids)))

    def within_budget(chosen: frozenset[str]) -> bool:
        if max_hours is not None and sum(items[u].hours for u in chosen) > max_hours + 1e-9:
            return False
        if max_cost is not None and sum(items[u].cost for u in chosen) > max_cost + 1e-9:
            return False
        return True

    teachers: list[list[str]] = []
    for group in want:
        teachers.append(sorted((u for u, it in items.items() if it.skills & group and u not in have_set),
                               key=lambda u: (weight([u]), u)))

    def obligation(chosen: frozenset[str]) -> list[str] | None:
        """Branches for the first open obligation; [] = dead end; None = feasible (nothing open)."""
        owned = chosen | have_set
        for group, ts in zip(want, teachers):
            if not any(items[u].skills & group for u in owned if u in items):
                return [u for u in ts if u not in chosen]
        for u in sorted(chosen):
            for cond in items[u].conditions:
                if not cond.satisfied(owned):
                    return [o for o in cond.options(owned) if o in items and o not in chosen]
        return None

    best: tuple[tuple, frozenset[str]] | None = None
    seen: set[frozenset[str]] = set()
    heap: list[tuple[tuple, int, frozenset[str]]] = [(weight([]), 0, frozenset())]
    counter = 0
    expansions = 0
    exact = True
    while heap:
        w, _, chosen = heapq.heappop(heap)
        if best is not None and w >= best[0]:
            break  # best-first: nothing cheaper remains
        if chosen in seen:
            continue
        seen.add(chosen)
        expansions += 1
        if expansions > node_limit:
            exact = False
            break
        branches = obligation(chosen)
        if branches is None:
            if best is None or w < best[0]:
                best = (w, chosen)
            continue
        for b in branches:
            nxt = chosen | {b}
            if nxt in seen or not within_budget(nxt):
                continue
            counter += 1
            heapq.heappush(heap, (weight(nxt), counter, nxt))
    if best is None and not exact:
        best_greedy = _greedy(items, obligation, within_budget, weight)
        return (sorted(best_greedy) if best_greedy is not None else None), False
    return (sorted(best[1]) if best else None), exact


def _greedy(items, obligation, within_budget, weight) -> frozenset[str] | None:
    chosen: frozenset[str] = frozenset()
    for _ in range(len(items) + 1):
        branches = obligation(chosen)
        if branches is None:
            return chosen
        branches = [b for b in branches if within_budget(chosen | {b})]
        if not branches:
            return None
        chosen = chosen | {min(branches, key=lambda b: (weight([b]), b))}
    return None


def order_steps(items: dict[str, Item], chosen: list[str], have: set[str]) -> list[str]:
    """Prerequisites first (Kahn's algorithm over requirement targets inside the plan), then by level."""
    inside = set(chosen)
    deps = {u: {t for c in items[u].conditions for t in _all_targets(c) if t in inside and t != u} for u in chosen}
    order: list[str] = []
    ready = sorted([u for u in chosen if not deps[u]], key=lambda u: (LEVEL_RANK.get(items[u].level or "", 9), u))
    remaining = {u: set(d) for u, d in deps.items()}
    while ready:
        u = ready.pop(0)
        order.append(u)
        for v, d in remaining.items():
            if u in d:
                d.discard(u)
                if not d and v not in order and v not in ready:
                    ready.append(v)
        ready.sort(key=lambda x: (LEVEL_RANK.get(items[x].level or "", 9), x))
    order += [u for u in chosen if u not in order]  # a cycle inside the plan: keep the rest stable
    return order


def _all_targets(c: Cond) -> list[str]:
    return list(c.targets) + [t for s in c.subs for t in _all_targets(s)]


# -- the database side ----------------------------------------------------------------------------------
def load_items(con, level: str | None = None) -> dict[str, Item]:
    """Credentials with their skill keys and requirement conditions, from the catalogue tables."""
    from pipeline.stacking.graph import ensure_inputs

    ensure_inputs(con)
    creds = con.execute(
        "SELECT uid, title, duration_hours, cost_amount, cost_currency, level FROM credentials").fetchall()
    known = [h for _, _, h, *_ in creds if h is not None]
    fallback = sorted(known)[len(known) // 2] if known else 1.0  # median: unknown hours are not free
    skills: dict[str, set[str]] = {}
    for uid, key in con.execute("SELECT DISTINCT uid, skill_key FROM credential_skills WHERE skill_key IS NOT NULL").fetchall():
        skills.setdefault(uid, set()).add(key)
    # conditions: CTDL ones where stated, else "all required children" from requires/part_of edges
    cond_rows = con.execute("""SELECT parent, condition_id, parent_condition_id, required_number,
                               coalesce(logical_operator, 'AND'), targets FROM stack_conditions""").fetchall()
    by_parent: dict[str, list[tuple]] = {}
    for r in cond_rows:
        by_parent.setdefault(r[0], []).append(r)
    req_edges: dict[str, list[str]] = {}
    for child, parent in con.execute("""SELECT child, parent FROM stack_edges
            WHERE NOT inferred AND relation IN ('requires', 'part_of')""").fetchall():
        req_edges.setdefault(parent, []).append(child)
    max_rank = LEVEL_RANK.get(level or "", None)
    items: dict[str, Item] = {}
    for uid, title, hours, cost, cur, lvl in creds:
        if max_rank is not None and LEVEL_RANK.get(lvl or "", 0) > max_rank:
            continue
        if uid in by_parent:
            conds = _build_conditions(by_parent[uid])
        elif uid in req_edges:
            kids = tuple(sorted(set(req_edges[uid])))
            conds = (Cond(required=len(kids), targets=kids, cid=f"{uid}#all"),)
        else:
            conds = ()
        items[uid] = Item(uid, title or uid, float(hours if hours is not None else fallback), float(cost or 0.0),
                          cur, lvl, frozenset(skills.get(uid, ())), conds, hours is not None)
    return items


def _build_conditions(rows: list[tuple]) -> tuple[Cond, ...]:
    nodes = {r[1]: r for r in rows}
    kids: dict[str | None, list[str]] = {}
    for r in rows:
        kids.setdefault(r[2] if r[2] in nodes else None, []).append(r[1])

    def build(cid: str) -> Cond:
        _, _, _, n, op, targets = nodes[cid]
        targets = tuple(targets or ())
        return Cond(required=int(n if n is not None else len(targets)), targets=targets, op=op.upper(),
                    subs=tuple(build(k) for k in kids.get(cid, [])), cid=cid)

    return tuple(build(c) for c in kids.get(None, []))


def resolve_wants(con, want: list[str]) -> dict[str, list[str]]:
    """Each wanted skill text -> the skill keys that count as teaching it (taxonomy concepts + its text key)."""
    from pipeline.skills.mapping import SkillMapper, text_key

    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    has_taxonomy = "skills" in tables and con.execute("SELECT count(*) FROM skills").fetchone()[0] > 0
    mapper = SkillMapper.from_connection(con) if has_taxonomy else None
    out: dict[str, list[str]] = {}
    for w in want:
        keys = [text_key(w)]
        if w in _skill_ids(con):
            keys.append(w)
        if mapper is not None:
            keys += [m.skill_id for m in mapper.match_all(w)]
        out[w] = list(dict.fromkeys(keys))
    return out


def _skill_ids(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT skill_id FROM credential_skills WHERE skill_id IS NOT NULL").fetchall()}


def plan(con, want: list[str], have: list[str] | None = None, max_hours: float | None = None,
         max_cost: float | None = None, level: str | None = None, objective: str = "hours",
         node_limit: int = 200_000) -> Plan:
    """The least-hours (or least-cost) ordered set of credentials covering ``want``, given ``have``."""
    if objective not in ("hours", "cost"):
        raise ValueError("objective must be 'hours' or 'cost'")
    have = list(have or [])
    resolved = resolve_wants(con, want)
    items = load_items(con, level=level)
    result = Plan(want=list(want), resolved=resolved, have=have, objective=objective)
    groups = [frozenset(keys) for keys in resolved.values()]
    teachable = [w for w, g in zip(want, groups) if any(it.skills & g for it in items.values())]
    held_keys = set().union(*(items[h].skills for h in have if h in items)) if have else set()
    result.uncovered = [w for w, g in zip(want, groups) if w not in teachable and not (g & held_keys)]
    if result.uncovered:
        result.feasible = False
        result.message = "no credential in the catalogue teaches: " + ", ".join(result.uncovered)
        return result
    chosen, exact = solve(items, groups, have, objective, max_hours, max_cost, node_limit)
    result.exact = exact
    if chosen is None:
        result.feasible = False
        result.message = "no stack satisfies the limits" + (
            f" (max hours {max_hours})" if max_hours is not None else "") + (
            f" (max cost {max_cost})" if max_cost is not None else "")
        return result
    owned = set(have)
    order = order_steps(items, chosen, owned)
    labels = _labels(con)
    needed_by: dict[str, list[str]] = {}
    for u in order:
        for c in items[u].conditions:
            for t in _all_targets(c):
                if t in chosen:
                    n_of = f"{c.required} of {len(c.targets)}" if c.targets else "a condition"
                    needed_by.setdefault(t, []).append(f"required by {u} ({n_of})")
    for i, u in enumerate(order, 1):
        it = items[u]
        teaches = [w for w, g in zip(want, groups) if it.skills & g]
        reasons = [f"teaches {w!r}" + _label_hint(resolved[w], it.skills, labels) for w in teaches]
        reasons += needed_by.get(u, [])
        if not it.hours_known:
            reasons.append("duration unknown: counted at the catalogue median")
        result.steps.append(PlanStep(i, u, it.title, it.hours, it.cost, it.currency, it.level, teaches, reasons))
    result.total_hours = round(sum(items[u].hours for u in chosen), 4)
    result.total_cost = round(sum(items[u].cost for u in chosen), 4)
    currencies = {items[u].currency for u in chosen if items[u].cost}
    result.currency = currencies.pop() if len(currencies) == 1 else ("MIXED" if currencies else None)
    result.message = f"{len(order)} step(s), {result.total_hours:g} h, {result.total_cost:g} {result.currency or ''}".strip()
    if not exact:
        result.message += " (search limit reached: best plan found, optimality not proven)"
    return result


def _labels(con) -> dict[str, str]:
    try:
        return dict(con.execute("""SELECT s.skill_id, s.label FROM skills s
                                   WHERE s.skill_id IN (SELECT skill_id FROM credential_skills)""").fetchall())
    except Exception:  # noqa: BLE001 - labels are cosmetic
        return {}


def _label_hint(keys: list[str], skills: frozenset[str], labels: dict[str, str]) -> str:
    hit = [k for k in keys if k in skills]
    named = [labels.get(k) for k in hit if labels.get(k)]
    return f" (as {', '.join(named)})" if named else ""


def render_plan(p: Plan) -> str:
    lines = [f"Plan for {', '.join(p.want)}" + (f" (holding {', '.join(p.have)})" if p.have else "") +
             f", least {p.objective}:"]
    if not p.feasible:
        return "\n".join(lines + [f"  no plan: {p.message}"])
    for s in p.steps:
        lines.append(f"  {s.order}. {s.title} [{s.uid}] {s.hours:g} h, {s.cost:g} {s.currency or ''}".rstrip())
        for r in s.reasons:
            lines.append(f"       - {r}")
    lines.append(f"  total: {p.message}")
    return "\n".join(lines)
