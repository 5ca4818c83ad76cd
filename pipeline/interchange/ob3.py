"""Open Badges 3.0: every credential as an OB 3.0 Achievement (achievements.json), re-importable.

One JSON array of ``Achievement`` objects, each with its own ``@context`` (the W3C VC 2.0 and OB 3.0.3
contexts), written for the 1EdTech JSON Schema's ``Achievement`` class (required ``id``, ``type``,
``criteria``, ``description``, ``name``). What each field holds, from the published ``credentials`` row:

* ``id`` ``urn:credcat:<uid>``; ``name`` the title; ``description`` (``""`` when unknown, the schema wants one);
* ``achievementType`` from the credential type (``spiders.record.CREDENTIAL_TYPES``), which the Open Badges
  spider maps back to the same type;
* ``criteria``: ``id`` the listing's URL, ``narrative`` the criteria text;
* ``creator``: a Profile named after the awarding body (``urn:credcat:organisation:<name>``), with the
  issuer's country as ``address.addressCountryCode`` when the source gave one;
* ``alignment[]`` as the source stated them; ``tag`` the other skills; ``humanCode`` the code; ``inLanguage``
  the language as stated; ``resultDescription[]`` one per learning outcome (``resultType``
  ``ext:LearningOutcome``);
* credits: the stated ``"<n> credits"`` as ``creditsAvailable`` and ``"<n> ECTS"`` as ``ECTS`` (the Edubadges
  extension term the spider reads); credits in other units have no OB 3.0 home and are left out.

``credcat import achievements.json`` reads it back into the same titles, types, credits, criteria and
alignments (tests/test_interchange_ob3.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from spiders.record import CREDENTIAL_TYPES

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ACHIEVEMENT_TYPES = {term: ob3 for term, (_ctdl, ob3, _doc) in CREDENTIAL_TYPES.items()}
ALIGNMENT_TYPES = {"ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
                   "CFRubricCriterionLevel", "CTDL"}
# The two credit texts the Open Badges spider writes (contract 1), read back; anything else stays out.
CREDITS = re.compile(r"^(\d+(?:\.\d+)?) (credits|ECTS)$")
COLUMNS = ("uid", "title", "description", "url", "credential_type", "organisation", "issuer_country", "skills",
           "alignments", "learning_outcomes", "credits_text", "criteria_text", "code", "language_text")
FILE = "achievements.json"


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def alignment(a: dict) -> dict | None:
    """An OB 3.0 Alignment from a stated alignment (needs at least a name)."""
    if not a.get("name"):
        return None
    out = {"type": ["Alignment"], "targetName": a["name"]}
    for key, value in (("targetUrl", a.get("url")), ("targetFramework", a.get("framework")),
                       ("targetCode", a.get("code"))):
        if value:
            out[key] = value
    kind = a.get("type")
    if kind:
        out["targetType"] = kind if kind in ALIGNMENT_TYPES or kind.startswith("ext:") else \
            "ext:" + re.sub(r"[^A-Za-z0-9._-]", "", kind)
    return out


def achievement(row: dict) -> dict:
    """One credentials row as an OB 3.0 Achievement."""
    aid = f"urn:credcat:{quote(row['uid'], safe=':/@')}"
    out: dict = {"@context": CONTEXT, "id": aid, "type": ["Achievement"],
                 "achievementType": ACHIEVEMENT_TYPES.get(row["credential_type"], "Achievement"),
                 "name": row["title"], "description": row.get("description") or ""}
    criteria = {k: v for k, v in (("id", row.get("url")), ("narrative", row.get("criteria_text"))) if v}
    out["criteria"] = criteria
    if row.get("organisation"):
        creator = {"id": f"urn:credcat:organisation:{quote(row['organisation'], safe='')}", "type": ["Profile"],
                   "name": row["organisation"]}
        if row.get("issuer_country"):
            creator["address"] = {"type": ["Address"], "addressCountryCode": row["issuer_country"]}
        out["creator"] = creator
    alignments = [x for x in (alignment(a) for a in _json(row.get("alignments")) or []) if x]
    if alignments:
        out["alignment"] = alignments
    named = {a["targetName"] for a in alignments}
    tags = [s for s in row.get("skills") or [] if s not in named]
    if tags:
        out["tag"] = tags
    for part in (row.get("credits_text") or "").split("; "):
        m = CREDITS.match(part.strip())
        if m:
            out["creditsAvailable" if m.group(2) == "credits" else "ECTS"] = float(m.group(1))
    if row.get("code"):
        out["humanCode"] = row["code"]
    if row.get("language_text"):
        out["inLanguage"] = row["language_text"]
    outcomes = row.get("learning_outcomes") or []
    if outcomes:
        out["resultDescription"] = [{"id": f"{aid}:outcome:{i}", "type": ["ResultDescription"], "name": o,
                                     "resultType": "ext:LearningOutcome"} for i, o in enumerate(outcomes, 1)]
    return out


def rows(con) -> list[dict]:
    """The credentials to export, in uid order (a column a catalogue lacks reads as null)."""
    have = {r[0] for r in con.execute("select column_name from information_schema.columns "
                                      "where table_name = 'credentials'").fetchall()}
    if not have:
        raise ValueError("the catalogue has no credentials table")
    select = ", ".join(f'"{c}"' if c in have else f'null as "{c}"' for c in COLUMNS)
    cur = con.execute(f"select {select} from credentials order by uid")
    return [dict(zip(COLUMNS, r)) for r in cur.fetchall()]


def write(con, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    achievements = [achievement(r) for r in rows(con)]
    path = out / FILE
    tmp = path.with_name(f".{FILE}.tmp")
    tmp.write_text(json.dumps(achievements, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return {"format": "ob3", "path": str(path), "counts": {"achievements": len(achievements)}}
