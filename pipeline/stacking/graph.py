"""The Python parts of the stacking graph: CTDL pathway edges and conditions, and cycle detection.

The tables are built by the runner (pipeline.warehouse, producers in pipeline.registry): the steps
``ctdl_pathways`` (:func:`load_ctdl_pathways`) and ``stack_cycles`` (:func:`find_stack_cycles`) here, the SQL
models ``int_stack_edges_*``, ``stack_edges``, ``int_pathway_requirements`` and the pathway marts in ``sql/``.

Inputs: ``credentials`` (Listing columns + uid); optionally ``credential_skills`` (for inferred edges and
``skill_pathways``), ``stack_edges_external`` (child, parent, relation, evidence, source: edges stated by
parsers other than the Listing references, e.g. CTDL, Open Badges alignments, CLR relations) and
``stack_conditions`` (parent, condition_id, parent_condition_id, required_number, logical_operator,
targets VARCHAR[], description, source: CTDL "N of M" conditions).

Outputs:
``stack_edges``   child, parent, relation (part_of | prepares_for | credit_towards | requires), evidence,
                  source, inferred, confidence, in_cycle
``stack_cycles``  cycle_id, members VARCHAR[], edges VARCHAR[], explicit BOOLEAN, action
``pathway_steps``, ``pathways``, ``skill_pathways`` (see sql/marts/*.sql and docs/skills_and_pathways.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

RELATIONS = ("part_of", "prepares_for", "credit_towards", "requires")

EXTERNAL_DDL = """
CREATE TABLE IF NOT EXISTS stack_edges_external (
    child VARCHAR NOT NULL, parent VARCHAR NOT NULL, relation VARCHAR NOT NULL,
    evidence VARCHAR, source VARCHAR NOT NULL
)"""
CONDITIONS_DDL = """
CREATE TABLE IF NOT EXISTS stack_conditions (
    parent VARCHAR NOT NULL, condition_id VARCHAR NOT NULL, parent_condition_id VARCHAR,
    required_number INTEGER, logical_operator VARCHAR DEFAULT 'AND', targets VARCHAR[],
    description VARCHAR, source VARCHAR, pathway_uid VARCHAR, of_total INTEGER, name VARCHAR,
    number_stated BOOLEAN, constraint_count INTEGER
)"""
CREDENTIAL_SKILLS_EMPTY = """
CREATE TABLE IF NOT EXISTS credential_skills (
    uid VARCHAR, skill_id VARCHAR, framework VARCHAR, raw VARCHAR, origin VARCHAR, method VARCHAR,
    score DOUBLE, matched_label VARCHAR, framework_version VARCHAR, skill_key VARCHAR
)"""
SKILLS_EMPTY = """
CREATE TABLE IF NOT EXISTS skills (skill_id VARCHAR, framework VARCHAR, code VARCHAR, label VARCHAR,
    alt_labels VARCHAR[], parent VARCHAR, framework_version VARCHAR)"""


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def ensure_inputs(con, names: Iterable[str] = ("stack_edges_external", "stack_conditions", "credential_skills",
                                               "skills")) -> None:
    """Create the optional input tables that are missing (only those, so a read-only catalogue works)."""
    present = _tables(con)
    ddl = {"stack_edges_external": EXTERNAL_DDL, "stack_conditions": CONDITIONS_DDL,
           "credential_skills": CREDENTIAL_SKILLS_EMPTY, "skills": SKILLS_EMPTY}
    for name in names:
        if name not in present:
            con.execute(ddl[name])


CONDITION_COLUMNS = ("parent", "condition_id", "parent_condition_id", "required_number", "logical_operator",
                     "targets", "description", "source", "pathway_uid", "of_total", "name", "number_stated",
                     "constraint_count")


def add_external_edges(con, edges: Iterable[dict], conditions: Iterable[dict] = ()) -> None:
    """Append edges / conditions stated by a parser (CTDL, Open Badges, CLR) to the graph's inputs."""
    ensure_inputs(con, ("stack_edges_external", "stack_conditions"))
    rows = []
    for e in edges:
        if e["relation"] not in RELATIONS:
            raise ValueError(f"unknown relation {e['relation']!r}")
        rows.append([e["child"], e["parent"], e["relation"], e.get("evidence"), e["source"]])
    if rows:
        con.executemany("INSERT INTO stack_edges_external VALUES (?, ?, ?, ?, ?)", rows)
    rows = []
    for c in conditions:
        c = {**c, "logical_operator": c.get("logical_operator") or "AND", "targets": c.get("targets") or [],
             "constraint_count": len(c.get("constraints") or ())}
        rows.append([c.get(k) for k in CONDITION_COLUMNS])
    if rows:
        con.executemany(f"INSERT INTO stack_conditions ({', '.join(CONDITION_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(CONDITION_COLUMNS))})", rows)


def load_ctdl_pathways(con, source: str = "ctdl") -> dict[str, int]:
    """The ``ctdl_pathways`` step: every CTDL pathway document the catalogue holds (kept whole in ``raw`` by
    the ctdl spider) -> its edges and conditions for the stacking graph (joined to the catalogue's own
    credentials through ``proxyFor``), its components and constraints, and its steps (``pathway_model``)."""
    import json

    from .ctdl import is_pathway, pathway_records
    from .model import MODEL_DDL, pathway_rows

    for table in ("stack_edges_external", "stack_conditions", *MODEL_DDL):  # this step's outputs, written afresh
        con.execute(f"DROP TABLE IF EXISTS {table}")
    ensure_inputs(con, ("stack_edges_external", "stack_conditions"))
    for ddl in MODEL_DDL.values():
        con.execute(ddl)
    loaded = {"pathways": 0, "edges": 0, "conditions": 0, "components": 0, "defects": 0}
    rows = con.execute("SELECT uid, raw FROM credentials WHERE source = ? AND raw IS NOT NULL ORDER BY uid",
                       [source]).fetchall()
    docs = [(uid, doc) for uid, raw in rows if is_pathway(doc := json.loads(raw) if isinstance(raw, str) else raw)]
    if not docs:  # the per-credential look-ups below read every credential: only for pathways that use them
        return loaded
    figures = {r[0]: r[1:] for r in con.execute(
        "SELECT uid, hours, cost, cost_currency, cost_basis FROM int_step_figures").fetchall()}
    known = {r[0]: r[1:] for r in con.execute(
        "SELECT uid, title, credential_type, credits_text FROM credentials").fetchall()}
    for uid, doc in docs:
        rec = pathway_records(doc, source=source, resolve_proxies=True)
        for c in rec["conditions"]:
            c["pathway_uid"] = uid
        add_external_edges(con, rec["edges"], rec["conditions"])
        tables = pathway_rows(rec, uid, figures, known)
        for table, table_rows in tables.items():
            if table_rows:
                cols = list(table_rows[0])
                con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                [[r[k] for k in cols] for r in table_rows])
        loaded["pathways"] += 1
        loaded["edges"] += len(rec["edges"])
        loaded["conditions"] += len(rec["conditions"])
        loaded["components"] += len(tables["pathway_components"])
        loaded["defects"] += len(rec["defects"])
    return loaded


# -- cycles ------------------------------------------------------------------------------------------------
def strongly_connected(nodes: Iterable[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); components with a cycle only."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(set(nodes)):
        if root in index:
            continue
        work = [(root, iter(sorted(succ.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(succ.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in succ.get(v, ()):
                    out.append(sorted(comp))
    return out


def find_cycles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """Groups of credentials that stack into each other (child -> parent edges), each sorted."""
    succ: dict[str, list[str]] = defaultdict(list)
    nodes: set[str] = set()
    for child, parent in edges:
        succ[child].append(parent)
        nodes.update((child, parent))
    return strongly_connected(nodes, succ)


def cycle_report(rows: list[tuple[str, str, str, bool]]) -> list[dict]:
    """Cycles in the stacking edges (child, parent, relation, inferred): inferred edges must never close a
    cycle (those inside a strongly connected group of the whole graph are reported as dropped); explicit
    cycles are the sources' own statements (kept, flagged in_cycle; pathways guard against them)."""
    report: list[dict] = []
    sccs = find_cycles([(c, p) for c, p, _, _ in rows])
    member = {u: i for i, comp in enumerate(sccs) for u in comp}
    dropped = [(c, p, r) for c, p, r, inf in rows if inf and c in member and member.get(p) == member[c]]
    for comp in sccs:
        comp_dropped = sorted(f"{c} -{r}-> {p}" for c, p, r in dropped if c in comp)
        if comp_dropped:
            report.append({"members": comp, "edges": comp_dropped, "explicit": False,
                           "action": "inferred edges dropped"})
    explicit = [(c, p, r) for c, p, r, inf in rows if not inf]
    for comp in find_cycles([(c, p) for c, p, _ in explicit]):
        s = set(comp)
        report.append({"members": comp, "edges": sorted(f"{c} -{r}-> {p}" for c, p, r in explicit if c in s and p in s),
                       "explicit": True, "action": "kept and flagged in_cycle; pathways cut the loop"})
    return report


def find_stack_cycles(con) -> dict[str, int]:
    """The ``stack_cycles`` step: cycles of ``int_stack_edges``, which ``stack_edges`` (SQL) then applies."""
    rows = con.execute("SELECT child, parent, relation, inferred FROM int_stack_edges").fetchall()
    report = cycle_report(rows)
    con.execute("""CREATE OR REPLACE TABLE stack_cycles (
        cycle_id INTEGER, members VARCHAR[], edges VARCHAR[], explicit BOOLEAN, action VARCHAR)""")
    for i, r in enumerate(report, 1):
        con.execute("INSERT INTO stack_cycles VALUES (?, ?, ?, ?, ?)",
                    [i, r["members"], r["edges"], r["explicit"], r["action"]])
    return {"edges": len(rows), "cycles": len(report), "explicit_cycles": sum(r["explicit"] for r in report)}
