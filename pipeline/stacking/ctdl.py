"""Read CTDL pathways (ceterms:Pathway, components, ComponentCondition "N of M") in the forms they arrive in.

Accepted serialisations (the ones the Credential Engine examples use): compacted with ``ceterms:``/``ceasn:``/
``asn:`` prefixes and language maps; compacted with bare terms (``id``/``type``/``hasChild``) under a context;
expanded IRIs (``https://purl.org/ctdl/terms/...``) with ``@value``/``@id`` lists; one object, a list of
objects, or an ``@graph``. Terms are reduced to their local name, so the prefix or IRI form never matters.
No ``@context`` is fetched. Defects (a ctid that disagrees with its @id, a dangling reference, two components
claiming to be the destination) are collected in ``CtdlPathway.defects``, not trusted and not fatal.

``pathway_records(doc)`` turns a pathway into rows the stacking graph understands:
``nodes`` (uid, title, credential_type, ctdl_type), ``edges`` (child, parent, relation, evidence, source) and
``conditions`` (parent, condition_id, parent_condition_id, required_number, logical_operator, targets,
description, source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_IRI_PREFIXES = (
    "https://purl.org/ctdl/terms/", "http://purl.org/ctdl/terms/", "https://purl.org/ctdlasn/terms/",
    "http://purl.org/ctdlasn/terms/", "https://purl.org/ASN/schema/core/", "http://purl.org/ASN/schema/core/",
    "http://schema.org/", "https://schema.org/",
)
_REQUIRES_N_OF_M = re.compile(r"requires\s+(\d+)\s+of\s+(\d+)", re.I)

# CTDL class -> credcat credential_type (spiders/record.py CREDENTIAL_TYPES)
CTDL_TYPES = {
    "Certification": "certification", "Certificate": "certificate", "CertificateOfCompletion": "certificate",
    "ProfessionalCertificate": "certificate", "DigitalBadge": "badge", "OpenBadge": "badge", "Badge": "badge",
    "MicroCredential": "micro_credential", "MasterCertificate": "degree_program", "Course": "course",
    "CourseComponent": "course", "AssessmentComponent": "assessment", "AssessmentProfile": "assessment",
    "LearningProgram": "learning_program", "CredentialComponent": "certificate",
}


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
    """Recursively rename keys to local names."""
    if isinstance(obj, list):
        return [_norm(v) for v in obj]
    if isinstance(obj, dict):
        return {local(k) if not k.startswith("@") or k in ("@id", "@type") else k: _norm(v) for k, v in obj.items()}
    return obj


def _ids(value: Any) -> list[str]:
    """A reference or list of references, as strings (``{"@id": x}`` or a bare string)."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, dict):
            v = v.get("@id") or v.get("@value")
        if isinstance(v, str) and v:
            out.append(v)
    return out


def text(value: Any) -> str | None:
    """A language map, ``@value`` list or plain string, as one string (English preferred)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for v in value:
            t = text(v)
            if t:
                return t
        return None
    if isinstance(value, dict):
        if "@value" in value:
            return text(value["@value"])
        for key in ("en-US", "en", "@en-US", "@en", "en-GB"):
            if value.get(key):
                return text(value[key])
        for v in value.values():
            t = text(v)
            if t:
                return t
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _number(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _types(node: dict) -> list[str]:
    t = node.get("@type")
    return [local(x) for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


@dataclass
class Condition:
    condition_id: str
    required_number: int | None
    targets: list[str]
    logical_operator: str = "AND"  # how sub-conditions combine
    description: str | None = None
    sub: list[Condition] = field(default_factory=list)


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


@dataclass
class CtdlPathway:
    id: str
    name: str | None
    destination: str | None
    components: dict[str, Component]
    defects: list[str] = field(default_factory=list)


def _nodes(doc: Any) -> list[dict]:
    doc = _norm(doc)
    if isinstance(doc, dict) and "@graph" in doc:
        doc = doc["@graph"]
    if isinstance(doc, dict):
        doc = [doc]
    return [n for n in doc if isinstance(n, dict)]


def _condition(raw: dict, owner: str, index: str, defects: list[str]) -> Condition:
    cid = raw.get("@id") or f"{owner}#cond{index}"
    targets = _ids(raw.get("targetComponent"))
    desc = text(raw.get("description"))
    n = _number(raw.get("requiredNumber"))
    if n is None and str(raw.get("leftOperand", "")).lower() in ("reqnum", "requirednumber"):
        n = _number(raw.get("rightOperand"))
    if n is None and desc and (m := _REQUIRES_N_OF_M.search(desc)):
        n = int(m.group(1))
        if int(m.group(2)) != len(targets) and targets:
            defects.append(f"{owner}: condition says {m.group(0)!r} but lists {len(targets)} targets")
    op = str(text(raw.get("logicalOperator")) or text(raw.get("logicalOperand")) or "AND").upper()
    op = "OR" if "OR" in op and "AND" not in op else "AND"
    subs = raw.get("hasCondition") or []
    subs = subs if isinstance(subs, list) else [subs]
    sub = [_condition(s, owner, f"{index}.{i}", defects) for i, s in enumerate(subs) if isinstance(s, dict)]
    if n is None and targets:
        n = len(targets)  # a condition with targets and no number: all of them
    if n is not None and targets and n > len(targets):
        defects.append(f"{owner}: requires {n} of only {len(targets)} targets")
    return Condition(cid, n, targets, op, desc, sub)


def parse_pathway(doc: Any) -> CtdlPathway:
    """Parse one CTDL document holding a Pathway and its components."""
    nodes = _nodes(doc)
    defects: list[str] = []
    pathway = None
    components: dict[str, Component] = {}
    for node in nodes:
        nid = node.get("@id")
        if not isinstance(nid, str):
            defects.append(f"node without @id skipped: {text(node.get('name'))!r}")
            continue
        types = _types(node)
        if "Pathway" in types:
            pathway = node
            continue
        if "ProgressionModel" in types or "ProgressionLevel" in types:
            continue
        ctid = text(node.get("ctid"))
        if ctid and not nid.endswith(ctid):
            defects.append(f"{nid}: ctid {ctid!r} disagrees with @id (the @id is used)")
        children = _ids(node.get("hasChild")) + _ids(node.get("hasPart"))
        conds_raw = node.get("hasCondition") or []
        conds_raw = conds_raw if isinstance(conds_raw, list) else [conds_raw]
        conds = [_condition(c, nid, str(i), defects) for i, c in enumerate(conds_raw) if isinstance(c, dict)]
        ctype = text(node.get("credentialType"))
        components[nid] = Component(
            nid, types, (text(node.get("name")) or "").strip() or None, ctid, list(dict.fromkeys(children)),
            conds, (_ids(node.get("proxyFor")) or [None])[0], local(ctype) if ctype else None,
        )
    if pathway is None:
        raise ValueError("no ceterms:Pathway in the document")
    dest = (_ids(pathway.get("hasDestinationComponent")) or [None])[0]
    claimed = [c for c, n in ((n.get("@id"), n) for n in nodes) if n.get("isDestinationComponentFor")]
    for c in claimed:
        if c != dest:
            defects.append(f"{c} claims isDestinationComponentFor but the pathway's destination is {dest}")
    for comp in components.values():
        refs = comp.children + [t for c in _walk(comp.conditions) for t in c.targets]
        for ref in refs:
            if ref not in components:
                defects.append(f"{comp.id}: reference to unknown component {ref}")
    if dest is not None and dest not in components:
        defects.append(f"destination {dest} is not among the components")
    return CtdlPathway(pathway["@id"], text(pathway.get("name")), dest, components, defects)


def _walk(conds: list[Condition]):
    for c in conds:
        yield c
        yield from _walk(c.sub)


def uid_for(component_id: str, prefix: str = "ctdl") -> str:
    """``https://.../resources/ce-1234`` -> ``ctdl:ce-1234``."""
    return f"{prefix}:{component_id.rstrip('/').rsplit('/', 1)[-1]}"


def pathway_records(doc: Any, source: str = "ctdl", prefix: str = "ctdl",
                    resolve_proxies: bool = False) -> dict[str, list[dict]]:
    """Nodes, requirement edges and N-of-M conditions of one CTDL pathway, keyed by credcat uid.

    With ``resolve_proxies`` a component that is a ``proxyFor`` a registry resource takes that resource's uid,
    so the pathway's edges join the credentials the catalogue already holds (a refresh uses this).
    """
    p = parse_pathway(doc) if not isinstance(doc, CtdlPathway) else doc
    proxies = {c.id: c.proxy_for for c in p.components.values() if resolve_proxies and c.proxy_for}

    def ref(component_id: str, prefix: str = prefix) -> str:
        return uid_for(proxies.get(component_id, component_id), prefix)

    nodes, edges, conditions = [], [], []
    for comp in p.components.values():
        uid = ref(comp.id, prefix)
        ctype = CTDL_TYPES.get(comp.credential_type or "") or next(
            (CTDL_TYPES[t] for t in comp.types if t in CTDL_TYPES), "learning_program")
        nodes.append({"uid": uid, "title": comp.name, "credential_type": ctype, "ctdl_type": comp.types[0] if comp.types else None,
                      "is_destination": comp.id == p.destination})
        in_condition: set[str] = set()

        def cid(raw: str, uid=uid) -> str:
            return f"{uid}#{re.split(r'[#/]', raw)[-1]}"

        for cond in comp.conditions:
            for c, parent_raw in _flatten(cond, None):
                conditions.append({
                    "parent": uid, "condition_id": cid(c.condition_id),
                    "parent_condition_id": cid(parent_raw) if parent_raw else None,
                    "required_number": c.required_number, "logical_operator": c.logical_operator,
                    "targets": [ref(t, prefix) for t in c.targets], "description": c.description,
                    "source": source,
                })
                for t in c.targets:
                    in_condition.add(t)
                    edges.append({"child": ref(t, prefix), "parent": uid, "relation": "requires",
                                  "evidence": f"ctdl:hasCondition requires {c.required_number} of {len(c.targets)}",
                                  "source": source})
        for child in comp.children:
            if child not in in_condition:
                edges.append({"child": ref(child, prefix), "parent": uid, "relation": "part_of",
                              "evidence": "ctdl:hasChild", "source": source})
    seen, unique_edges = set(), []
    for e in edges:
        key = (e["child"], e["parent"], e["relation"])
        if key not in seen:
            seen.add(key)
            unique_edges.append(e)
    return {"nodes": nodes, "edges": unique_edges, "conditions": conditions, "defects": p.defects,
            "destination": ref(p.destination, prefix) if p.destination else None, "name": p.name}


def is_pathway(doc: Any) -> bool:
    try:
        parse_pathway(doc)
        return True
    except ValueError:
        return False


def _flatten(cond: Condition, parent_cid: str | None):
    yield cond, parent_cid
    for s in cond.sub:
        yield from _flatten(s, cond.condition_id)
