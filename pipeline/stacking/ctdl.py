"""Read CTDL pathways as publishers write them: components, stages, ComponentCondition trees, Constraints.

Serialisations: compacted with ``ceterms:``/``ceasn:``/``asn:`` prefixes and language maps; bare terms
(``id``/``type``/``hasChild``) under any context, a known one or not (no ``@context`` is fetched: terms are
reduced to their local name, so an unshipped context costs nothing but a warning); expanded IRIs with
``@value``/``@id`` lists; one object, a list, or an ``@graph``. Every node is indexed by ``@id`` wherever it
sits (top level or embedded), so a condition, constraint or component referenced only by ``@id`` resolves,
and an embedded node without ``@id`` gets a stable synthetic one (its owner's id + its path).

Vocabulary read: ``Pathway`` (``hasDestinationComponent``, several allowed; ``hasPart``, ``ceasn:hasChild``;
the older ``hasRoot``), components of any ``*Component`` class (and, in older documents, plain ``Course``,
``Certification``, ``Basic``... reached from the pathway) with ``proxyFor``, ``componentCategory``,
``componentDesignation``, ``creditValue``, ``codedNotation``/``courseCode``, ``hasProgressionLevel``,
``precedes``/``precededBy``, ``hasChild``/``isChildOf``/``isParentOf``, ``hasCondition``;
``ComponentCondition`` (``requiredNumber``, ``logicalOperator``, nested ``hasCondition``,
``targetComponent``, ``hasConstraint``); ``Constraint`` (left/right source and action, comparator) kept as
structured data; ``ProgressionModel``/``ProgressionLevel`` (ordered by ``precedes``).

Defects (a ctid that disagrees with its @id, a dangling reference, a node described twice, "requires 2 of 3"
text contradicting the targets) are collected in ``CtdlPathway.defects``, never trusted and never fatal.

Derived model (documented rules): a **destination** is a ``hasDestinationComponent`` (else the ``hasRoot``);
an **exit award** (off-ramp) is any other component that is a credential (``CredentialComponent`` or a
credential class); a **stage** is a component whose ``componentCategory`` is set, or a ``BasicComponent``
with children; stages are ordered by ``precedes``/``precededBy``; a component's stage is its nearest
ancestor stage. A component is **required** when a condition that names it asks for all of its targets (or
nothing but membership names it), an **elective** when it is only named by "N of M" conditions with N < M.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from typing import Any

from spiders.ctdl_ids import stable_id

_IRI_PREFIXES = (
    "https://purl.org/ctdl/terms/", "http://purl.org/ctdl/terms/", "https://purl.org/ctdlasn/terms/",
    "http://purl.org/ctdlasn/terms/", "https://purl.org/ASN/schema/core/", "http://purl.org/ASN/schema/core/",
    "http://schema.org/", "https://schema.org/", "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)
_REQUIRES_N_OF_M = re.compile(r"(?:requires|select|complete|choose)\s+(\d+)\s+(?:out\s+)?of\s+(?:the\s+)?(\d+)", re.I)
KNOWN_CONTEXTS = ("credreg.net/ctdl/schema/context/json", "credreg.net/ctdlasn/schema/context/json")

# CTDL class -> credcat credential_type (spiders/record.py CREDENTIAL_TYPES)
CTDL_TYPES = {
    "Certification": "certification", "Certificate": "certificate", "CertificateOfCompletion": "certificate",
    "ProfessionalCertificate": "certificate", "DigitalBadge": "badge", "OpenBadge": "badge", "Badge": "badge",
    "MicroCredential": "micro_credential", "MasterCertificate": "degree_program", "Course": "course",
    "CourseComponent": "course", "AssessmentComponent": "assessment", "AssessmentProfile": "assessment",
    "Assessment": "assessment", "LearningProgram": "learning_program", "CredentialComponent": "certificate",
    "License": "certification", "BachelorDegree": "degree_program", "MasterDegree": "degree_program",
    "AssociateDegree": "degree_program", "DoctoralDegree": "degree_program", "Degree": "degree_program",
    "Diploma": "certificate", "Credential": "certificate",
}
# Classes that make a component a credential one could stop at (an exit award when not the destination).
CREDENTIAL_CLASSES = {"CredentialComponent", "Certification", "Certificate", "CertificateOfCompletion",
                      "ProfessionalCertificate", "DigitalBadge", "OpenBadge", "Badge", "MicroCredential",
                      "MasterCertificate", "License", "BachelorDegree", "MasterDegree", "AssociateDegree",
                      "DoctoralDegree", "Degree", "Diploma", "Credential"}
# Older documents put plain resource classes in a pathway tree (Illinois: Course, Certification, Basic).
COMPONENT_CLASSES = CREDENTIAL_CLASSES | {"Course", "Assessment", "AssessmentProfile", "Basic", "LearningProgram",
                                          "LearningOpportunityProfile", "Job", "Occupation", "Competency"}
CHILD_TERMS = ("hasChild", "hasPart", "isParentOf")
PARENT_TERMS = ("isChildOf", "isPartOf")


def local(term: str) -> str:
    """``ceterms:hasChild`` / ``https://purl.org/ctdl/terms/hasChild`` / ``hasChild`` -> ``hasChild``."""
    if term in ("@id", "id"):
        return "@id"
    if term in ("@type", "type"):
        return "@type"
    for p in _IRI_PREFIXES:
        if term.startswith(p):
            return term[len(p):]
    if ":" in term and not term.startswith("http"):
        return term.split(":", 1)[1]
    return term


def _norm(obj: Any) -> Any:
    """Recursively rename keys to local names (``@context`` dropped: terms are read by their local names)."""
    if isinstance(obj, list):
        return [_norm(v) for v in obj]
    if isinstance(obj, dict):
        return {local(k) if not k.startswith("@") or k in ("@id", "@type") else k: _norm(v)
                for k, v in obj.items() if k != "@context"}
    return obj


def _contexts(doc: Any) -> list[str]:
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            ctx = v.get("@context")
            for c in ctx if isinstance(ctx, list) else [ctx]:
                if isinstance(c, str):
                    out.append(c)
            if isinstance(v.get("@graph"), list):
                walk(v["@graph"])
    walk(doc)
    return list(dict.fromkeys(out))


def _list(value: Any) -> list:
    if value is None:
        return []
    out = []
    for v in value if isinstance(value, list) else [value]:
        out.extend(v["@list"] if isinstance(v, dict) and "@list" in v else [v])
    return out


def _ids(value: Any) -> list[str]:
    """References as strings (``{"@id": x}``, an embedded node's id or a bare string)."""
    out = []
    for v in _list(value):
        if isinstance(v, dict):
            v = v.get("@id") or v.get("@value")
        if isinstance(v, str) and v:
            out.append(v)
    return out


def texts(value: Any) -> list[str]:
    """Every string of a language map / ``@value`` list / plain value, English first."""
    if value is None:
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    if isinstance(value, dict):
        if "@value" in value:
            return texts(value["@value"])
        if "@id" in value:
            return []
        keys = sorted(value, key=lambda k: (not str(k).lower().lstrip("@").startswith("en"), str(k)))
        return [t for k in keys for t in texts(value[k])]
    return []


def text(value: Any) -> str | None:
    """A language map, ``@value`` list or plain string, as one string (English preferred)."""
    found = [t.strip() for t in texts(value) if isinstance(t, str) and t.strip()]
    return found[0] if found else None


def _number(value: Any) -> float | None:
    for v in _list(value):
        if isinstance(v, dict):
            v = v.get("@value")
        try:
            return float(v) if v is not None and not isinstance(v, bool) else None
        except (TypeError, ValueError):
            return None
    return None


def _int(value: Any) -> int | None:
    n = _number(value)
    return int(n) if n is not None else None


def _types(node: dict) -> list[str]:
    return [local(x) for x in _list(node.get("@type")) if isinstance(x, str)]


def _vocab(value: Any) -> str | None:
    """A concept reference (``logic/And``, ``ceterms:Certificate``, a targetNode) or text, as its local name."""
    for v in _list(value):
        if isinstance(v, dict):
            v = v.get("@id") or v.get("@value") or v.get("targetNode") or text(v.get("targetNodeName"))
            if isinstance(v, list | dict):
                v = (_ids(v) or [None])[0]
        if isinstance(v, str) and v:
            return re.split(r"[/#:]", v.rstrip("/"))[-1]
    return None


@dataclass
class Constraint:
    id: str
    name: str | None = None
    description: str | None = None
    left_source: list[str] = field(default_factory=list)
    left_action: str | None = None
    comparator: str | None = None
    right_source: list[str] = field(default_factory=list)
    right_action: str | None = None


@dataclass
class Condition:
    condition_id: str
    required_number: int | None
    targets: list[str]
    logical_operator: str = "AND"  # how sub-conditions combine
    description: str | None = None
    sub: list[Condition] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    name: str | None = None
    number_stated: bool = True  # False when N was read from the text or defaulted to "all"

    @property
    def of_total(self) -> int:
        """M: the targets (or the sub-conditions, for a group)."""
        return len(self.targets) if self.targets else len(self.sub)


@dataclass
class Component:
    id: str
    types: list[str]
    name: str | None
    ctid: str | None = None
    children: list[str] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    proxy_for: str | None = None
    credential_type: str | None = None
    description: str | None = None
    category: str | None = None
    designation: list[str] = field(default_factory=list)
    precedes: list[str] = field(default_factory=list)
    code: str | None = None
    credits_text: str | None = None
    credit_value: float | None = None
    credit_unit: str | None = None
    progression_level: str | None = None
    proxies: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def is_credential(self) -> bool:
        return bool(set(self.types) & CREDENTIAL_CLASSES) or (self.credential_type in CREDENTIAL_CLASSES)


@dataclass
class CtdlPathway:
    id: str
    name: str | None
    destinations: list[str]
    components: dict[str, Component]
    defects: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ctid: str | None = None
    description: str | None = None
    owner: str | None = None
    progression_levels: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    # derived
    stages: list[str] = field(default_factory=list)  # stage component ids, in order
    stage_of: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # every component id, prerequisites first

    @property
    def destination(self) -> str | None:
        return self.destinations[0] if self.destinations else None

    @property
    def exit_awards(self) -> list[str]:
        return [c for c in self.order if self.components[c].is_credential and c not in self.destinations]


# -- the node index ---------------------------------------------------------------------------------------
def _top(doc: Any) -> list[dict]:
    doc = _norm(doc)
    out: list[dict] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            if isinstance(v.get("@graph"), list) and not (set(v) - {"@graph", "@id"}):
                walk(v["@graph"])
            else:
                out.append(v)
    walk(doc)
    return out


def _index(nodes: list[dict], defects: list[str]) -> dict[str, dict]:
    """Every node with properties, by ``@id``; embedded nodes too (an id-less one gets ``<owner>#<path>``).
    A node described twice keeps every value of both descriptions."""
    found: dict[str, dict] = {}

    def walk(v: Any, owner: str, path: str) -> Any:
        if isinstance(v, list):
            return [walk(x, owner, f"{path}.{i}") for i, x in enumerate(v)]
        if not isinstance(v, dict) or "@value" in v or set(v) <= {"@id"} or _is_language_map(v):
            return v
        nid = v.get("@id") if isinstance(v.get("@id"), str) else f"{owner}#{path}"
        node = {"@id": nid}
        for k, x in v.items():
            if k != "@id":
                node[k] = walk(x, nid, k) if k != "@type" else x
        if nid in found and found[nid] is not node:
            for k, x in node.items():
                if k in ("@id",):
                    continue
                old = found[nid].get(k)
                if old is not None and old != x:
                    found[nid][k] = _list(old) + [y for y in _list(x) if y not in _list(old)]
                else:
                    found[nid][k] = x
        else:
            found[nid] = node
        return {"@id": nid}

    for i, n in enumerate(nodes):
        walk(n, "_:doc", str(i))
    return found


_LANG_TAG = re.compile(r"^@?[a-zA-Z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _is_language_map(v: dict) -> bool:
    """``{"en-US": "...", "fr": [...]}``: a literal, not a node."""
    return bool(v) and all(isinstance(k, str) and _LANG_TAG.match(k) and k not in ("@id", "@type")
                           and isinstance(x, str | list) for k, x in v.items())


class _Resolver:
    """@id -> node, tolerating the defects real documents have (a mistyped host, ``http`` vs ``https``)."""

    def __init__(self, index: dict[str, dict], defects: list[str]):
        self.index, self.defects = index, defects
        self.by_tail: dict[str, list[str]] = {}
        for k in index:
            self.by_tail.setdefault(k.rstrip("/").rsplit("/", 1)[-1], []).append(k)

    def __call__(self, ref: str) -> str | None:
        if ref in self.index:
            return ref
        candidates = self.by_tail.get(ref.rstrip("/").rsplit("/", 1)[-1], [])
        if len(candidates) == 1 and ref.startswith(("http://", "https://")):
            self.defects.append(f"reference {ref} resolved by its last segment to {candidates[0]}")
            return candidates[0]
        return None


def _constraint(node: dict) -> Constraint:
    return Constraint(
        node["@id"], text(node.get("name")), text(node.get("description")),
        _ids(node.get("leftSource")) or [t for t in texts(node.get("leftSource"))],
        _vocab(node.get("leftAction")), _vocab(node.get("comparator")),
        _ids(node.get("rightSource")) or [t for t in texts(node.get("rightSource"))],
        _vocab(node.get("rightAction")),
    )


def _condition(node: dict, resolve: _Resolver, owner: str, defects: list[str], seen: frozenset = frozenset()) -> Condition:
    index = resolve.index
    cid = node["@id"]
    targets = []
    for t in _ids(node.get("targetComponent")):
        r = resolve(t)
        if r is None:
            defects.append(f"{cid}: target {t} is not in the document")
        targets.append(r or t)
    desc = text(node.get("description"))
    n = _int(node.get("requiredNumber"))
    stated = n is not None
    if n is None and str(text(node.get("leftOperand")) or "").lower() in ("reqnum", "requirednumber"):
        n, stated = _int(node.get("rightOperand")), True
    m = _REQUIRES_N_OF_M.search(desc or "")
    if n is None and m:
        n = int(m.group(1))
    if m and targets and int(m.group(2)) != len(targets):
        defects.append(f"{cid}: says {m.group(0)!r} but lists {len(targets)} targets")
    op = str(_vocab(node.get("logicalOperator")) or _vocab(node.get("logicalOperand")) or "AND").upper()
    op = "OR" if op in ("OR", "ANY", "ANYOF") else "AND"
    subs = []
    for ref in _ids(node.get("hasCondition")):
        r = resolve(ref)
        if r is None or r in seen or r == cid:
            defects.append(f"{cid}: sub-condition {ref} " + ("is not in the document" if r is None else "loops"))
            continue
        subs.append(_condition(index[r], resolve, owner, defects, seen | {cid}))
    constraints = [_constraint(index[r]) for r in (resolve(x) for x in _ids(node.get("hasConstraint"))) if r]
    if n is None and targets:
        n = len(targets)  # targets and no number: all of them
    elif n is None and subs:
        n = 1 if op == "OR" else len(subs)  # a group without a number: one of an OR group, all of an AND group
    if n is not None and targets and n > len(targets):
        defects.append(f"{cid}: requires {n} of only {len(targets)} targets")
    return Condition(cid, n, targets, op, desc, subs, constraints, text(node.get("name")), stated)


def _credits(node: dict, index: dict[str, dict]) -> tuple[str | None, float | None, str | None]:
    """``creditValue`` (QuantitativeValue, or a plain number) as contract 1's ``"<value> <unit>"`` text
    (ranges ``"<min>-<max> <unit>"``, several ``"; "``-joined), and the first value with its unit."""
    parts, first, first_unit = [], None, None
    for v in _list(node.get("creditValue")):
        if isinstance(v, dict) and set(v) == {"@id"} and v["@id"] in index:
            v = index[v["@id"]]
        if not isinstance(v, dict) or "@value" in v:
            n = _number(v)
            if n is not None:
                parts.append(_fmt(n))
                first = first if first is not None else n
            continue
        value, low, high = (_number(v.get(t)) for t in ("value", "minValue", "maxValue"))
        unit_ref = v.get("creditUnitType") or v.get("unitText")
        if isinstance(unit_ref, dict | list):
            unit_node = next((index.get(r, {}) for r in _ids(unit_ref)), {})
            unit = text(unit_node.get("targetNodeName")) or _vocab(unit_ref) or text(unit_ref)
        else:
            unit = text(unit_ref)
        amount = _fmt(value) if value is not None else (f"{_fmt(low)}-{_fmt(high)}" if low is not None
                                                          and high is not None else None)
        if amount:
            parts.append(" ".join(x for x in (amount, unit) if x))
            if first is None:
                first, first_unit = (value if value is not None else low), unit
        elif text(v.get("description")):
            parts.append(text(v.get("description")))
    return ("; ".join(parts) or None), first, first_unit


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def parse_pathway(doc: Any) -> CtdlPathway:
    """Parse one CTDL document holding a Pathway and its components (any serialisation)."""
    defects: list[str] = []
    warnings = [f"@context {c} is not a shipped CTDL context: read by its bare CTDL terms"
                for c in _contexts(doc) if c.split("://", 1)[-1].rstrip("/") not in KNOWN_CONTEXTS]
    index = _index(_top(doc), defects)
    resolve = _Resolver(index, defects)
    pathways = [n for n in index.values() if "Pathway" in _types(n)]
    if not pathways:
        raise ValueError("no ceterms:Pathway in the document")
    if len(pathways) > 1:
        defects.append(f"{len(pathways)} Pathway nodes: only {pathways[0]['@id']} is read")
    pathway = pathways[0]
    levels = _progression_levels(index)

    def refs(node: dict, *terms: str) -> list[str]:
        out = []
        for t in terms:
            for ref in _ids(node.get(t)):
                r = resolve(ref)
                if r is None:
                    defects.append(f"{node['@id']}: {t} {ref} is not in the document")
                else:
                    out.append(r)
        return list(dict.fromkeys(out))

    destinations = refs(pathway, "hasDestinationComponent")
    roots = refs(pathway, "hasRoot")
    claimed = sorted(n["@id"] for n in index.values() if pathway["@id"] in _ids(n.get("isDestinationComponentFor"))
                     + _ids(n.get("isDestinationComponentOf")))
    for c in claimed:
        if c not in destinations:
            defects.append(f"{c} claims isDestinationComponentFor but the pathway names {destinations or 'none'}")
    if not destinations:
        destinations = roots or claimed
    # components: everything reachable from the pathway, plus every *Component node of the document
    todo = destinations + roots + refs(pathway, "hasPart", "hasChild")
    reached: list[str] = []
    while todo:
        cid = todo.pop(0)
        if cid in reached or cid == pathway["@id"]:
            continue
        reached.append(cid)
        node = index[cid]
        todo += refs(node, *CHILD_TERMS)
        for cond in refs(node, "hasCondition", "prerequisite"):
            todo += _all_condition_targets(index[cond], resolve)
        todo += [r for r in refs(node, "precedes", "precededBy") if _is_component(index[r])]
    reached += sorted(k for k, n in index.items() if k not in reached and _is_component(n)
                      and not {"Pathway"} & set(_types(n)) and any(t.endswith("Component") for t in _types(n)))
    components: dict[str, Component] = {}
    for cid in reached:
        node = index[cid]
        types = _types(node)
        ctid = text(node.get("ctid"))
        if ctid and stable_id(cid) != ctid.lower() and "ce-" in cid:
            defects.append(f"{cid}: ctid {ctid!r} disagrees with @id (the @id is used)")
        names = list(dict.fromkeys(t.strip() for t in texts(node.get("name")) if t.strip()))
        tagged = [k.get("@language") for k in _list(node.get("name")) if isinstance(k, dict) and "@value" in k]
        if len(names) > 1 and len(tagged) > len(set(tagged)):
            defects.append(f"{cid}: described {len(names)} times under one @id ({' / '.join(names)})")
        proxies = _ids(node.get("proxyFor")) or _ids(node.get("sourceData"))  # sourceData: the 2019 schema's term
        proxies = [resolve(x) or x for x in proxies]
        conds = [_condition(index[r], resolve, cid, defects) for r in refs(node, "hasCondition", "prerequisite")]
        credits_text, credit_value, credit_unit = _credits(node, index)
        if credit_value is None and _number(node.get("points")) is not None:
            credit_value = _number(node.get("points"))
            credits_text = f"{_fmt(credit_value)} points"
        # a component standing for a credential described in the same document is a credential component
        ctype = _vocab(node.get("credentialType")) or next(
            (t for p in proxies for t in _types(index.get(p, {})) if t in CREDENTIAL_CLASSES), None)
        level = (refs(node, "hasProgressionLevel") or _ids(node.get("hasProgressionLevel")) or [None])[0]
        if level is None and isinstance(node.get("proficiencyLevel"), dict | list):
            lv = next((index.get(r) for r in _ids(node.get("proficiencyLevel"))), None)
            if lv:
                level = lv["@id"]
                levels.setdefault(level, (text(lv.get("name")), _int(lv.get("sequence")) or 0))
        components[cid] = Component(
            cid, types, names[0] if names else None, ctid, refs(node, *CHILD_TERMS), conds,
            proxies[0] if proxies else None, ctype, text(node.get("description")),
            text(node.get("componentCategory")), [d for d in (_vocab(x) for x in _list(node.get("componentDesignation"))) if d],
            [], text(node.get("codedNotation")) or text(node.get("courseCode")),
            credits_text, credit_value, credit_unit, level, proxies, names,
        )
    # inverse links: isChildOf / isPartOf name a parent; precededBy names a predecessor
    for cid, comp in components.items():
        node = index[cid]
        for parent in refs(node, *PARENT_TERMS):
            if parent in components and cid not in components[parent].children:
                components[parent].children.append(cid)
        comp.precedes = [r for r in refs(node, "precedes") if r in components]
        for cond in refs(node, "preceeds"):  # the 2019 schema: conditions whose targets come next
            comp.precedes += [t for t in _all_condition_targets(index[cond], resolve) if t in components]
    for cid in components:
        for before in refs(index[cid], "precededBy"):
            if before in components and cid not in components[before].precedes:
                components[before].precedes.append(cid)
    for dest in destinations:
        if dest not in components:
            defects.append(f"destination {dest} is not among the components")
    p = CtdlPathway(pathway["@id"], text(pathway.get("name")), [d for d in destinations if d in components],
                    components, list(dict.fromkeys(defects)), warnings, text(pathway.get("ctid")),
                    text(pathway.get("description")), _owner_name(pathway, index), levels)
    _derive(p)
    return p


def _owner_name(node: dict, index: dict[str, dict]) -> str | None:
    for term in ("ownedBy", "offeredBy"):
        for ref in _ids(node.get(term)):
            name = text(index.get(ref, {}).get("name"))
            if name:
                return name
    return None


def _is_component(node: dict) -> bool:
    return any(t.endswith("Component") or t in COMPONENT_CLASSES for t in _types(node))


def _all_condition_targets(node: dict, resolve: _Resolver, depth: int = 0) -> list[str]:
    out = [r for r in (resolve(t) for t in _ids(node.get("targetComponent"))) if r]
    if depth < 16:
        for ref in _ids(node.get("hasCondition")):
            r = resolve(ref)
            if r:
                out += _all_condition_targets(resolve.index[r], resolve, depth + 1)
    return out


def _progression_levels(index: dict[str, dict]) -> dict[str, tuple[str | None, int]]:
    """ProgressionLevel id -> (name, position), positions following ``precedes`` from the model's top."""
    levels = {k: n for k, n in index.items() if "ProgressionLevel" in _types(n)}
    succ = {k: [r for r in _ids(n.get("precedes")) if r in levels] for k, n in levels.items()}
    order = _topo(sorted(levels), succ, key=lambda k: (text(levels[k].get("prefLabel")) or "", k))
    return {k: (text(levels[k].get("prefLabel")) or text(levels[k].get("name")), i) for i, k in enumerate(order, 1)}


def _topo(nodes: list[str], succ: dict[str, list[str]], key) -> list[str]:
    """Kahn's order, ties by ``key``; a cycle is cut at its smallest node (so the order always exists)."""
    indeg = {n: 0 for n in nodes}
    for n in nodes:
        for s in succ.get(n, ()):
            if s in indeg and s != n:
                indeg[s] += 1
    heap = [(key(n), n) for n in nodes if indeg[n] == 0]
    heapq.heapify(heap)
    out, done = [], set()
    while len(out) < len(nodes):
        if not heap:  # a cycle: take the smallest remaining node
            rest = min((key(n), n) for n in nodes if n not in done)
            heap = [rest]
            indeg[rest[1]] = 0
        _, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        out.append(n)
        for s in succ.get(n, ()):
            if s in indeg and s not in done and s != n:
                indeg[s] -= 1
                if indeg[s] == 0:
                    heapq.heappush(heap, (key(s), s))
    return out


def _derive(p: CtdlPathway) -> None:
    """Stages (ordered), each component's stage, and an order of all components (prerequisites first)."""
    comps = p.components
    stage_ids = sorted(c for c, comp in comps.items()
                       if (comp.category or ({"BasicComponent", "PathwayComponent"} & set(comp.types) and comp.children
                                             and not comp.proxy_for))
                       and c not in p.destinations and not comp.is_credential)
    stage_succ = {s: [t for t in comps[s].precedes if t in stage_ids] for s in stage_ids}
    p.stages = _topo(stage_ids, stage_succ, key=lambda s: (comps[s].name or "", s))
    parents: dict[str, list[str]] = {}
    for cid, comp in comps.items():
        for ch in comp.children:
            parents.setdefault(ch, []).append(cid)
    for cid in comps:  # nearest ancestor stage, breadth first, ties by stage order
        frontier, seen = [cid], {cid}
        while frontier and cid not in p.stage_of:
            nxt = []
            for f in frontier:
                for par in sorted(parents.get(f, []), key=lambda s: (p.stages.index(s) if s in p.stages else 1 << 30, s)):
                    if par in p.stages and f != par:
                        p.stage_of.setdefault(cid, par)
                    if par not in seen:
                        seen.add(par)
                        nxt.append(par)
            frontier = nxt
    # order: children before containers, condition targets before their owner, precedes edges, stages in order
    succ: dict[str, list[str]] = {c: list(comp.precedes) for c, comp in comps.items()}
    for cid, comp in comps.items():
        for ch in comp.children:
            succ.setdefault(ch, []).append(cid)
        for cond in _walk(comp.conditions):
            for t in cond.targets:
                if t in comps and t != cid:
                    succ.setdefault(t, []).append(cid)
    rank = {s: i for i, s in enumerate(p.stages)}

    def key(c: str):
        stage = c if c in rank else p.stage_of.get(c)
        level = p.progression_levels.get(comps[c].progression_level or "", (None, 0))[1]
        return (rank.get(stage, len(rank)) if stage else len(rank), level, c in p.destinations,
                comps[c].name or "", c)
    p.order = _topo(sorted(comps), succ, key)


def _walk(conds: list[Condition]):
    for c in conds:
        yield c
        yield from _walk(c.sub)


def uid_for(component_id: str, prefix: str = "ctdl", ctid: str | None = None) -> str:
    """``https://.../resources/ce-1234...`` -> ``ctdl:ce-1234...`` (see :func:`spiders.ctdl_ids.stable_id`)."""
    return f"{prefix}:{stable_id(component_id, ctid)}"


def component_roles(p: CtdlPathway) -> dict[str, dict]:
    """Per component: ``requirement`` (destination | exit_award | stage | required | elective), ``required``,
    and the condition that decides it (the narrowest "N of M" naming it: smallest N/M, then id)."""
    naming: dict[str, list[tuple[Condition, bool]]] = {}

    def visit(cond: Condition, all_path: bool) -> None:
        n = cond.required_number
        everything = all_path and cond.logical_operator == "AND" and (
            n is None or n >= (cond.of_total or 0))
        for t in cond.targets:
            naming.setdefault(t, []).append((cond, everything))
        for s in cond.sub:
            visit(s, everything)

    for comp in p.components.values():
        for cond in comp.conditions:
            visit(cond, True)
    out = {}
    for cid, comp in p.components.items():
        named = naming.get(cid, [])
        narrow = min(named, key=lambda x: ((x[0].required_number or 0) / max(x[0].of_total, 1), x[0].condition_id),
                     default=(None, True))[0]
        required = not named or any(all_ for _, all_ in named)
        if "elective" in [d.lower() for d in comp.designation] or "Elective" in (comp.designation or []):
            required = False
        if cid in p.destinations:
            req = "destination"
        elif comp.is_credential:
            req = "exit_award"
        elif cid in p.stages:
            req = "stage"
        else:
            req = "required" if required else "elective"
        out[cid] = {"requirement": req, "required": required or cid in p.destinations, "condition": narrow}
    return out


def pathway_records(doc: Any, source: str = "ctdl", prefix: str = "ctdl",
                    resolve_proxies: bool = False) -> dict[str, Any]:
    """Nodes, requirement edges and N-of-M conditions of one CTDL pathway, keyed by credcat uid.

    With ``resolve_proxies`` a component that is a ``proxyFor`` a resource takes that resource's uid, so the
    pathway's edges join the credentials the catalogue already holds (a refresh uses this).
    """
    p = parse_pathway(doc) if not isinstance(doc, CtdlPathway) else doc
    proxies = {c.id: c.proxy_for for c in p.components.values() if resolve_proxies and c.proxy_for}

    def ref(component_id: str) -> str:
        target = proxies.get(component_id, component_id)
        comp = p.components.get(component_id)
        return uid_for(target, prefix, comp.ctid if comp and target == component_id else None)

    nodes, edges, conditions = [], [], []
    roles = component_roles(p)
    for comp in p.components.values():
        uid = ref(comp.id)
        ctype = CTDL_TYPES.get(comp.credential_type or "") or next(
            (CTDL_TYPES[t] for t in comp.types if t in CTDL_TYPES), "learning_program")
        nodes.append({"uid": uid, "title": comp.name, "credential_type": ctype,
                      "ctdl_type": comp.types[0] if comp.types else None,
                      "is_destination": comp.id in p.destinations, **roles[comp.id]})
        in_condition: set[str] = set()

        def cid(raw: str, uid=uid) -> str:
            return f"{uid}#{stable_id(raw) if '#' not in raw else raw.rsplit('#', 1)[-1]}"

        for cond in comp.conditions:
            for c, parent_raw in _flatten(cond, None):
                conditions.append({
                    "parent": uid, "condition_id": cid(c.condition_id),
                    "parent_condition_id": cid(parent_raw) if parent_raw else None,
                    "required_number": c.required_number, "logical_operator": c.logical_operator,
                    "targets": [ref(t) for t in c.targets], "description": c.description,
                    "source": source, "of_total": c.of_total, "name": c.name,
                    "constraints": [vars(k) for k in c.constraints], "number_stated": c.number_stated,
                })
                for t in c.targets:
                    in_condition.add(t)
                    edges.append({"child": ref(t), "parent": uid, "relation": "requires",
                                  "evidence": f"hasCondition requires {c.required_number} of {c.of_total}",
                                  "source": source})
        for child in comp.children:
            if child not in in_condition:
                edges.append({"child": ref(child), "parent": uid, "relation": "part_of",
                              "evidence": "hasChild", "source": source})
    seen, unique_edges = set(), []
    for e in edges:
        key = (e["child"], e["parent"], e["relation"])
        if key not in seen:
            seen.add(key)
            unique_edges.append(e)
    return {"nodes": nodes, "edges": unique_edges, "conditions": conditions, "defects": p.defects,
            "warnings": p.warnings, "destination": ref(p.destination) if p.destination else None,
            "destinations": [ref(d) for d in p.destinations], "exit_awards": [ref(e) for e in p.exit_awards],
            "name": p.name, "pathway": p, "uid_of": ref}


def is_pathway(doc: Any) -> bool:
    try:
        return any("Pathway" in _types(n) for n in _top(doc)) or bool(parse_pathway(doc))
    except ValueError:
        return False


def _flatten(cond: Condition, parent_cid: str | None):
    yield cond, parent_cid
    for s in cond.sub:
        yield from _flatten(s, cond.condition_id)
