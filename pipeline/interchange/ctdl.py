"""CTDL: the catalogue's credentials and pathways as CTDL JSON-LD (credentials.json + pathways/*.json).

``credcat export --format ctdl`` writes them.

Written to validate against the Credential Engine JSON Schemas (``CTDL_Json_Validation_Schema``
``Production_Schema/credentialSchema.json`` and ``pathway.json``, 2019), node by node, and to read back
through the ctdl spider and :mod:`pipeline.stacking.ctdl` into the same credentials, conditions and pathway
structure. Those schemas fix the vocabulary, so the documents use it:

- ``credentials.json``: a list of credential nodes (``ceterms:<Class>``, the class from the credential type
  seed; ``ceterms:ctid`` is the source's ctid, else ``ce-`` + a UUID 5 of the credcat uid: stable).
  Courses and learning programmes have no class in the credential schema: they are written as
  ``ceterms:Course`` / ``ceterms:LearningProgram`` and not schema-checked.
- ``pathways/<id>.json``: one ``@graph`` per pathway: the ``ceterms:Pathway``; every component as a
  ``ceterms:PathwayComponent`` with ``ceasn:isChildOf`` (its parents), ``ceasn:isDestinationComponentOf``,
  ``ceterms:sourceData`` (the resource it stands for), ``ceterms:points`` (credits),
  ``ceterms:prerequisite`` (its conditions: ``ceterms:ComponentCondition`` with ``requiredNumber`` and
  ``targetComponent``) and ``ceterms:preceeds`` (a condition naming the components that come next: the
  stage order); a credential node for every credential component (so the exit awards stay credentials).

What the 2019 vocabulary cannot carry, and is therefore not round-tripped: Constraints (no
``hasConstraint``), nested condition groups (flattened to their leaf conditions), componentCategory (a
stage is a component grouping others), and the component's own CTDL class beyond "credential or not".
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from spiders.ctdl_ids import ctid_of

CONTEXT = "http://credreg.net/ctdl/schema/context/json"
BASE = "https://credentialengineregistry.org/resources/"
SCHEMA_CLASSES = {  # credential classes the 2019 credential schema defines
    "ApprenticeshipCertificate", "AssociateDegree", "BachelorDegree", "Badge", "Certificate", "Certification",
    "Degree", "DigitalBadge", "Diploma", "DoctoralDegree", "GeneralEducationDevelopment", "JourneymanCertificate",
    "License", "MasterCertificate", "MasterDegree", "MicroCredential", "OpenBadge", "ProfessionalDoctorate",
    "QualityAssuranceCredential", "ResearchDoctorate", "SecondarySchoolDiploma"}
ACTIVE = {"@type": "ceterms:CredentialAlignmentObject", "ceterms:framework": "https://credreg.net/ctdl/terms/CredentialStatus",
          "ceterms:targetNode": "https://purl.org/ctdl/vocabs/credentialStat/Active", "ceterms:targetNodeName": "Active"}


def ctid_for(uid: str) -> str:
    """The credential's own ctid when it came from the registry, else a stable one derived from the uid."""
    found = ctid_of(uid)
    return found or f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, 'credcat:' + uid)}"


def iri(uid: str) -> str:
    return BASE + ctid_for(uid)


def _lang(text: str | None) -> dict:
    return {"en": text} if text else {}


def credential_nodes(con) -> list[dict]:
    classes = dict(con.execute("SELECT term, ctdl_class FROM seed_credential_types").fetchall()) if _has(
        con, "seed_credential_types") else {}
    if not classes:
        from pipeline.schema import credential_type_rows

        classes = {term: ctdl for term, ctdl, _, _ in credential_type_rows()}
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'credentials'").fetchall()}
    wanted = ("uid", "title", "description", "url", "credential_type", "organisation", "language_text",
              "length_text", "cost_amount", "cost_currency", "code", "has_part", "part_of")
    cols = ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)  # names from our own list only
    rows = con.execute(f"SELECT {cols} FROM credentials ORDER BY uid").fetchall()
    out = []
    for uid, title, desc, url, ctype, org, lang, length, amount, currency, code, has_part, part_of in rows:
        cls = (classes.get(ctype) or "Credential").split(":")[-1]
        node: dict[str, Any] = {
            "@context": CONTEXT, "@type": f"ceterms:{cls}", "@id": iri(uid), "ceterms:ctid": ctid_for(uid),
            "ceterms:name": title, "ceterms:description": desc or "", "ceterms:subjectWebpage": url or iri(uid),
            "ceterms:credentialStatusType": ACTIVE,
        }
        # the schema asks for an owner: an empty list says "none known" (never recognizedBy or a guess)
        node["ceterms:ownedBy"] = [{"@type": "ceterms:CredentialOrganization", "ceterms:name": org}] if org else []
        if lang:
            node["ceterms:inLanguage"] = [x.strip() for x in str(lang).split(",") if x.strip()]
        if length and str(length).startswith("P"):
            low, _, high = str(length).partition("-")
            node["ceterms:estimatedDuration"] = [{"@type": "ceterms:DurationProfile", **(
                {"ceterms:minimumDuration": low, "ceterms:maximumDuration": high} if high
                else {"ceterms:exactDuration": low})}]
        if amount is not None:
            node["ceterms:estimatedCost"] = [{"@type": "ceterms:CostProfile", "ceterms:price": float(amount),
                                              "ceterms:currency": currency or "",
                                              "ceterms:costDetails": url or iri(uid),  # where the price is stated
                                              "ceterms:description": "Cost as credcat publishes it"}]
        if code:
            node["ceterms:codedNotation"] = code
        for term, refs in (("ceterms:hasPart", has_part), ("ceterms:isPartOf", part_of)):
            refs = json.loads(refs) if isinstance(refs, str) else refs
            if refs:
                node[term] = [{"@id": iri(r)} for r in refs]
        out.append(node)
    return out


def _has(con, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()[0])


def pathway_documents(con) -> dict[str, dict]:
    """pathway uid -> its ``@graph`` document (CTDL pathways the catalogue holds)."""
    if not _has(con, "pathway_components"):
        return {}
    comps = con.execute("""SELECT pathway_uid, component_uid, uid, title, description, proxy_for, code, children,
                                  precedes, is_destination, is_exit_award, credit_value, order_no, pathway_name,
                                  stage_order, is_stage
                           FROM pathway_components ORDER BY pathway_uid, order_no""").fetchall()
    conds = con.execute("""SELECT pathway_uid, parent, condition_id, required_number, targets, description, name
                           FROM stack_conditions WHERE pathway_uid IS NOT NULL ORDER BY pathway_uid, condition_id
                        """).fetchall()
    info = {r[0]: r[1:] for r in con.execute("SELECT uid, title, description, url FROM credentials").fetchall()}
    known = set(info)
    docs: dict[str, dict] = {}
    by_pathway: dict[str, list] = {}
    for r in comps:
        by_pathway.setdefault(r[0], []).append(r)
    conds_by: dict[str, list] = {}
    for r in conds:
        conds_by.setdefault(r[0], []).append(r)
    def build(puid: str, rows: list) -> dict:
        p_iri = iri(puid)
        c_iri = {r[1]: iri(r[1]) for r in rows}  # each its own ctid-bearing IRI: read back, ids never collide
        by_uid: dict[str, str] = {}
        for r in rows:
            by_uid.setdefault(r[2], r[1])
        parents: dict[str, list[str]] = {}
        for r in rows:
            for ch in r[7] or []:
                parents.setdefault(ch, []).append(r[1])
        node_of = {r[1]: r for r in rows}

        def stub(component: str) -> dict:
            r = node_of[component]
            return {"@type": "ceterms:PathwayComponent", "@id": c_iri[component], "ceterms:name": _lang(r[3]),
                    "ceterms:description": _lang(r[4]),
                    "ceasn:isChildOf": [c_iri[x] for x in parents.get(component, []) if x in c_iri]}

        def condition(cid: str, name: str | None, desc: str | None, n: int | None, targets: list[str]) -> dict:
            node = {"@type": "ceterms:ComponentCondition", "ceterms:ctid": ctid_for(cid),
                    "ceterms:name": _lang(name or desc)}
            if desc:
                node["ceterms:description"] = _lang(desc)
            if n is not None:
                node["ceterms:requiredNumber"] = n
            if targets:
                node["ceterms:targetComponent"] = targets
            return node

        own: dict[str, list[dict]] = {}
        group_ids = {r[0] for r in con.execute("SELECT DISTINCT parent_condition_id FROM stack_conditions "
                                               "WHERE pathway_uid = ? AND parent_condition_id IS NOT NULL",
                                               [puid]).fetchall()}
        for _, parent, cid, n, targets, desc, name in conds_by.get(puid, []):
            owner = by_uid.get(parent)
            if owner is None:
                continue
            if cid in group_ids:  # a group: its leaf conditions carry it (the 2019 vocabulary has no nesting)
                continue
            tcomps = [stub(by_uid[t]) for t in targets or [] if t in by_uid]
            own.setdefault(owner, []).append(condition(cid, name, desc, n, tcomps))
        graph: list[dict] = [{
            "@type": "ceterms:Pathway", "@id": p_iri, "ceterms:ctid": ctid_for(puid),
            "ceterms:name": _lang(rows[0][13] or (info.get(puid) or (None,))[0]),
            "ceterms:description": _lang((info.get(puid) or (None, None))[1]), "ceterms:inLanguage": [],
            "ceterms:ownedBy": [], "ceterms:subjectWebpage": (info.get(puid) or (None, None, None))[2] or p_iri,
        }]
        extra: list[dict] = []
        for r in rows:
            _, comp, uid, title, desc, proxy, code, _children, precedes, is_dest, is_exit, credits, *_ = r
            node = stub(comp)
            if is_dest:
                node["ceasn:isDestinationComponentOf"] = [p_iri]
            source = iri(uid) if uid in known and uid != comp else proxy
            if (is_exit or is_dest) and not (uid in known and uid != comp):
                source = iri(f"{comp}#credential")  # the credential the component stands for, described here
                extra.append({"@context": CONTEXT, "@type": "ceterms:Certificate", "@id": source,
                              "ceterms:ctid": ctid_for(f"{comp}#credential"), "ceterms:name": title or "",
                              "ceterms:description": desc or "", "ceterms:subjectWebpage": proxy or source,
                              "ceterms:credentialStatusType": ACTIVE, "ceterms:ownedBy": []})
            if source:
                node["ceterms:sourceData"] = source
            if credits is not None:
                node["ceterms:points"] = credits
            if code:
                node["ceterms:codedNotation"] = code
            if own.get(comp):
                node["ceterms:prerequisite"] = own[comp]
            nxt = [stub(x) for x in precedes or [] if x in node_of]
            if nxt:
                node["ceterms:preceeds"] = [condition(f"{comp}#precedes", "precedes", None, None, nxt)]
            graph.append(node)
        return {"@context": CONTEXT, "@graph": graph + extra}

    for puid, rows in by_pathway.items():
        docs[puid] = build(puid, rows)
    return docs


def export_ctdl(con, out: str | Path) -> dict[str, int]:
    """Write ``credentials.json`` and ``pathways/*.json`` under ``out``; returns what was written."""
    out = Path(out)
    (out / "pathways").mkdir(parents=True, exist_ok=True)
    docs = pathway_documents(con)
    creds = [c for c in credential_nodes(con) if c["@id"] not in {iri(p) for p in docs}]  # pathways: their own files
    (out / "credentials.json").write_text(json.dumps(creds, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                          encoding="utf-8")
    for old in (out / "pathways").glob("*.json"):
        old.unlink()
    for puid, doc in docs.items():
        (out / "pathways" / f"{ctid_for(puid)}.json").write_text(
            json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return {"credentials": len(creds), "pathways": len(docs)}


def write(con, out: Path) -> dict:
    """The ``--format ctdl`` writer (pipeline/interchange): :func:`export_ctdl`, with its counts."""
    return {"path": str(out), "counts": export_ctdl(con, out)}


def validate(out: str | Path, schema_dir: str | Path) -> list[str]:
    """Every exported node checked against the CTDL JSON Schemas in ``schema_dir``: the problems, by file
    and node (an empty list when all validate). Needs the ``jsonschema`` package."""
    import jsonschema

    out, schema_dir = Path(out), Path(schema_dir)
    cred_schema = json.loads((schema_dir / "jsonschema_ctdl_credential_2019.json").read_text(encoding="utf-8"))
    path_schema = json.loads((schema_dir / "jsonschema_ctdl_pathway_2019.json").read_text(encoding="utf-8"))
    # The pathway schema requires ceterms:description but never defines it (nor ceasn:hasChild, ceasn:hasCondition,
    # ceasn:hasDestinationComponent): definitions it lacks are taken from the credential schema of the same release.
    path_schema = {**path_schema, "definitions": {**cred_schema["definitions"], **path_schema["definitions"]}}

    def check(schema: dict, ref: str, node: dict) -> str | None:
        sub = {"$schema": schema["$schema"], "definitions": schema["definitions"], "$ref": ref}
        errors = sorted(jsonschema.Draft4Validator(sub).iter_errors(node), key=lambda e: list(e.path))
        return errors[0].message if errors else None

    problems = []
    for node in json.loads((out / "credentials.json").read_text(encoding="utf-8")):
        cls = node["@type"].split(":")[-1]
        if cls in SCHEMA_CLASSES and (err := check(cred_schema, f"#/definitions/ceterms:{cls}", node)):
            problems.append(f"credentials.json {node['@id']}: {err}")
    for path in sorted((out / "pathways").glob("*.json")):
        for node in json.loads(path.read_text(encoding="utf-8"))["@graph"]:
            cls = node["@type"].split(":")[-1]
            schema, ref = ((path_schema, f"#/definitions/ceterms:{cls}") if cls in ("Pathway", "PathwayComponent")
                           else (cred_schema, f"#/definitions/ceterms:{cls}"))
            if (err := check(schema, ref, node)):
                problems.append(f"{path.name} {node['@id']}: {err}")
    return problems
