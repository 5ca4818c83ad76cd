"""Credential Engine Registry: CTDL credentials, learning opportunities and pathways.

Reads the CTIDs configured in ``providers.toml`` from ``/graph/<ctid>`` (or ``/resources/<ctid>``), and, when
an API key is in the environment variable the configuration names (``CE_REGISTRY_API_KEY``), the records the
Search API returns for the configured query; without a key the search is skipped with a clear log message
and a stat. ``-a urls=`` reads given documents instead, ``file://`` exports included.

Every document is expanded by the JSON-LD processor with credcat's offline loader (:mod:`spiders.linked_data`),
so ``ceterms:`` compacted documents with language maps, bare terms under a context and fully expanded
documents, as one object, a list or an ``@graph``, all read alike (``http://`` and ``https://`` forms of the
CTDL namespace included).

Validation, each failure a quarantine row with its reason: ``missing_field`` (ctid, name, ownedBy or
offeredBy), ``ctid_mismatch`` (the ctid disagrees with the ce-... at the end of ``@id``), ``unknown_type``
(a ``ceterms:`` class that is not a known credential, learning opportunity or pathway class),
``jsonld_error`` / ``invalid_json``.

Stacking: ``hasPart`` and ``requires`` targets -> ``has_part``; ``isPartOf`` and ``isRequiredFor`` ->
``part_of``; ``isPreparationFor``, ``isRecommendedFor``, ``isAdvancedStandingFor`` -> ``prepares_for``;
``preparationFrom``, ``recommends``, ``advancedStandingFrom`` -> ``prepared_by``. A Pathway's components
(``hasPart``, older ``hasChild``, walked recursively) give ``has_part`` through their ``proxyFor``, and its
destination component's resource goes to ``prepares_for``; the components with their ``componentDesignation``
and ``ComponentCondition`` (``requiredNumber``, ``targetComponent``) stay in ``raw`` (the whole graph), which
the pipeline reads back (``pipeline.stacking.ctdl``).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import scrapy

from spiders import linked_data as ld
from spiders.base import FAMILY_META
from spiders.documents import DocumentSpider
from spiders.helpers import clean, joined

CTID_RE = re.compile(r"(ce-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")

CREDENTIAL_CLASSES: dict[str, str] = {
    "MicroCredential": "micro_credential",
    "DigitalBadge": "badge", "OpenBadge": "badge", "Badge": "badge",
    "Certificate": "certificate", "CertificateOfCompletion": "certificate", "ProfessionalCertificate": "certificate",
    "ApprenticeshipCertificate": "certificate", "JourneymanCertificate": "certificate", "Diploma": "certificate",
    "SecondarySchoolDiploma": "certificate", "GeneralEducationDevelopment": "certificate",
    "AcademicCertificate": "certificate", "BasicTechnicalCertificate": "certificate", "ProficiencyCertificate": "certificate",
    "Certification": "certification", "License": "certification", "QualityAssuranceCredential": "certification",
    "MasterCertificate": "degree_program", "Degree": "degree_program", "AssociateDegree": "degree_program",
    "BachelorDegree": "degree_program", "MasterDegree": "degree_program", "DoctoralDegree": "degree_program",
    "ProfessionalDoctorate": "degree_program", "ResearchDoctorate": "degree_program",
    "Credential": "certificate",
}
LEARNING_CLASSES = {"LearningOpportunityProfile": "course", "Course": "course", "LearningProgram": "learning_program",
                    "AssessmentProfile": "assessment"}
PATHWAY_CLASSES = {"Pathway": "learning_program"}
RECORD_CLASSES = {**CREDENTIAL_CLASSES, **LEARNING_CLASSES, **PATHWAY_CLASSES}
# Classes that appear beside records in a graph and are read through them, never records themselves.
SUPPORTING = re.compile(r"(Component|Condition|Profile|Organization|Organisation|Object|Address|Point|Value|Place|"
                        r"Set|Scheme|Concept|Model|Level|Framework|Competency|Occupation|Job|WorkRole|Task|"
                        r"Rubric|Collection|Metric|Observation|DataSet|Action|Outcome)$")

HAS_PART = ("hasPart",)
HAS_PART_CONDITIONS = ("requires",)
PART_OF = ("isPartOf",)
PART_OF_CONDITIONS = ("isRequiredFor",)
PREPARES_FOR = ("isPreparationFor", "isRecommendedFor", "isAdvancedStandingFor")
PREPARED_BY = ("preparationFrom", "recommends", "advancedStandingFrom")
TARGETS = ("targetCredential", "targetLearningOpportunity", "targetAssessment", "targetCompetency")


def ctid_of(iri: str | None) -> str | None:
    m = CTID_RE.search(iri or "")
    return m.group(1).lower() if m else None


def uid_for(iri: str, graph: dict[str, dict]) -> str:
    """``ctdl:<ctid>`` for a reference, from the IRI or from the referenced node's own ctid."""
    ctid = ctid_of(iri)
    if not ctid and iri in graph:
        ctid = (ld.text(graph[iri], "ctid") or "").lower() or None
    return f"ctdl:{ctid or iri}"


def node_refs(node: dict, term: str, graph: dict[str, dict]) -> list[str]:
    return [uid_for(r, graph) for r in ld.refs(node, term)]


def condition_targets(node: dict, term: str, graph: dict[str, dict]) -> list[str]:
    out = []
    for profile in ld.embedded(node, term, graph):
        for target_term in TARGETS:
            out += node_refs(profile, target_term, graph)
    return out


def pathway_components(pathway: dict, graph: dict[str, dict]) -> list[dict]:
    """Every component reachable from a pathway through hasPart / hasChild / hasDestinationComponent."""
    seen: dict[str, dict] = {}
    todo = [r for t in ("hasPart", "hasChild", "hasDestinationComponent") for r in ld.refs(pathway, t)]
    while todo:
        ref = todo.pop(0)
        if ref in seen or ref not in graph:
            continue
        seen[ref] = graph[ref]
        todo += [r for t in ("hasPart", "hasChild") for r in ld.refs(graph[ref], t)]
    return list(seen.values())


def unique(items: list[str], exclude: str | None = None) -> list[str]:
    return [i for i in dict.fromkeys(items) if i != exclude]


def expand_document(document: Any, base: str | None) -> tuple[list[tuple[dict, list[dict]]], dict[str, dict]]:
    """Pairs of (node as sent, its expanded nodes) for every top-level node, and an index of all nodes by @id."""
    pairs = []
    for original in ld.top_nodes(document):
        expanded = ld.expand(original, base=base)
        flat: list[dict] = []
        for node in expanded:
            flat += node["@graph"] if "@graph" in node and isinstance(node["@graph"], list) else [node]
        pairs.append((original, flat))
    graph = ld.index([n for _, nodes in pairs for n in nodes])
    return pairs, graph


class CtdlSpider(DocumentSpider):
    name = "ctdl"
    mirror_mode = "prefix"
    field_sources = {
        "source_id": "ctid (lowercased)",
        "title": "name (English first, else untagged, else the first language)",
        "url": "subjectWebpage, else the registry resource URL",
        "credential_type": "the CTDL class: MicroCredential -> micro_credential, Certificate -> certificate, ...",
        "description": "description",
        "organisation": "ownedBy, else offeredBy: the organisation's name (from the graph or fetched once)",
        "language_text": "inLanguage, comma-separated, else the language tag of name",
        "length_text": "estimatedDuration: exactDuration, else minimumDuration-maximumDuration, else description",
        "cost_text": "estimatedCost, every profile as '<directCostType>: <currency> <price>'",
        "credits_text": "creditValue as '<value> <creditUnitType>'",
        "skills": "keyword + subject / occupationType / industryType targetNodeName",
        "has_part": "hasPart + requires condition targets; a pathway's non-destination components' proxyFor",
        "part_of": "isPartOf + isRequiredFor condition targets",
        "prepares_for": "isPreparationFor / isRecommendedFor / isAdvancedStandingFor targets; a pathway's destination",
        "prepared_by": "preparationFrom / recommends / advancedStandingFrom targets",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.follow_references = bool(self.provider.get("follow_references", False))
        self.emitted: set[str] = set()

    # -- what to read ----------------------------------------------------------------------------------------
    def resource_url(self, entry: str) -> str:
        entry = entry.strip()
        if entry.startswith(("http://", "https://", "file://")):
            return entry
        if entry.startswith("/"):
            return self.live_base_url + entry
        return f"{self.live_base_url}/graph/{entry}"

    def start_urls_for(self):
        for entry in self.provider.get("ctids") or []:
            yield self.follow_doc(self.resource_url(entry), self.parse)
        yield from self.search_requests()

    def search_requests(self, skip: int = 0):
        query = self.provider.get("search_query")
        if not query or not self.provider.get("search_url"):
            return
        env = self.provider.get("api_key_env", "CE_REGISTRY_API_KEY")
        key = os.environ.get(env)
        if not key:
            self.logger.warning("ctdl: search skipped: no API key (set %s to search the registry); "
                                "the configured CTIDs are still read", env)
            self.crawler.stats.set_value("credcat/ctdl/search_skipped", 1)
            return
        size = int(self.provider.get("search_page_size", 100))
        body = {"Query": query, "Skip": skip, "Take": size}
        yield scrapy.Request(self.rebase(self.provider["search_url"]), method="POST", body=json.dumps(body),
                             headers={"Authorization": f"ApiToken {key}", "Content-Type": "application/json"},
                             callback=self.parse_search, cb_kwargs={"skip": skip, "size": size}, dont_filter=True,
                             meta={FAMILY_META: "search"})

    def parse_search(self, response, skip: int, size: int):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        results = data.get("data") if isinstance(data, dict) else None
        if not isinstance(results, list):
            yield self.quarantine(response, "wrong_type", "search response has no data list", data)
            return
        self.crawler.stats.inc_value("credcat/ctdl/search_results", len(results))
        yield from self.parse_document(response, results)
        total = (data.get("extra") or {}).get("TotalResults") if isinstance(data.get("extra"), dict) else None
        if results and isinstance(total, int) and skip + size < total:
            yield from self.search_requests(skip + size)

    # -- documents -------------------------------------------------------------------------------------------
    def parse(self, response):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        yield from self.parse_document(response, data)

    def parse_given(self, response):
        return self.parse(response)

    def parse_document(self, response, document: Any):
        base = response.meta.get("credcat_origin_url") or response.url
        try:
            pairs, graph = expand_document(document, base)
        except (ld.UnknownContext, ld.LinkedDataError) as exc:
            yield self.quarantine(response, "jsonld_error", str(exc), document)
            return
        if not pairs:
            yield self.quarantine(response, "wrong_type", "document holds no JSON-LD node", document)
            return
        for original, nodes in pairs:
            for node in nodes:
                yield from self.handle(response, node, original, graph, document, pairs)

    def handle(self, response, node: dict, original: dict, graph: dict, document: Any, pairs):
        kinds = ld.types(node)
        record_kind = next((k for k in kinds if k in RECORD_CLASSES), None)
        ctid = ld.text(node, "ctid")
        if record_kind is None:
            ctdl_types = [t for t in (node.get("@type") or []) if t.startswith((ld.CTDL, ld.CTDL_HTTP))]
            unknown = [ld.local_name(t) for t in ctdl_types if not SUPPORTING.search(ld.local_name(t))]
            if unknown:
                yield self.quarantine(response, "unknown_type",
                                      f"ceterms:{unknown[0]} is not a known CTDL credential, learning opportunity or "
                                      f"pathway class", original, ctid)
            elif not kinds:
                self.crawler.stats.inc_value("credcat/ctdl/untyped_nodes")
            return
        problems = self.problems(node, ctid)
        if problems:
            reason, message = problems[0]
            yield self.quarantine(response, reason, "; ".join(m for _, m in problems), original, ctid)
            return
        ctid = ctid.lower()
        if ctid in self.emitted:
            return
        self.emitted.add(ctid)
        raw = original
        if record_kind in PATHWAY_CLASSES:  # the components and conditions live beside the pathway
            raw = document if len(pairs) > 1 else original
        yield from self.follow_references_of(response, node, graph)
        owner = (ld.refs(node, "ownedBy") or ld.refs(node, "offeredBy"))[0]
        owner_name = ld.text(graph[owner], "name") if owner in graph else None

        def then(name):
            if owner in self.refused:  # the owner is named at a private/loopback/link-local address
                yield self.quarantine(response, "unsafe_address", f"ownedBy/offeredBy {self.refused[owner]}", raw, ctid)
                return
            yield self.safely(response, raw, lambda r: self.build(response, node, record_kind, graph, r, name), ctid)

        if owner_name or not owner.startswith(("http://", "https://")):
            yield from then(owner_name)
        else:
            yield from self.with_name(owner, then, referrer=response, referrer_raw=raw, source_id=ctid)

    def problems(self, node: dict, ctid: str | None) -> list[tuple[str, str]]:
        out = []
        if not ctid:
            out.append(("missing_field", "missing_field: ctid is required"))
        node_id = node.get("@id") or ""
        id_ctid = ctid_of(node_id.rstrip("/").rsplit("/", 1)[-1]) if node_id else None
        if ctid and id_ctid and id_ctid != ctid.lower():
            out.append(("ctid_mismatch", f"ctid_mismatch: ctid {ctid} disagrees with @id {node_id}"))
        if not ld.text(node, "name"):
            out.append(("missing_field", "missing_field: name is required"))
        if not (ld.refs(node, "ownedBy") or ld.refs(node, "offeredBy")):
            out.append(("missing_field", "missing_field: ownedBy or offeredBy is required"))
        return out

    def follow_references_of(self, response, node: dict, graph: dict):
        if not self.follow_references:
            return
        targets = ld.refs(node, "hasPart")
        if "Pathway" in ld.types(node):
            targets = [r for c in pathway_components(node, graph) for r in ld.refs(c, "proxyFor")]
        for ref in targets:
            ctid = ctid_of(ref)
            if ctid and ctid not in self.emitted and ref.startswith(self.live_base_url):
                yield self.follow_doc(self.resource_url(ctid), self.parse, referrer=response, source_id=ctid)

    def organisation_name(self, document: Any, url: str) -> str | None:
        try:
            pairs, _ = expand_document(document, url)
        except (ld.UnknownContext, ld.LinkedDataError):
            return None
        for _, nodes in pairs:
            for node in nodes:
                name = ld.text(node, "name")
                if name:
                    return clean(name)
        return None

    # -- records ---------------------------------------------------------------------------------------------
    def build(self, response, node: dict, kind: str, graph: dict, raw: Any, organisation: str | None):
        ctid = ld.text(node, "ctid").lower()
        title, lang = ld.preferred(ld.lang_strings(node, "name"))
        languages = [str(ld.literal(v)) for v in ld.values(node, "inLanguage") if ld.literal(v)]
        uid = f"ctdl:{ctid}"
        # A pathway's own hasPart names its components (not listings): it stacks through their proxyFor below.
        has_part = node_refs(node, "hasPart", graph) if kind not in PATHWAY_CLASSES else []
        has_part += [t for term in HAS_PART_CONDITIONS for t in condition_targets(node, term, graph)]
        part_of = node_refs(node, "isPartOf", graph)
        part_of += [t for term in PART_OF_CONDITIONS for t in condition_targets(node, term, graph)]
        prepares_for = [t for term in PREPARES_FOR for t in condition_targets(node, term, graph)]
        prepared_by = [t for term in PREPARED_BY for t in condition_targets(node, term, graph)]
        if kind in PATHWAY_CLASSES:
            destinations = set(ld.refs(node, "hasDestinationComponent"))
            for comp in pathway_components(node, graph):
                for proxy in ld.refs(comp, "proxyFor"):
                    (prepares_for if comp.get("@id") in destinations else has_part).append(uid_for(proxy, graph))
        skills = [clean(k) for k, _ in ld.lang_strings(node, "keyword") if clean(k)]
        for term in ("subject", "occupationType", "industryType"):
            for item in ld.embedded(node, term, graph):
                name = ld.text(item, "targetNodeName")
                if name:
                    skills.append(clean(name))
        fields: dict[str, Any] = dict(
            source_id=ctid,
            title=clean(title),
            url=(ld.refs(node, "subjectWebpage") or [f"{self.live_base_url}/resources/{ctid}"])[0],
            credential_type=RECORD_CLASSES[kind],
            description=clean(ld.text(node, "description")),
            organisation=organisation,
            language_text=joined(languages) or lang,
            length_text=self.length(node, graph),
            cost_text=self.costs(node, graph),
            credits_text=self.credits(node, graph),
            skills=unique(skills),
            has_part=unique(has_part, uid),
            part_of=unique(part_of, uid),
            prepares_for=unique(prepares_for, uid),
            prepared_by=unique(prepared_by, uid),
        )
        return self.listing(response, raw, **fields)

    def length(self, node: dict, graph: dict) -> str | None:
        """``estimatedDuration`` as stated: ``exactDuration``, else ``minimumDuration-maximumDuration``, else its
        description. A calendar length (``P20D`` is twenty days), never hours of study."""
        for profile in ld.embedded(node, "estimatedDuration", graph):
            exact = ld.text(profile, "exactDuration")
            low, high = ld.text(profile, "minimumDuration"), ld.text(profile, "maximumDuration")
            stated = exact or "-".join(x for x in (low, high) if x) or clean(ld.text(profile, "description"))
            if stated:
                return stated
        return None

    def costs(self, node: dict, graph: dict) -> str | None:
        """Every ``estimatedCost`` profile as ``"<direct cost type>: <currency> <price>"``, ``"; "``-separated."""
        out = []
        for profile in ld.embedded(node, "estimatedCost", graph):
            price = next((ld.literal(v) for v in ld.values(profile, "price")), None)
            kinds = [ld.text(c, "targetNodeName") or ld.local_name(str(r))
                     for c in ld.embedded(profile, "directCostType", graph) for r in (ld.refs(c, "targetNode") or [""])]
            label = joined(kinds) or clean(ld.text(profile, "description")) or "Cost"
            if price not in (None, ""):
                out.append(f"{label}: " + " ".join(x for x in (ld.text(profile, "currency"), joined([price])) if x))
            elif ld.text(profile, "description"):
                out.append(clean(ld.text(profile, "description")))
        return joined(out, "; ")

    def credits(self, node: dict, graph: dict) -> str | None:
        """``creditValue`` (a QuantitativeValue) as ``"<value> <unit>"``: ``value`` or ``minValue-maxValue``, the
        unit from ``creditUnitType`` (its name) or ``unitText``; else the value's description."""
        ns = (ld.CTDL, ld.CTDL_HTTP, *ld.SCHEMA)
        for value in ld.embedded(node, "creditValue", graph):
            number, low, high = (next((ld.literal(v) for v in ld.values(value, t, ns)), None)
                                 for t in ("value", "minValue", "maxValue"))
            unit = next((ld.text(c, "targetNodeName") or ld.local_name(str(r))
                         for c in ld.embedded(value, "creditUnitType", graph) for r in (ld.refs(c, "targetNode") or [""])),
                        None) or ld.text(value, "unitText", ns)
            amount = joined([number]) if number is not None else (
                f"{joined([low])}-{joined([high])}" if low is not None and high is not None else None)
            if amount:
                return " ".join(x for x in (amount, unit) if x)
            if ld.text(value, "description", ns):
                return clean(ld.text(value, "description", ns))
        return None
