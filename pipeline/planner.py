"""Plan the stack of credentials a learner would follow to earn a recognised credential with wanted skills.

Problem: choose a set S of catalogue items (outside what the learner holds, H) so that
- the goal is earned: by default a recognised credential (``GOAL_TYPES``) whose own pathway covers every wanted
  skill; ``to=UID`` names it; ``goal="any"`` drops it, so loose learning opportunities may do;
- every wanted skill is taught *centrally* (``credential_skills.central``; every mapping when that column is
  absent; every mention with ``any_mention``) by S or by what is held, inside the goal's scope: the goal, its
  requirements (recursively) and what prepares for them (``prepares_for``/``credit_towards`` edges) with their
  requirements; when an item in that scope is *named* after a wanted skill (its title maps to it), a step taken
  to learn it must be one of those (a module tagged "Cloud computing" by its provider does not stand in for
  "Describe cloud computing"); the goal, what counts towards its conditions and what is held teach by any central
  mapping;
- every item in S has its requirements met in S ∪ H (CTDL "N of M" conditions with AND/OR groups from
  ``stack_conditions``; else all ``requires``/``part_of`` children from ``stack_edges``); credit already held
  counts towards them;
- the plan is least by the objective (hours, or cost with ``by cost``), ties to the other measure, then steps.

Unknown hours or cost stay unknown (never 0): a plan with any unknown ranks after every fully known plan and
its totals read "at least". Among plans with unknowns an unknown counts, for ordering only, at the median of
the known values of its credential type. A container's own figure counts only what it states beyond its
required parts (a learning path that states the sum of its modules adds 0 h).

Algorithm: exact best-first search. A state is the chosen set; it is expanded on its first open obligation
(goal not earned; a skill not covered: branch on each item that teaches it; an unmet condition: branch on each
target that counts towards it). Every minimal plan is reachable through its own subsets, and the ranking key
never decreases when an item is added, so plans pop in rank order; the first K that are not supersets of an
earlier one are the K best. Past ``node_limit`` expansions it stops (``exact=False``).
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

LEVEL_RANK = {"beginner": 1, "intermediate": 2, "advanced": 3}
GOAL_TYPES = ("certificate", "certification", "micro_credential", "degree_program")
PREP_RELATIONS = ("prepares_for", "credit_towards")
PROFILE_FIELDS = ("workload_hours", "workload_rule", "price_to_earn", "price_to_earn_currency", "price_rate_date",
                  "price_to_earn_original", "price_to_earn_original_currency", "ects", "ects_provenance",
                  "eqf_level", "eu_completeness")


class PlanError(ValueError):
    """Input the planner cannot use (an unknown uid, level or skill); the message names the closest matches."""


@dataclass
class Cond:
    """``required`` of ``targets`` (leaf), or an AND/OR group of ``subs``."""

    required: int = 0
    targets: tuple[str, ...] = ()
    op: str = "AND"
    subs: tuple[Cond, ...] = ()
    cid: str | None = None
    description: str | None = None

    def satisfied(self, have: set[str]) -> bool:
        leaf_ok = sum(1 for t in self.targets if t in have) >= self.required if self.targets else True
        if not self.subs:
            return leaf_ok
        sub_ok = [s.satisfied(have) for s in self.subs]
        return leaf_ok and (any(sub_ok) if self.op == "OR" else all(sub_ok))

    def options(self, have: set[str]) -> list[str]:
        """Items that could each bring this condition closer to being met."""
        out: list[str] = []
        if self.targets and sum(1 for t in self.targets if t in have) < self.required:
            out += [t for t in self.targets if t not in have]
        for s in self.subs:
            if not s.satisfied(have):
                out += s.options(have)
        return list(dict.fromkeys(out))

    def leaves(self) -> list[Cond]:
        return ([self] if self.targets else []) + [x for s in self.subs for x in s.leaves()]


@dataclass
class Item:
    uid: str
    title: str = ""
    hours: float | None = 0.0  # None = unknown
    cost: float | None = 0.0  # None = unknown
    currency: str | None = None
    level: str | None = None
    skills: frozenset[str] = frozenset()  # skill keys that count (central ones unless any_mention)
    conditions: tuple[Cond, ...] = ()
    ctype: str | None = None
    est_hours: float = 0.0  # stands in for unknown hours when ordering plans that have unknowns
    est_cost: float = 0.0
    prepares: tuple[str, ...] = ()  # uids this item prepares for (optional, never required)
    stated_hours: float | None = None  # the record's own figures, before its required parts are taken off
    stated_cost: float | None = None
    named: frozenset[str] = frozenset()  # the skill keys its title maps to (what the item is about)


@dataclass
class PlanStep:
    order: int
    uid: str
    title: str
    credential_type: str | None
    hours: float | None
    cost: float | None
    currency: str | None
    level: str | None
    teaches: list[str]
    reasons: list[str]
    satisfies: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] | None = None


@dataclass
class Plan:
    want: list[str]
    resolved: dict[str, list[str]]
    have: list[str]
    objective: str
    goal: str | None = None
    goal_title: str | None = None
    goal_type: str | None = None
    steps: list[PlanStep] = field(default_factory=list)
    held_used: list[str] = field(default_factory=list)
    total_hours: float = 0.0  # the known part; a lower bound when unknown_hours is not empty
    total_cost: float = 0.0
    currency: str | None = None
    cost_by_currency: dict[str, float] = field(default_factory=dict)
    unknown_hours: list[str] = field(default_factory=list)
    unknown_cost: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    feasible: bool = True
    exact: bool = True
    message: str = ""
    alternatives: list[Plan] = field(default_factory=list)

    @property
    def fully_known(self) -> bool:
        return not self.unknown_hours and not self.unknown_cost

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fully_known"] = self.fully_known
        for a in d["alternatives"]:
            a["fully_known"] = not a["unknown_hours"] and not a["unknown_cost"]
        return d


# -- the pure solver (no database): used by plan() and by the brute-force tests ---------------------------
def plan_key(items: dict[str, Item], uids: Iterable[str], objective: str = "hours") -> tuple:
    """The rank of a set of items; every component only grows when an item is added (the search needs that)."""
    h = c = 0.0
    h_unknown = c_unknown = False
    n = 0
    for u in uids:
        it = items[u]
        n += 1
        h_unknown |= it.hours is None
        c_unknown |= it.cost is None
        h += it.est_hours if it.hours is None else it.hours
        c += it.est_cost if it.cost is None else it.cost
    hours, cost = (h_unknown, round(h, 9)), (c_unknown, round(c, 9))
    first, second = (hours, cost) if objective == "hours" else (cost, hours)
    return (h_unknown or c_unknown, *first, *second, n)


def solve_k(items: dict[str, Item], want: list[frozenset[str]], have: Iterable[str] = (), objective: str = "hours",
            max_hours: float | None = None, max_cost: float | None = None, node_limit: int = 200_000,
            goal: str | None = None, allowed: Iterable[str] | None = None, k: int = 1
            ) -> tuple[list[list[str]], bool]:
    """The ``k`` best minimal sets of uids (best first) that earn ``goal`` (when given) and cover every wanted
    skill group (covered when a held item teaches a key of it, or a chosen one does; a chosen one outside the goal's
    requirements must be named after it when the scope holds such an item), all requirements met, choosing only from ``allowed`` (the scope;
    default: everything); held items count towards skills only inside the scope.
    Limits apply to the known part of hours and cost. Returns (plans, exact)."""
    have_set = set(have)
    scope = set(items) if allowed is None else set(allowed) & set(items)
    pool = scope - have_set
    held_in_scope = have_set & scope

    def key(uids: Iterable[str]) -> tuple:
        return plan_key(items, uids, objective)

    def within_budget(chosen: frozenset[str]) -> bool:
        if max_hours is not None and sum(items[u].hours or 0.0 for u in chosen) > max_hours + 1e-9:
            return False
        if max_cost is not None and sum(items[u].cost or 0.0 for u in chosen) > max_cost + 1e-9:
            return False
        return True

    # per wanted group: when an item in scope is named after it, a step taken only to learn it must be one of
    # those; the goal and what counts towards its conditions teach by every central mapping
    by_name = [any(items[u].named & group for u in pool | held_in_scope) for group in want]
    required = requirements_of(items, [goal]) if goal is not None else set()

    def teaches(u: str, i: int) -> bool:
        return bool((items[u].named if by_name[i] and u not in required else items[u].skills) & want[i])

    teachers = [sorted((u for u in pool if teaches(u, i)), key=lambda u: (key([u]), u)) for i in range(len(want))]

    def obligation(chosen: frozenset[str]) -> list[str] | None:
        """Branches for the first open obligation; [] = dead end; None = a plan (nothing open)."""
        owned = chosen | have_set
        if goal is not None and goal not in owned:
            return [goal] if goal in pool else []
        for i, ts in enumerate(teachers):
            if not (any(teaches(u, i) for u in chosen) or any(items[u].skills & want[i] for u in held_in_scope)):
                return [u for u in ts if u not in chosen]
        for u in sorted(chosen):
            for cond in items[u].conditions:
                if not cond.satisfied(owned):
                    return [o for o in cond.options(owned) if o in pool and o not in chosen]
        return None

    found: list[frozenset[str]] = []
    seen: set[frozenset[str]] = set()
    heap: list[tuple[tuple, tuple[str, ...], frozenset[str]]] = [(key([]), (), frozenset())]
    expansions = 0
    exact = True
    while heap and len(found) < k:
        _, _, chosen = heapq.heappop(heap)
        if chosen in seen:
            continue
        seen.add(chosen)
        if any(f <= chosen for f in found):
            continue  # a superset of a plan already found is not a plan of its own
        expansions += 1
        if expansions > node_limit:
            exact = False
            break
        branches = obligation(chosen)
        if branches is None:
            found.append(chosen)
            continue
        for b in branches:
            nxt = chosen | {b}
            if nxt in seen or not within_budget(nxt):
                continue
            heapq.heappush(heap, (key(nxt), tuple(sorted(nxt)), nxt))
    if not found and not exact:
        greedy = _greedy(obligation, within_budget, key, len(items))
        return ([sorted(greedy)] if greedy is not None else []), False
    return [sorted(f) for f in found], exact


def solve(items: dict[str, Item], want: list[frozenset[str]], have: Iterable[str] = (), objective: str = "hours",
          max_hours: float | None = None, max_cost: float | None = None, node_limit: int = 200_000,
          goal: str | None = None, allowed: Iterable[str] | None = None) -> tuple[list[str] | None, bool]:
    """The best plan of :func:`solve_k` (None when there is none)."""
    plans, exact = solve_k(items, want, have, objective, max_hours, max_cost, node_limit, goal, allowed, 1)
    return (plans[0] if plans else None), exact


def _greedy(obligation, within_budget, key, n: int) -> frozenset[str] | None:
    chosen: frozenset[str] = frozenset()
    for _ in range(n + 1):
        branches = obligation(chosen)
        if branches is None:
            return chosen
        branches = [b for b in branches if within_budget(chosen | {b})]
        if not branches:
            return None
        chosen = chosen | {min(branches, key=lambda b: (key([b]), b))}
    return None


def requirements_of(items: dict[str, Item], start: Iterable[str]) -> set[str]:
    """``start`` and every item that counts towards their conditions, recursively."""
    out: set[str] = set()
    todo = [u for u in start if u in items]
    while todo:
        u = todo.pop()
        if u in out:
            continue
        out.add(u)
        todo += [t for c in items[u].conditions for t in _all_targets(c) if t in items and t not in out]
    return out


def scope_of(items: dict[str, Item], goal: str, prepared_by: dict[str, list[str]]) -> set[str]:
    """The goal, its requirements (recursively), what prepares for any of them, and their requirements."""
    required = requirements_of(items, [goal])
    return required | requirements_of(items, (p for r in required for p in prepared_by.get(r, ())))


def order_steps(items: dict[str, Item], chosen: list[str], have: set[str], goal: str | None = None) -> list[str]:
    """Requirements and preparation first (Kahn's algorithm inside the plan), the goal last; then by level,
    learning before assessment."""
    inside = set(chosen)
    deps = {u: {t for c in items[u].conditions for t in _all_targets(c) if t in inside and t != u} for u in chosen}
    for p in chosen:
        for x in items[p].prepares:
            if x in inside and x != p and p not in deps[x]:
                deps[x].add(p)
    if goal in deps:
        deps[goal] |= inside - {goal}

    def rank(u: str) -> tuple:
        return (LEVEL_RANK.get(items[u].level or "", 9), items[u].ctype == "assessment", u)

    order: list[str] = []
    remaining = {u: set(d) for u, d in deps.items()}
    ready = sorted([u for u in chosen if not remaining[u]], key=rank)
    while ready:
        u = ready.pop(0)
        order.append(u)
        for v, d in remaining.items():
            if u in d:
                d.discard(u)
                if not d and v not in order and v not in ready:
                    ready.append(v)
        ready.sort(key=rank)
    order += [u for u in chosen if u not in order]  # a cycle inside the plan: keep the rest stable
    return order


def _all_targets(c: Cond) -> list[str]:
    return list(c.targets) + [t for s in c.subs for t in _all_targets(s)]


# -- the database side ----------------------------------------------------------------------------------
def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall()}


def read_measures(con) -> dict[str, tuple[float | None, float | None, str | None]]:
    """uid -> (hours, cost, currency): the ONE place the planner reads workload and price (contract 2).
    ``credential_profiles`` (workload_hours, price_to_earn in its reference currency) when the catalogue has
    it, else ``credentials`` (duration_hours, cost_amount, cost_currency). NULL stays None: unknown, not 0."""
    if "credential_profiles" in _tables(con):
        sql = "SELECT uid, workload_hours, price_to_earn, price_to_earn_currency FROM credential_profiles"
    else:
        sql = "SELECT uid, duration_hours, cost_amount, cost_currency FROM credentials"
    def num(v: Any) -> float | None:
        return None if v is None else float(v)

    return {u: (num(h), num(c), cur) for u, h, c, cur in con.execute(sql).fetchall()}


def read_profiles(con) -> dict[str, dict[str, Any]]:
    """The credibility profile of each credential (``credential_profiles``), when the catalogue has one."""
    if "credential_profiles" not in _tables(con):
        return {}
    cols = [c for c in PROFILE_FIELDS if c in _columns(con, "credential_profiles")]
    rows = con.execute(f"SELECT uid, {', '.join(cols)} FROM credential_profiles").fetchall() if cols else []
    return {r[0]: {c: v for c, v in zip(cols, r[1:]) if v is not None} for r in rows}


@dataclass
class Catalogue:
    items: dict[str, Item]
    all_uids: dict[str, str]  # every uid -> title, before the level filter
    mentions: dict[str, set[str]]  # uid -> every skill key mentioned, central or not
    taught: set[str]  # the skill keys that count somewhere, before the level filter
    prepared_by: dict[str, list[str]]
    labels: dict[str, str]
    containers: dict[str, list[str]] = field(default_factory=dict)  # uid -> items that require it


def load_catalogue(con, level: str | None = None, any_mention: bool = False) -> Catalogue:
    """Credentials with their skill keys, requirement conditions, preparation edges and measures."""
    from pipeline.stacking.graph import ensure_inputs

    ensure_inputs(con)
    creds = con.execute("SELECT uid, title, credential_type, level FROM credentials").fetchall()
    measures = read_measures(con)
    central_sql = "coalesce(central, false)" if "central" in _columns(con, "credential_skills") else "true"
    title_sql = "origin = 'title'" if "origin" in _columns(con, "credential_skills") else "false"
    skills: dict[str, set[str]] = {}
    mentions: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}
    for uid, key, central, in_title in con.execute(f"""SELECT uid, skill_key, bool_or({central_sql}),
                                                     bool_or({title_sql}) FROM credential_skills
                                                     WHERE skill_key IS NOT NULL GROUP BY ALL""").fetchall():
        mentions.setdefault(uid, set()).add(key)
        if central or any_mention:
            skills.setdefault(uid, set()).add(key)
            if in_title:
                named.setdefault(uid, set()).add(key)
    # conditions: CTDL ones where stated, else "all required children" from requires/part_of edges
    cond_cols = _columns(con, "stack_conditions")
    desc = "description" if "description" in cond_cols else "NULL"
    cond_rows = con.execute(f"""SELECT parent, condition_id, parent_condition_id, required_number,
                               coalesce(logical_operator, 'AND'), targets, {desc} FROM stack_conditions""").fetchall()
    by_parent: dict[str, list[tuple]] = {}
    for r in cond_rows:
        by_parent.setdefault(r[0], []).append(r)
    req_edges: dict[str, list[str]] = {}
    prepared_by: dict[str, list[str]] = {}
    prepares: dict[str, list[str]] = {}
    for child, parent, relation in con.execute("""SELECT child, parent, relation FROM stack_edges
            WHERE NOT inferred ORDER BY ALL""").fetchall():
        if relation in ("requires", "part_of"):
            req_edges.setdefault(parent, []).append(child)
        elif relation in PREP_RELATIONS:
            prepared_by.setdefault(parent, []).append(child)
            prepares.setdefault(child, []).append(parent)
    max_rank = LEVEL_RANK.get(level or "")
    items: dict[str, Item] = {}
    for uid, title, ctype, lvl in creds:
        if max_rank is not None and LEVEL_RANK.get(lvl or "", 0) > max_rank:
            continue
        if uid in by_parent:
            conds = _build_conditions(by_parent[uid])
        elif uid in req_edges:
            kids = tuple(sorted(set(req_edges[uid])))
            conds = (Cond(required=len(kids), targets=kids, cid=f"{uid}#all"),)
        else:
            conds = ()
        hours, cost, cur = measures.get(uid, (None, None, None))
        items[uid] = Item(uid, title or uid, hours, cost, cur, lvl, frozenset(skills.get(uid, ())), conds, ctype,
                          prepares=tuple(prepares.get(uid, ())), stated_hours=hours, stated_cost=cost,
                          named=frozenset(named.get(uid, ())))
    _own_figures(items)
    _estimates(items)
    containers: dict[str, list[str]] = {}
    for u, it in items.items():
        for t in sorted({t for c in it.conditions for t in _all_targets(c)}):
            containers.setdefault(t, []).append(u)
    return Catalogue(items, {u: t or u for u, t, _, _ in creds}, mentions, set().union(*skills.values()),
                     prepared_by, _labels(con), containers)


def _own_figures(items: dict[str, Item]) -> None:
    """A container whose stated figure covers its cheapest required parts (a learning path stating the sum of
    its modules, a programme fee for all its courses) counts only the rest, so nothing is counted twice; a
    figure below its parts' (an exam fee on a certification) is its own."""
    stated = {attr: {u: getattr(x, attr) for u, x in items.items()} for attr in ("hours", "cost")}
    for it in items.values():
        if not it.conditions:
            continue
        for attr in ("hours", "cost"):
            own = getattr(it, attr)
            if own is None:
                continue
            parts = sum(_least(c, stated[attr]) for c in it.conditions)
            if parts > 0 and own >= parts - 1e-6:
                setattr(it, attr, round(max(0.0, own - parts), 6))


def _least(c: Cond, values: dict[str, float | None]) -> float:
    known = sorted(v for t in c.targets if (v := values.get(t)) is not None)
    leaf = sum(known[:c.required])
    if not c.subs:
        return leaf
    subs = [_least(s, values) for s in c.subs]
    return leaf + (min(subs) if c.op == "OR" else sum(subs))


def _estimates(items: dict[str, Item]) -> None:
    """Stand-ins for unknowns, for ordering plans with unknowns only: the median known value of the type."""
    for attr in ("hours", "cost"):
        by_type: dict[str | None, list[float]] = {}
        for it in items.values():
            if getattr(it, attr) is not None:
                by_type.setdefault(it.ctype, []).append(getattr(it, attr))
        every = [v for vs in by_type.values() for v in vs]
        overall = median(every) if every else 0.0
        for it in items.values():
            if getattr(it, attr) is None:
                setattr(it, f"est_{attr}", float(median(by_type[it.ctype]) if it.ctype in by_type else overall))


def _build_conditions(rows: list[tuple]) -> tuple[Cond, ...]:
    nodes = {r[1]: r for r in rows}
    kids: dict[str | None, list[str]] = {}
    for r in rows:
        kids.setdefault(r[2] if r[2] in nodes else None, []).append(r[1])

    def build(cid: str) -> Cond:
        _, _, _, n, op, targets, description = nodes[cid]
        targets = tuple(targets or ())
        return Cond(required=int(n if n is not None else len(targets)), targets=targets, op=op.upper(),
                    subs=tuple(build(k) for k in kids.get(cid, [])), cid=cid, description=description)

    return tuple(build(c) for c in kids.get(None, []))


def resolve_wants(con, want: list[str]) -> dict[str, list[str]]:
    """Each wanted skill text -> the skill keys that count as teaching it (taxonomy concepts + its text key)."""
    from pipeline.skills import mapping

    ids = _skill_ids(con)
    matched = [[m.skill_id for m in ms] for ms in mapping.match_skills(list(want))]  # the one mapper
    out: dict[str, list[str]] = {}
    for w, found in zip(want, matched):
        keys = [mapping.text_key(w)] + ([w] if w in ids else []) + found
        out[w] = list(dict.fromkeys(keys))
    return out


def _skill_ids(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT skill_id FROM credential_skills WHERE skill_id IS NOT NULL").fetchall()}


def _labels(con) -> dict[str, str]:
    try:
        return dict(con.execute("""SELECT s.skill_id, s.label FROM skills s
                                   WHERE s.skill_id IN (SELECT skill_id FROM credential_skills)""").fetchall())
    except Exception:  # noqa: BLE001 - labels are cosmetic
        return {}


# -- input checks: clear errors with the closest matches -----------------------------------------------------
def _closest(text: str, choices: Iterable[str], limit: int = 3, scorer: str = "WRatio", cutoff: float = 75) -> list[str]:
    from rapidfuzz import fuzz, process, utils

    pool = [c for c in dict.fromkeys(choices) if len(c) >= 3]  # "R" is near everything partially
    return [c for c, _, _ in process.extract(text, pool, scorer=getattr(fuzz, scorer), limit=limit,
                                             processor=utils.default_process, score_cutoff=cutoff)]


def _check_uid(cat: Catalogue, uid: str, what: str) -> None:
    if uid in cat.all_uids:
        return
    by_title = {t: u for u, t in cat.all_uids.items()}
    near = _closest(uid, cat.all_uids, scorer="ratio", cutoff=60) + [by_title[t] for t in _closest(uid, by_title)]
    shown = [f"{u} ({cat.all_uids[u]})" for u in dict.fromkeys(near)][:3]
    raise PlanError(f"unknown credential uid {uid!r} in {what}" +
                    (f"; did you mean: {'; '.join(shown)}?" if shown else "") +
                    " (uids are in `credcat sql \"select uid, title from credentials\"`)")


def _check_level(level: str | None) -> None:
    if level is None or level in LEVEL_RANK:
        return
    near = difflib.get_close_matches(level.lower(), list(LEVEL_RANK), n=1, cutoff=0.5)
    raise PlanError(f"unknown level {level!r}" + (f"; did you mean {near[0]!r}?" if near else "") +
                    f" (levels: {', '.join(LEVEL_RANK)})")


def _check_wants(con, cat: Catalogue, resolved: dict[str, list[str]], any_mention: bool) -> None:
    """A wanted skill nothing in the catalogue teaches is an error; suggest skills that are taught."""
    mentioned = set().union(*cat.mentions.values())
    for w, keys in resolved.items():
        if set(keys) & cat.taught:
            continue  # taught (perhaps only above the level asked: the plan then says so)
        if set(keys) & mentioned and not any_mention:
            n = sum(1 for vs in cat.mentions.values() if set(keys) & vs)
            raise PlanError(f"{w!r} is only mentioned by {n} credential(s), never what one is about; "
                            "add --any-mention to count mentions")
        names = {n for r in con.execute("""SELECT DISTINCT cs.raw, s.label FROM credential_skills cs
                     LEFT JOIN skills s USING (skill_id)""").fetchall() for n in r if n}
        near = _closest(w, {n.casefold(): n for n in sorted(names, reverse=True)}.values())
        raise PlanError(f"no credential in the catalogue teaches {w!r}" +
                        (f"; closest skills taught: {', '.join(repr(n) for n in near)}" if near else ""))


# -- planning ------------------------------------------------------------------------------------------------
def plan(con, want: list[str] | None = None, have: list[str] | None = None, max_hours: float | None = None,
         max_cost: float | None = None, level: str | None = None, objective: str = "hours",
         goal: str = "credential", to: str | None = None, alternatives: int = 2, any_mention: bool = False,
         node_limit: int = 200_000) -> Plan:
    """The best plan (with up to ``alternatives`` others in ``.alternatives``) to earn a recognised credential
    covering ``want`` (``goal="credential"``), to earn ``to``, or only to learn ``want`` (``goal="any"``).
    Raises PlanError on an unknown uid, level or skill."""
    if objective not in ("hours", "cost"):
        raise ValueError("objective must be 'hours' or 'cost'")
    if goal not in ("credential", "any"):
        raise PlanError(f"unknown goal {goal!r} (credential or any)")
    want, have = list(want or []), list(have or [])
    if not want and to is None:
        raise PlanError("give at least one wanted skill, or a destination with --to")
    _check_level(level)
    cat = load_catalogue(con, level=level, any_mention=any_mention)
    for h in have:
        _check_uid(cat, h, "--have")
    if to is not None:
        _check_uid(cat, to, "--to")
    resolved = resolve_wants(con, want)
    _check_wants(con, cat, resolved, any_mention)
    groups = [frozenset(keys) for keys in resolved.values()]
    items = cat.items
    empty = Plan(want=want, resolved=resolved, have=have, objective=objective)
    k = max(0, alternatives) + 1

    if to is not None:
        if to not in items:
            return _infeasible(empty, f"{to} is above level {level!r}")
        goals = [to]
    elif goal == "credential":
        goals = sorted(u for u, it in items.items() if it.ctype in GOAL_TYPES)
    else:
        goals = [None]
    found: list[tuple[tuple, str | None, list[str], bool]] = []
    uncovered_any = True
    for g in goals:
        allowed = scope_of(items, g, cat.prepared_by) if g is not None else None
        coverable = set(items) if allowed is None else allowed
        if any(not any(items[u].skills & grp for u in coverable) for grp in groups):
            continue  # this goal's pathway cannot teach every wanted skill
        uncovered_any = False
        plans, exact = solve_k(items, groups, have, objective, max_hours, max_cost, node_limit, g, allowed, k)
        found += [(plan_key(items, p, objective), g, p, exact) for p in plans]
    if not found:
        if uncovered_any and goals != [None]:
            what = (f"the pathway of {to}" if to else "no recognised credential (" + ", ".join(GOAL_TYPES) + ")")
            uncovered = [w for w, grp in zip(want, groups)
                         if not any(items[u].skills & grp for u in (scope_of(items, to, cat.prepared_by)
                                                                     if to else items))]
            empty.uncovered = uncovered or list(want)
            msg = (f"{what} does not teach: {', '.join(empty.uncovered)}" if to else
                   f"{what} covers all of: {', '.join(want)}; try --goal any for loose learning opportunities")
            return _infeasible(empty, msg)
        if uncovered_any:
            empty.uncovered = [w for w, grp in zip(want, groups) if not any(it.skills & grp for it in items.values())]
            return _infeasible(empty, "nothing at or below the level asked teaches: " + ", ".join(empty.uncovered))
        return _infeasible(empty, "no stack satisfies the limits" +
                           (f" (max hours {max_hours:g})" if max_hours is not None else "") +
                           (f" (max cost {max_cost:g})" if max_cost is not None else ""))
    # the best plan of each goal first (so the alternatives are other credentials), then the rest; a tie goes to
    # the goal of the lower level
    found.sort(key=lambda f: (f[0], LEVEL_RANK.get(items[f[1]].level or "", 9) if f[1] else 0, f[1] or "", f[2]))
    firsts, rest, seen_goals = [], [], set()
    for f in found:
        (rest if f[1] in seen_goals else firsts).append(f)
        seen_goals.add(f[1])
    chosen = (firsts + rest)[:k]
    profiles = read_profiles(con)
    built = [_explain(cat, profiles, want, groups, resolved, have, objective, g, p, exact, g == to)
             for _, g, p, exact in chosen]
    for q in built:  # a limit holds for the known part; say when unknowns could break it
        if max_hours is not None and q.unknown_hours:
            q.message += f"; the unknown hours may take it past --max-hours {max_hours:g}"
        if max_cost is not None and q.unknown_cost:
            q.message += f"; the unknown costs may take it past --max-cost {max_cost:g}"
    best = built[0]
    best.alternatives = built[1:]
    return best


def _infeasible(p: Plan, message: str) -> Plan:
    p.feasible = False
    p.message = message
    return p


def _fmt_hours(h: float | None) -> str:
    return "hours unknown" if h is None else f"{h:.3g} h" if h < 10 else f"{h:.1f} h"


def _fmt_cost(c: float | None, cur: str | None) -> str:
    return "cost unknown" if c is None else "free" if c == 0 else f"{c:g} {cur or ''}".rstrip()


def _explain(cat: Catalogue, profiles: dict, want: list[str], groups: list[frozenset[str]],
             resolved: dict[str, list[str]], have: list[str], objective: str, goal: str | None, chosen: list[str],
             exact: bool, asked: bool) -> Plan:
    items = cat.items
    p = Plan(want=want, resolved=resolved, have=have, objective=objective, goal=goal, exact=exact)
    owned = set(chosen) | set(have)
    if goal is not None:
        p.goal_title, p.goal_type = items[goal].title, items[goal].ctype
    order = order_steps(items, chosen, set(have), goal)
    in_plan = set(chosen)
    held_used: set[str] = set()
    # which conditions each step (or held item) counts towards
    satisfies: dict[str, list[dict[str, Any]]] = {}
    for v in order:
        for c in items[v].conditions:
            for leaf in c.leaves():
                held = [t for t in leaf.targets if t in have]
                for t in leaf.targets:
                    if t in in_plan or t in held:
                        entry = {"parent": v, "parent_title": items[v].title, "condition": leaf.cid,
                                 "description": leaf.description, "required": leaf.required,
                                 "of": len(leaf.targets), "held": len(held)}
                        satisfies.setdefault(t, []).append(entry)
                        if t in held:
                            held_used.add(t)
    scope = scope_of(items, goal, cat.prepared_by) if goal is not None else set(items)
    for grp in groups:
        held_teachers = [h for h in have if h in items and h in scope and items[h].skills & grp]
        if held_teachers and not any(items[u].skills & grp for u in chosen):
            held_used.add(held_teachers[0])
    p.held_used = sorted(held_used)
    offered: set[str] = set()
    for i, u in enumerate(order, 1):
        it = items[u]
        teaches = [w for w, g in zip(want, groups) if it.skills & g]
        reasons: list[str] = []
        if u == goal:
            reasons.append("the destination you asked for" if asked else
                           f"the goal: a recognised {it.ctype.replace('_', ' ') if it.ctype else 'credential'} "
                           f"whose pathway teaches {', '.join(repr(w) for w in want)}")
        reasons += [f"teaches {w!r}" + _label_hint(resolved[w], it.skills, cat.labels) for w in teaches]
        for s in satisfies.get(u, []):
            why = f"{s['required']} of {s['of']} required" + (f", {s['held']} already held" if s["held"] else "")
            reasons.append(f"counts towards {s['parent_title']} [{s['parent']}]" +
                           (f": {s['description']!r}" if s["description"] else "") + f" ({why})")
        for x in it.prepares:
            if x in in_plan:
                reasons.append(f"prepares for {items[x].title} [{x}]")
        if goal is not None and u != goal and not satisfies.get(u) and not any(x in in_plan for x in it.prepares):
            link = [(c, x) for c in cat.containers.get(u, []) for x in items[c].prepares if x in scope]
            if link:
                c, x = link[0]
                reasons.append(f"in the pathway: part of {items[c].title} [{c}], which prepares for "
                               f"{items[x].title} [{x}]")
        if it.stated_hours is not None and it.hours is not None and abs(it.stated_hours - it.hours) > 1e-6:
            reasons.append(f"its record states {_fmt_hours(it.stated_hours)} including its parts; "
                           f"{_fmt_hours(it.hours)} counted beyond them")
        if it.stated_cost is not None and it.cost is not None and abs(it.stated_cost - it.cost) > 1e-6:
            reasons.append(f"its record states {_fmt_cost(it.stated_cost, it.currency)} including its parts; "
                           f"{_fmt_cost(it.cost, it.currency)} counted beyond them")
        prep = [x for x in cat.prepared_by.get(u, []) if x in items and x not in owned and x not in offered]
        offered.update(prep)
        if prep and not any(x in in_plan for x in cat.prepared_by.get(u, [])):
            reasons.append("preparation offered (optional): " + "; ".join(
                f"{items[x].title} [{x}] {_fmt_hours(items[x].stated_hours)}" for x in prep[:3]))
        p.steps.append(PlanStep(i, u, it.title, it.ctype, it.hours, it.cost, it.currency, it.level, teaches,
                                reasons, satisfies.get(u, []), profiles.get(u)))
    p.unknown_hours = [u for u in order if items[u].hours is None]
    p.unknown_cost = [u for u in order if items[u].cost is None]
    p.total_hours = round(sum(items[u].hours or 0.0 for u in order), 4)
    p.total_cost = round(sum(items[u].cost or 0.0 for u in order), 4)
    by_cur: dict[str, float] = {}
    for u in order:
        if items[u].cost:
            by_cur[items[u].currency or "?"] = round(by_cur.get(items[u].currency or "?", 0.0) + items[u].cost, 4)
    p.cost_by_currency = by_cur
    p.currency = next(iter(by_cur)) if len(by_cur) == 1 else ("MIXED" if by_cur else None)
    p.message = _summary(p)
    return p


def _summary(p: Plan) -> str:
    number = {s.uid: str(s.order) for s in p.steps}
    def total(figure: str, unknown: list[str], what: str) -> str:
        """"12 h"; "at least 12 h (hours unknown for step 3)"; "hours unknown" when no step states any."""
        if not unknown:
            return figure
        steps = ", ".join(number[u] for u in unknown)
        if len(unknown) == len(p.steps):
            return f"{what} unknown"
        return f"at least {figure} ({what} unknown for step {steps})"

    hours = total(f"{p.total_hours:g} h", p.unknown_hours, "hours")
    money = " + ".join(f"{v:g} {c}" for c, v in p.cost_by_currency.items()) or "0"
    cost = total(money, p.unknown_cost, "cost")
    out = f"{len(p.steps)} step(s), {hours}, {cost}"
    if not p.exact:
        out += " (search limit reached: best plan found, optimality not proven)"
    return out


def _label_hint(keys: list[str], skills: frozenset[str], labels: dict[str, str]) -> str:
    hit = [k for k in keys if k in skills]
    named = [labels.get(k) for k in hit if labels.get(k)]
    return f" (as {', '.join(named)})" if named else ""


def render_plan(p: Plan) -> str:
    head = (f"Plan for {', '.join(repr(w) for w in p.want) or p.goal}" +
            (f", holding {', '.join(p.have)}" if p.have else "") + f", least {p.objective}")
    if not p.feasible:
        return f"{head}:\n  no plan: {p.message}"
    plans = [p] + p.alternatives
    lines = [head + (f" ({len(plans)} plans; the ones with unknowns come last):" if len(plans) > 1 else ":")]
    for n, q in enumerate(plans, 1):
        title = "Best plan" if n == 1 else f"Alternative {n - 1}"
        goal = (f": earn {q.goal_title} ({(q.goal_type or '').replace('_', ' ')}) [{q.goal}]" if q.goal else
                ": learning opportunities only")
        lines.append(f"\n{title}{goal}")
        if q.held_used:
            lines.append(f"  already held and counted: {', '.join(q.held_used)}")
        if not q.steps:
            lines.append("  nothing more to do: what you hold already covers it")
        for s in q.steps:
            level = f", {s.level}" if s.level else ""
            lines.append(f"  {s.order}. {s.title} [{s.uid}] ({(s.credential_type or '').replace('_', ' ')}{level}): "
                         f"{_fmt_hours(s.hours)}, {_fmt_cost(s.cost, s.currency)}")
            for r in s.reasons:
                lines.append(f"       - {r}")
            if s.profile:
                lines.append("       - profile: " + ", ".join(
                    f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in s.profile.items()))
        lines.append(f"  total: {q.message}")
    return "\n".join(lines)
