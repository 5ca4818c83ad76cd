"""The vendored skill taxonomy (the whole ESCO skills pillar with its hierarchy, groups and collections; O*NET
technology skills) as a table.

``load_taxonomy(con)`` (re)creates two tables in the connection's database:

``skills``
    skill_id VARCHAR (``esco:<path>`` or ``onet:<code>``; primary key), framework (``esco`` | ``onet``),
    code, label, alt_labels VARCHAR[], parent (skill_id of the primary broader concept, NULL at a root),
    broader VARCHAR[] (all broader concepts), concept_type, collections VARCHAR[], uri, description,
    framework_version, hot_technology BOOLEAN, in_demand BOOLEAN, occupation_count INTEGER.

``skill_occupations``
    skill_id, soc_code, occupation, hot_technology, in_demand (O*NET technology skill -> occupation).

Nothing here downloads anything: the CSV/TSV files ship in ``pipeline/skills/data`` (see ATTRIBUTION.md;
``esco_skills.csv.gz`` is the pillar's 13,939 skill and knowledge concepts, derived by
``scripts/build_esco_pillar.py``).
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
ESCO_VERSION = "esco-1.1"
ONET_VERSION = "onet-28"
ESCO_BASE = "http://data.europa.eu/esco/"

SKILLS_DDL = """
CREATE OR REPLACE TABLE skills (
    skill_id VARCHAR PRIMARY KEY,
    framework VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    alt_labels VARCHAR[],
    parent VARCHAR,
    broader VARCHAR[],
    concept_type VARCHAR,
    collections VARCHAR[],
    uri VARCHAR,
    description VARCHAR,
    framework_version VARCHAR NOT NULL,
    hot_technology BOOLEAN,
    in_demand BOOLEAN,
    occupation_count INTEGER
)
"""

OCC_DDL = """
CREATE OR REPLACE TABLE skill_occupations (
    skill_id VARCHAR NOT NULL,
    soc_code VARCHAR NOT NULL,
    occupation VARCHAR,
    hot_technology BOOLEAN,
    in_demand BOOLEAN
)
"""

# Vendors whose name prefixes O*NET examples ("Microsoft Azure software"): the rest is an alternative label.
_VENDORS = (
    "Microsoft", "Amazon Web Services", "Amazon", "Google", "Oracle", "IBM", "Adobe", "SAP", "Apache",
    "Autodesk", "Atlassian", "Cisco", "Red Hat", "Salesforce", "Intuit", "Apple", "VMware", "Citrix",
    "Facebook", "Meta", "Dell", "HP", "Hewlett Packard Enterprise", "Hewlett-Packard", "SAS", "Tableau",
    "The MathWorks", "MathWorks", "Esri", "ESRI", "Bentley", "Dassault Systemes", "Siemens", "Splunk",
    "Elastic", "Mozilla", "Unisys", "Infor", "Epic Systems", "Cerner", "Sage", "Corel", "Trimble",
)
# Single words too common in English (or too ambiguous) to stand alone as an alternative label.
GENERIC_WORDS = frozenset(
    """a an the and or of for in on with to tools tool software system systems suite platform manager
    data cloud server analytics insight insights storage compute network search services service
    studio visual enterprise online web mobile desktop basic pro professional standard""".split()
)
# Real product names that are also everyday words: fine in a skill list ("Excel"), not in running text.
COMMON_WORDS = frozenset(
    """access word teams project office outlook publisher edge paint photos excel go forms lists notes
    dynamics stream sway bookings planner whiteboard sites connect chart charts mail calendar contacts
    messages pages numbers keynote maps drive docs sheets slides meet chat classroom groups vault key
    monitor functions sentinel defender python? r c d e s""".replace("python?", "").split()
)
AMBIGUOUS_WORDS = GENERIC_WORDS | COMMON_WORDS


@dataclass
class Concept:
    skill_id: str
    framework: str
    code: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    parent: str | None = None
    broader: list[str] = field(default_factory=list)
    concept_type: str = ""
    collections: list[str] = field(default_factory=list)
    uri: str | None = None
    description: str | None = None
    framework_version: str = ""
    hot_technology: bool | None = None
    in_demand: bool | None = None
    occupation_count: int | None = None

    def row(self) -> tuple:
        return (
            self.skill_id, self.framework, self.code, self.label, _dedupe(self.alt_labels), self.parent,
            _dedupe(self.broader), self.concept_type, _dedupe(self.collections), self.uri, self.description,
            self.framework_version, self.hot_technology, self.in_demand, self.occupation_count,
        )


def _dedupe(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


def esco_id(uri: str) -> str:
    """``http://data.europa.eu/esco/skill/S1.8.2`` -> ``esco:skill/S1.8.2``."""
    uri = uri.strip()
    return "esco:" + (uri[len(ESCO_BASE):] if uri.startswith(ESCO_BASE) else uri)


def _split_labels(text: str | None) -> list[str]:
    if not text:
        return []
    parts = re.split(r"\n| \| ", text)
    return [re.sub(r"\s+", " ", p).strip() for p in parts if p and p.strip()]


def _read_csv(name: str, data_dir: Path, delimiter: str = ",") -> list[dict[str, str]]:
    path = data_dir / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def _esco_concepts(data_dir: Path) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}

    # 0. The pillar: every skill/competence and knowledge concept with its labels and description.
    if (data_dir / "esco_skills.csv.gz").exists():
        for row in _read_csv("esco_skills.csv.gz", data_dir):
            sid = esco_id(row["uri"])
            concepts[sid] = Concept(
                sid, "esco", sid[5:], row["preferred_label"], alt_labels=_split_labels(row["alt_labels"]),
                uri=row["uri"], concept_type=row["skill_type"], description=row["description"] or None,
                collections=["pillar"] + (["segmented-labels"] if row["label_source"] == "segmented" else []),
                framework_version=ESCO_VERSION,
            )

    def get(uri: str, label: str, ctype: str) -> Concept:
        sid = esco_id(uri)
        c = concepts.get(sid)
        if c is None:
            c = Concept(sid, "esco", sid[5:], label, uri=uri, concept_type=ctype, framework_version=ESCO_VERSION)
            concepts[sid] = c
        return c

    # 1. The skills hierarchy: each row names a concept at its deepest filled level, with its ancestors.
    for row in _read_csv("skillsHierarchy_en.csv", data_dir):
        path = []
        for level in range(4):
            uri = (row.get(f"Level {level} URI") or "").strip()
            if uri:
                path.append((uri, (row.get(f"Level {level} preferred term") or "").strip()))
        if not path:
            continue
        uri, label = path[-1]
        c = get(uri, label, "hierarchy")
        c.description = c.description or (row.get("Description") or None)
        if len(path) > 1:
            c.parent = esco_id(path[-2][0])
            c.broader.append(c.parent)
        c.collections.append("skills-hierarchy")

    # 2. Skill groups (hierarchy groups plus the ISCED-F fields of education); alt labels live here.
    for row in _read_csv("skillGroups_en.csv", data_dir):
        uri = row["conceptUri"].strip()
        c = get(uri, row["preferredLabel"].strip(), "skill_group")
        c.alt_labels += _split_labels(row.get("altLabels")) + _split_labels(row.get("hiddenLabels"))
        c.description = c.description or (row.get("description") or None)
        if "/isced-f/" in uri and c.parent is None:
            code = uri.rsplit("/", 1)[1]
            if len(code) > 2:  # 0611 -> 061 -> 06
                c.parent = esco_id(uri.rsplit("/", 1)[0] + "/" + code[:-1])
                c.broader.append(c.parent)
            c.collections.append("isced-f")

    # 3. Collections of individual skills (digital, transversal, language).
    for fname, coll in (
        ("ictSkillsCollection_en.csv", "digital"),
        ("transversalSkillsCollection_en.csv", "transversal"),
        ("languageSkillsCollection_en.csv", "language"),
    ):
        for row in _read_csv(fname, data_dir):
            c = get(row["conceptUri"], row["preferredLabel"].strip(), (row.get("skillType") or "skill").strip())
            if "segmented-labels" in c.collections:  # the collection file has the labels apart: prefer them
                c.label, c.alt_labels = row["preferredLabel"].strip(), []
                c.collections.remove("segmented-labels")
            c.alt_labels += _split_labels(row.get("altLabels"))
            if (noun := esco_noun_phrase(c.label)) is not None:
                c.alt_labels.append(noun)
            c.description = c.description or (row.get("description") or None)
            c.collections.append(coll)
            broader = [esco_id(u) for u in _split_labels(row.get("broaderConceptUri"))]
            c.broader += broader
            if c.parent is None and broader:
                c.parent = broader[0]
            # A broader concept named only by URI in the collection file (e.g. "French" as a language).
            pts = _split_labels(row.get("broaderConceptPT"))
            if len(pts) == len(broader):
                for sid, label in zip(broader, pts):
                    if sid not in concepts:
                        concepts[sid] = Concept(
                            sid, "esco", sid[5:], label, uri=ESCO_BASE + sid[5:], concept_type="skill_group",
                            collections=[coll], framework_version=ESCO_VERSION,
                        )
    # Parents that point outside the vendored files are kept in `broader` but dropped as `parent`.
    for c in concepts.values():
        if c.parent and c.parent not in concepts:
            c.parent = None
    return concepts


_ACRONYM = re.compile(r"^(?P<long>.+?)\s+(?P<acr>[A-Z][A-Z0-9/+&-]{1,7})(?P<rest>(?:\s+\S+)*)$")


def _is_acronym_of(acr: str, long_: str) -> bool:
    """``HTML`` of "Hypertext markup language", ``AWS`` of "Amazon Web Services"; not ``SQL`` of "Windent"."""
    # a digit counts its letter ("S3" = Simple Storage Service, "EC2" = Elastic Compute Cloud)
    letters = re.sub(r"[^A-Z]", "", re.sub(r"([A-Z])([2-9])", lambda m: m.group(1) * int(m.group(2)), acr))
    for vendor in _VENDORS:
        if long_.startswith(vendor + " ") and long_[len(vendor) + 1:][:1].upper() == letters[:1]:
            long_ = long_[len(vendor) + 1:]
            break
    words = re.findall(r"[A-Za-z]+", long_)
    if acr.lower() in (w.lower() for w in words):
        return False  # "Digital Equipment Corporation DIGITAL" is a name, not an acronym
    if len(letters) < 2 or not words or words[0][0].upper() != letters[0]:
        return False
    rest = iter(long_.upper())
    return all(ch in rest for ch in letters)  # letters appear in order


def onet_alt_labels(example: str) -> list[str]:
    """Alternative labels derived from an O*NET example name ("Amazon Web Services AWS software")."""
    alts: list[str] = []
    base = re.sub(r"\s+(software|services|service)$", "", example, flags=re.I).strip()
    if base != example:
        alts.append(base)
    m = _ACRONYM.match(base)
    if m and m.group("acr").isupper():
        acr, long_ = m.group("acr"), m.group("long").strip()
        if _is_acronym_of(acr, long_):
            rest = m.group("rest").strip()
            # an acronym followed by more of the name is the acronym of its maker or topic, not of the product:
            # "ANSI" of *American National Standards Institute ANSI C*, "American Sign Language" of *... ASL
            # browser*, "AWS" of *Amazon Web Services AWS SageMaker*, "GIS" of *... GIS marketing software*
            # (a version after it aside: "CORAL 66" is CORAL)
            own = not rest or bool(re.fullmatch(r"v?\d[\d.]*", rest))
            if own:
                alts.append(acr)
                alts.append(long_)
            vendor = next((v for v in _VENDORS if long_.startswith(v + " ")), None)
            if own and vendor and not long_[len(vendor) + 1:].upper().startswith(acr):
                alts.append(f"{vendor} {acr}")  # "Amazon S3"
            if rest:
                alts.append(f"{acr} {rest}")
        elif re.fullmatch(r"[A-Z][A-Za-z0-9]{3,}", long_) and not m.group("rest").strip():
            alts.append(long_)  # "Jenkins CI" -> "Jenkins", "Eclipse IDE" -> "Eclipse"
    for vendor in _VENDORS:
        for name in list(alts) + [base]:
            if name.split()[0] != base.split()[0]:
                continue  # strip a vendor off the example's own start only ("Elastic" inside EC2's name is none)
            if name.startswith(vendor + " "):
                rest = name[len(vendor) + 1:].strip()
                # keep "Azure" (a name), drop "cloud computing" (generic words after the vendor)
                if rest and len(rest) >= 3 and rest.lower() not in GENERIC_WORDS and re.search(r"[A-Z0-9]", rest):
                    alts.append(rest)
    return [a for a in _dedupe(alts) if a != example and a.lower() not in GENERIC_WORDS]


# ESCO skills are verb phrases ("use databases"); the noun phrase is how catalogues write them ("databases").
_ESCO_VERBS = ("use", "implement", "demonstrate", "apply", "carry out", "operate", "perform")


def esco_noun_phrase(label: str) -> str | None:
    for verb in _ESCO_VERBS:
        if label.lower().startswith(verb + " "):
            rest = re.sub(r"^(a|an|the)\s+", "", label[len(verb) + 1:].strip(), flags=re.I)
            if (len(rest.split()) >= 2 or len(rest) >= 6) and rest.lower() not in GENERIC_WORDS:
                return rest
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_SPELLED = (("+", " plus "), ("#", " sharp "))  # symbols that make a name of their own: C, C++, C#


def _spelled_slug(text: str) -> str:
    """The slug with the symbols that tell names apart written as words ("C++" -> ``c-plus-plus``)."""
    for sym, word in _SPELLED:
        text = text.replace(sym, word)
    return _slug(text)


def onet_slugs(examples) -> dict[str, str]:
    """Each O*NET example's slug (``onet:tech/<slug>``). The slug drops every symbol, so "C", "C++" and "C#"
    would share ``c`` and collapse into one concept labelled "C" (C++ and C# lost as concepts): where examples
    share a slug, the one the slug spells whole keeps it and the others have their ``+`` and ``#`` written as
    words (``c-plus-plus``, ``c-sharp``). Every other example keeps its plain slug, so no id changes; examples
    that would still share one are an error (none in O*NET 28)."""
    examples = sorted(set(examples))
    groups: dict[str, list[str]] = defaultdict(list)
    for e in examples:
        groups[_slug(e)].append(e)
    out: dict[str, str] = {}
    for slug, names in groups.items():
        for e in names:
            out[e] = slug if len(names) == 1 or _spelled_slug(e) == slug else _spelled_slug(e)
    clash = defaultdict(list)
    for e, slug in out.items():
        clash[slug].append(e)
    if bad := {s: es for s, es in clash.items() if len(es) > 1}:
        raise ValueError(f"O*NET examples share a slug: {bad}")
    return out


def _onet_concepts(data_dir: Path) -> tuple[dict[str, Concept], list[tuple]]:
    occ_titles = {r["O*NET-SOC Code"]: r["Title"] for r in _read_csv("occupation_data.tsv", data_dir, "\t")}
    concepts: dict[str, Concept] = {}
    commodity_votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    occ_rows: list[tuple] = []
    tech_rows = _read_csv("technology_skills.tsv.gz", data_dir, "\t")
    slugs = onet_slugs(row["Example"].strip() for row in tech_rows)
    for row in tech_rows:
        example = row["Example"].strip()
        ccode, ctitle = row["Commodity Code"].strip(), row["Commodity Title"].strip()
        cid = f"onet:{ccode}"
        if cid not in concepts:
            concepts[cid] = Concept(
                cid, "onet", ccode, ctitle, concept_type="commodity", framework_version=ONET_VERSION,
                collections=["technology-skills"], alt_labels=onet_alt_labels(ctitle),
            )
        slug = slugs[example]
        sid = f"onet:tech/{slug}"
        hot, demand = row.get("Hot Technology") == "Y", row.get("In Demand") == "Y"
        c = concepts.get(sid)
        if c is None:
            c = Concept(
                sid, "onet", f"tech/{slug}", example, concept_type="technology",
                framework_version=ONET_VERSION, collections=["technology-skills"],
                alt_labels=onet_alt_labels(example), hot_technology=False, in_demand=False, occupation_count=0,
            )
            concepts[sid] = c
        c.hot_technology = c.hot_technology or hot
        c.in_demand = c.in_demand or demand
        c.occupation_count = (c.occupation_count or 0) + 1
        commodity_votes[sid][cid] += 1
        soc = row["O*NET-SOC Code"].strip()
        occ_rows.append((sid, soc, occ_titles.get(soc), hot, demand))
    for sid, votes in commodity_votes.items():
        ranked = sorted(votes, key=lambda k: (-votes[k], k))
        concepts[sid].parent = ranked[0]
        concepts[sid].broader = ranked
    return concepts, occ_rows


def _curated(data_dir: Path, concepts: dict[str, Concept]) -> None:
    path = data_dir / "curated_labels.csv"
    if not path.exists():
        return
    for row in _read_csv(path.name, data_dir):
        c = concepts.get(row["skill_id"].strip())
        if c is None:
            raise ValueError(f"curated_labels.csv names an unknown concept {row['skill_id']!r}")
        c.alt_labels.append(row["alt_label"].strip())


def read_concepts(data_dir: Path = DATA_DIR) -> tuple[dict[str, Concept], list[tuple]]:
    """All concepts of both frameworks, keyed by skill_id, and the O*NET skill->occupation rows."""
    concepts = _esco_concepts(data_dir)
    onet, occ_rows = _onet_concepts(data_dir)
    concepts.update(onet)
    _curated(data_dir, concepts)
    return concepts, occ_rows


def load_taxonomy(con, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """(Re)create ``skills`` and ``skill_occupations`` from the vendored files; returns row counts."""
    concepts, occ_rows = read_concepts(data_dir)
    con.execute(SKILLS_DDL)
    con.execute(OCC_DDL)
    insert_rows(con, "skills", [c.row() for c in concepts.values()])
    insert_rows(con, "skill_occupations", occ_rows)
    return {
        "skills": con.execute("SELECT count(*) FROM skills").fetchone()[0],
        "skill_occupations": len(occ_rows),
    }


def insert_rows(con, table: str, rows: list[tuple]) -> None:
    """Bulk insert tuples into an existing table through Arrow (``executemany`` is row-at-a-time)."""
    import pyarrow as pa

    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    if not rows:
        return
    arrow = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
    con.register("_credcat_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _credcat_rows")
    finally:
        con.unregister("_credcat_rows")
