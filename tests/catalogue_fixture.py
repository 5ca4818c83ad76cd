"""A small `credentials` table in the shape the foundation publishes (Listing columns + uid + the normaliser's
typed columns), so the skills, stacking, pathway, planner and export work can be tested without the spiders.

Microsoft Learn-like: modules -> learning paths -> (prepare for) certification, which requires an exam.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipeline.schema import NORMALISED_COLUMNS
from spiders.record import LISTING_FIELDS

COLUMNS = ([("uid", "VARCHAR")] + [(f.name, f.metadata["sql"]) for f in LISTING_FIELDS if f.name != "uid"]
           + list(NORMALISED_COLUMNS.items()))
DDL = "CREATE OR REPLACE TABLE credentials (" + ", ".join(f"{n} {t}" for n, t in COLUMNS) + ")"


# what a catalogue derives from `credentials` (skills, the stacking graph, pathways)
DERIVED = ("credential_skills", "stack_edges", "stack_cycles", "pathway_steps", "pathways", "skill_pathways")


def build_derived(con: duckdb.DuckDBPyConnection, given: tuple[str, ...] = ("credentials",)) -> dict:
    """Build the DERIVED tables from the given ones with the refresh's own runner (pipeline.warehouse)."""
    from pipeline import warehouse

    return warehouse.build(con, DERIVED, given=given)


def credential(uid: str, title: str, ctype: str = "course", **kw: Any) -> dict[str, Any]:
    source, source_id = uid.split(":", 1)
    row = {"uid": uid, "source": source, "source_id": source_id, "title": title, "credential_type": ctype,
           "url": f"https://example.test/{source_id}", "fetched_at": "2025-01-01T00:00:00Z",
           "source_url": f"https://example.test/{source_id}", "skills": [], "part_of": [], "has_part": [],
           "prepares_for": [], "raw": {}, "learning_outcomes": []}
    row.update(kw)
    return row


def create_credentials(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    import json

    con.execute(DDL)
    names = [n for n, _ in COLUMNS]
    for r in rows:
        values = []
        for n, t in COLUMNS:
            v = r.get(n)
            if t == "JSON" and v is not None:
                v = json.dumps(v)
            values.append(v)
        con.execute(f"INSERT INTO credentials VALUES ({', '.join('?' * len(names))})", values)


def mslearn_rows() -> list[dict[str, Any]]:
    c = credential
    return [
        c("mslearn:mod-cloud-concepts", "Describe cloud computing", "course", level="beginner",
          duration_hours=1.0, cost_amount=0.0, cost_currency="USD",
          skills=["cloud computing", "Azure"], part_of=["mslearn:lp-cloud-concepts"],
          learning_outcomes=["Define cloud computing", "Describe the shared responsibility model"]),
        c("mslearn:mod-cloud-benefits", "Describe the benefits of using cloud services", "course",
          level="beginner", duration_hours=0.5, cost_amount=0.0, cost_currency="USD",
          skills=["cloud computing"], part_of=["mslearn:lp-cloud-concepts"]),
        c("mslearn:mod-azure-arch", "Describe the core architectural components of Azure", "course",
          level="beginner", duration_hours=1.0, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "azure-regions"], part_of=["mslearn:lp-azure-arch"]),
        c("mslearn:mod-azure-compute", "Describe Azure compute and networking services", "course",
          level="beginner", duration_hours=1.5, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "virtual machines", "networking"], part_of=["mslearn:lp-azure-arch"]),
        c("mslearn:lp-cloud-concepts", "Microsoft Azure Fundamentals: Describe cloud concepts",
          "learning_program", level="beginner", duration_hours=1.5, cost_amount=0.0, cost_currency="USD",
          skills=["cloud computing"], has_part=["mslearn:mod-cloud-concepts", "mslearn:mod-cloud-benefits"],
          prepares_for=["mslearn:cert-az900"]),
        c("mslearn:lp-azure-arch", "Azure Fundamentals: Describe Azure architecture and services",
          "learning_program", level="beginner", duration_hours=2.5, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "virtual machines"], has_part=["mslearn:mod-azure-arch", "mslearn:mod-azure-compute"],
          prepares_for=["mslearn:cert-az900"]),
        c("mslearn:exam-az900", "Exam AZ-900: Microsoft Azure Fundamentals", "assessment", level="beginner",
          duration_hours=1.0, cost_amount=99.0, cost_currency="USD", skills=["cloud computing", "Azure"],
          part_of=["mslearn:cert-az900"]),
        c("mslearn:cert-az900", "Microsoft Certified: Azure Fundamentals", "certification", level="beginner",
          duration_hours=0.0, cost_amount=0.0, cost_currency="USD", skills=["cloud computing", "Azure"]),
        c("mslearn:mod-vm-deploy", "Deploy Azure virtual machines", "course", level="intermediate",
          duration_hours=2.0, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "virtual machines", "PowerShell"], part_of=["mslearn:lp-az104-compute"]),
        c("mslearn:mod-vnet", "Configure virtual networks", "course", level="intermediate",
          duration_hours=1.5, cost_amount=0.0, cost_currency="USD", skills=["Azure", "networking"],
          part_of=["mslearn:lp-az104-compute"]),
        c("mslearn:lp-az104-compute", "AZ-104: Deploy and manage Azure compute resources", "learning_program",
          level="intermediate", duration_hours=3.5, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "virtual machines", "networking"], prepares_for=["mslearn:cert-az104"]),
        c("mslearn:exam-az104", "Exam AZ-104: Microsoft Azure Administrator", "assessment",
          level="intermediate", duration_hours=2.0, cost_amount=165.0, cost_currency="USD",
          skills=["Azure", "virtual machines"], part_of=["mslearn:cert-az104"]),
        c("mslearn:cert-az104", "Microsoft Certified: Azure Administrator Associate", "certification",
          level="intermediate", duration_hours=0.0, cost_amount=0.0, cost_currency="USD",
          skills=["Azure", "virtual machines", "networking", "cloud computing"]),
        c("coursera:py-basics", "Python for Everybody", "course", level="beginner", duration_hours=20.0,
          cost_amount=49.0, cost_currency="USD", skills=["Python", "programming"]),
    ]


def add_ctdl_document(con: duckdb.DuckDBPyConnection, doc: Any, source: str = "ctdl") -> dict:
    """Put one CTDL pathway document into the catalogue as the ctdl spider does (a credential whose ``raw`` is
    the document), with its components as credentials; the build's ``ctdl_pathways`` step reads it from there.
    Returns the document's nodes, edges and conditions as that step computes them."""
    import json

    from pipeline.stacking.ctdl import parse_pathway, pathway_records, uid_for

    rec = pathway_records(doc, source=source, resolve_proxies=True)
    have = {r[0] for r in con.execute("SELECT uid FROM credentials").fetchall()}
    rows = [credential(n["uid"], n["title"], n["credential_type"]) for n in rec["nodes"] if n["uid"] not in have]
    pathway_uid = uid_for(parse_pathway(doc).id)
    rows.append(credential(pathway_uid, rec["name"] or pathway_uid, "learning_program", raw=doc))
    names = [n for n, _ in COLUMNS]
    for r in rows:
        r["source"] = source
        con.execute(f"INSERT INTO credentials VALUES ({', '.join('?' * len(names))})",
                    [json.dumps(r.get(n)) if t == "JSON" and r.get(n) is not None else r.get(n) for n, t in COLUMNS])
    return rec


def make_catalogue(path: str, rows: list[dict[str, Any]] | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    create_credentials(con, rows if rows is not None else mslearn_rows())
    # each fixture listing is its own credential, as after a resolution that found no duplicates
    con.execute("CREATE OR REPLACE TABLE credential_sources AS SELECT uid, uid AS credential_uid, true AS is_primary, "
                "source, source_id, title, url FROM credentials")
    con.execute("CREATE OR REPLACE TABLE credential_links (credential_uid VARCHAR, other_credential_uid VARCHAR, "
                "relation VARCHAR, score DOUBLE, evidence VARCHAR)")
    return con
