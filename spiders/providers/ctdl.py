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
from spiders.ctdl_ids import ctid_of, stable_id
from spiders.documents import DocumentSpider
from spiders.helpers import clean, joined

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
SUPPORTING = re.compile(r"(Component|Condition|Constraint|Profile|Organization|Organisation|Object|Address|Point|Value|Place|"
                        r"Set|Scheme|Concept|Model|Level|Framework|Competency|Occupation|Job|WorkRole|Task|"
                        r"Rubric|Collection|Metric|Observation|DataSet|Action|Outcome)$")

HAS_PART = ("hasPart",)
HAS_PART_CONDITIONS = ("requires",)
PART_OF = ("isPartOf",)
PART_OF_CONDITIONS = ("isRequiredFor",)
PREPARES_FOR = ("isPreparationFor", "isRecommendedFor", "isAdvancedStandingFor")
PREPARED_BY = ("preparationFrom", "recommends", "advancedStandingFrom")
TARGETS = ("targetCredential", "targetLearningOpportunity", "targetAssessment", "targetCompetency")


CTDLASN = ("https://purl.org/ctdlasn/terms/", "http://purl.org/ctdlasn/terms/")
ASN = "http://purl.org/ASN/schema/core/"
_TEXT_TERMS = ("name", "description", "keyword", "alternateName", "componentCategory", "targetNodeName",
               "targetNodeDescription", "conditionDescription", "submissionOfDescription", "experience")
_REF_TERMS = ("ownedBy", "offeredBy", "hasPart", "isPartOf", "proxyFor", "hasDestinationComponent",
              "isDestinationComponentFor", "targetComponent", "targetCredential", "targetLearningOpportunity",
              "targetAssessment", "precedes", "precededBy", "targetNode", "componentDesignation", "logicalOperator",
              "hasCondition", "hasConstraint", "hasRoot", "isParentOf", "isRootOf", "subjectWebpage", "accreditedBy",
              "approvedBy", "recognizedBy", "regulatedBy", "leftSource", "rightSource", "comparator", "leftAction",
              "rightAction", "credentialType", "hasProgressionModel", "sourceData", "isDestinationComponentOf")


def _fallback_context() -> dict:
    """Bare CTDL terms and the usual prefixes, what a CTDL document without a usable context means: appended
    after a shipped context (so bare terms it leaves undefined still read), or alone for an unshipped one."""
    ctx: dict[str, Any] = {
        "@vocab": ld.CTDL, "ceterms": ld.CTDL, "ceasn": CTDLASN[0], "ctdlasn": CTDLASN[0], "asn": ASN,
        "skos": "http://www.w3.org/2004/02/skos/core#", "schema": "https://schema.org/",
        "dcterms": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": "@id", "type": "@type",
    }
    for t in _TEXT_TERMS:
        ctx[t] = ctx[f"ceterms:{t}"] = {"@id": ld.CTDL + t, "@container": "@language"}
    for t in _REF_TERMS:
        ctx[t] = ctx[f"ceterms:{t}"] = {"@id": ld.CTDL + t, "@type": "@id"}
    for t in ("hasChild", "isChildOf"):
        ctx[t] = ctx[f"ceasn:{t}"] = {"@id": CTDLASN[0] + t, "@type": "@id"}
    for t in ("hasProgressionLevel", "hasProgressionModel"):
        ctx[f"asn:{t}"] = {"@id": ASN + t, "@type": "@id"}
    ctx["hasProgressionLevel"] = {"@id": ASN + "hasProgressionLevel", "@type": "@id"}
    return ctx


FALLBACK_CONTEXT = _fallback_context()
COMPONENT_LINKS = ("hasPart", "hasChild", "hasDestinationComponent", "hasRoot", "isParentOf", "targetComponent",
                   "hasCondition", "precedes", "precededBy")


def uid_for(iri: str, graph: dict[str, dict]) -> str:
    """``ctdl:<id>`` for a reference: the referenced node's ctid, else the id derived from the IRI
    (:func:`spiders.ctdl_ids.stable_id`, the same the pathway reader derives)."""
    ctid = (ld.text(graph[iri], "ctid") or None) if iri in graph else None
    return f"ctdl:{stable_id(iri, ctid)}"


def node_refs(node: dict, term: str, graph: dict[str, dict], owner: str | None = None) -> list[str]:
    """References, embedded targets without an ``@id`` included (by their ctid, else ``<owner>#<term>-<i>``,
    ``owner`` being the node's own ``@id`` or, for an id-less profile, its record's)."""
    out = [uid_for(r, graph) for r in ld.refs(node, term)]
    owner = node.get("@id") or owner or ""
    for i, item in enumerate(ld.embedded(node, term, graph)):
        if isinstance(item, dict) and "@id" not in item and "@value" not in item:
            out.append(f"ctdl:{stable_id(f'{owner}#{term}-{i}', ld.text(item, 'ctid'))}")
    return out


def supporting_ids(graph: dict[str, dict]) -> set[str]:
    """Nodes a pathway reaches as its components or conditions: read through the pathway, never listings."""
    todo = [k for k, n in graph.items() if "Pathway" in ld.types(n)]
    tails: dict[str, list[str]] = {}
    for k in graph:
        tails.setdefault(k.rstrip("/").rsplit("/", 1)[-1], []).append(k)
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref not in graph and len(tails.get(ref.rstrip("/").rsplit("/", 1)[-1], [])) == 1:
            ref = tails[ref.rstrip("/").rsplit("/", 1)[-1]][0]  # a mistyped host, as in real documents
        if ref in seen:
            continue
        seen.add(ref)
        if ref in graph:
            todo += [r for t in COMPONENT_LINKS for r in ld.refs(graph[ref], t, (ld.CTDL, ld.CTDL_HTTP, *CTDLASN))]
    pathways = {k for k, n in graph.items() if "Pathway" in ld.types(n)}
    ns = (ld.CTDL, ld.CTDL_HTTP, *CTDLASN)
    grew = True
    while grew:  # members stated child-to-parent (isChildOf, isDestinationComponentOf), and what they stand for
        grew = False
        for k, n in graph.items():
            if k in seen:
                continue
            ups = [r for t in ("isChildOf", "isDestinationComponentOf", "isDestinationComponentFor")
                   for r in ld.refs(n, t, ns)]
            if any(u in seen or u in pathways for u in ups):
                seen.add(k)
                grew = True
        for k in list(seen):
            for r in [r for t in ("proxyFor", "sourceData") for r in ld.refs(graph.get(k, {}), t, ns)]:
                if r in graph and r not in seen:
                    seen.add(r)
                    grew = True
    return seen - pathways


def condition_targets(node: dict, term: str, graph: dict[str, dict]) -> list[str]:
    out = []
    for i, profile in enumerate(ld.embedded(node, term, graph)):
        for target_term in TARGETS:
            out += node_refs(profile, target_term, graph, owner=f"{node.get('@id') or ''}#{term}-{i}")
    return out


def pathway_components(pathway: dict, graph: dict[str, dict]) -> list[dict]:
    """Every component reachable from a pathway through hasPart / hasChild / hasDestinationComponent."""
    seen: dict[str, dict] = {}
    ns = (ld.CTDL, ld.CTDL_HTTP, *CTDLASN)
    todo = [r for t in ("hasPart", "hasChild", "hasDestinationComponent", "hasRoot") for r in ld.refs(pathway, t, ns)]
    while todo:
        ref = todo.pop(0)
        if ref in seen or ref not in graph:
            continue
        seen[ref] = graph[ref]
        todo += [r for t in ("hasPart", "hasChild", "isParentOf") for r in ld.refs(graph[ref], t, ns)]
    return list(seen.values())


def unique(items: list[str], exclude: str | None = None) -> list[str]:
    return [i for i in dict.fromkeys(items) if i != exclude]


def with_fallback_context(value: Any, keep: bool) -> Any:
    """The node with :data:`FALLBACK_CONTEXT` after its own context (``keep``) or instead of it."""
    if not isinstance(value, dict):
        return value
    own = value.get("@context")
    own = [] if own is None or not keep else (own if isinstance(own, list) else [own])
    return {**value, "@context": [*own, FALLBACK_CONTEXT]}


def expand_document(document: Any, base: str | None, warnings: list[str] | None = None
                    ) -> tuple[list[tuple[dict, list[dict]]], dict[str, dict]]:
    """Pairs of (node as sent, its expanded nodes) for every top-level node, and an index of all nodes by @id.

    Every node is read under its own context followed by :data:`FALLBACK_CONTEXT`, so bare CTDL terms the
    context leaves undefined (``id``, ``type``, ``hasChild``...) still read; a node under a context credcat
    does not ship is read by the fallback alone, and the reason is appended to ``warnings`` (without a
    ``warnings`` list it raises :class:`~spiders.linked_data.UnknownContext`)."""
    pairs = []
    for original in ld.top_nodes(document):
        try:
            expanded = ld.expand(with_fallback_context(original, keep=True), base=base)
        except ld.UnknownContext as exc:
            if warnings is None:
                raise
            expanded = ld.expand(with_fallback_context(original, keep=False), base=base)
            warnings.append(f"{exc}; read by its bare CTDL terms instead")
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
        "source_id": "ctid (lowercased); without one, the id derived from @id (spiders.ctdl_ids.stable_id)",
        "title": "name (English first, else untagged, else the first language)",
        "url": "subjectWebpage, else the registry resource URL",
        "credential_type": "the CTDL class: MicroCredential -> micro_credential, Certificate -> certificate, ...",
        "description": "description",
        "organisation": "ownedBy, else offeredBy: the organisation's name (embedded, from the graph or fetched once); "
                        "never recognizedBy",
        "language_text": "inLanguage, comma-separated, else the language tag of name",
        "length_text": "estimatedDuration: exactDuration, else minimumDuration-maximumDuration, else description",
        "cost_text": "estimatedCost, every profile as '<directCostType>: <currency> <price>'",
        "credits_text": "every creditValue as '<value> <creditUnitType>' (ranges '<min>-<max> <unit>'), '; '-joined",
        "level_text": "audienceLevelType labels (targetNodeName, else the concept's local name), '; '-joined",
        "learning_outcomes": "teaches / assesses competencies: targetNodeDescription, else targetNodeName",
        "prerequisites": "requires condition profiles' description (else name), '; '-joined",
        "assessment_text": "assessmentMethodType labels + assessmentMethodDescription",
        "recognition": "accreditedBy / approvedBy / recognizedBy / regulatedBy with their role (name from the graph)",
        "code": "codedNotation",
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
        warnings: list[str] = []
        try:
            pairs, graph = expand_document(document, base, warnings)
        except (ld.UnknownContext, ld.LinkedDataError) as exc:
            yield self.quarantine(response, "jsonld_error", str(exc), document)
            return
        for w in dict.fromkeys(warnings):
            self.logger.warning("ctdl: %s: %s", response.url, w)
            self.crawler.stats.inc_value("credcat/ctdl/fallback_context")
        supporting = supporting_ids(graph)
        if not pairs:
            yield self.quarantine(response, "wrong_type", "document holds no JSON-LD node", document)
            return
        for original, nodes in pairs:
            for node in nodes:
                yield from self.handle(response, node, original, graph, document, pairs, supporting)

    def handle(self, response, node: dict, original: dict, graph: dict, document: Any, pairs, supporting=frozenset()):
        kinds = ld.types(node)
        record_kind = next((k for k in kinds if k in RECORD_CLASSES), None)
        stated_ctid = ld.text(node, "ctid")
        node_id = node.get("@id") or ""
        if record_kind not in PATHWAY_CLASSES and node_id in supporting and not stated_ctid:
            # a pathway's component, condition or constraint without a registry identity: read through the pathway
            self.crawler.stats.inc_value("credcat/ctdl/supporting_nodes")
            return
        if record_kind is None:
            ctdl_types = [t for t in (node.get("@type") or []) if t.startswith((ld.CTDL, ld.CTDL_HTTP, *CTDLASN))]
            unknown = [ld.local_name(t) for t in ctdl_types if not SUPPORTING.search(ld.local_name(t))]
            if unknown and node_id not in supporting:
                yield self.quarantine(response, "unknown_type",
                                      f"ceterms:{unknown[0]} is not a known CTDL credential, learning opportunity or "
                                      f"pathway class", original, stated_ctid)
            elif not kinds:
                self.crawler.stats.inc_value("credcat/ctdl/untyped_nodes")
            else:
                self.crawler.stats.inc_value("credcat/ctdl/supporting_nodes")
            return
        if record_kind in PATHWAY_CLASSES and not ld.text(node, "name"):
            node = self.named_after_destination(node, graph)
        problems = self.problems(node, stated_ctid, record_kind)
        if problems and node_id in supporting:  # a component that is not a whole record: the pathway holds it
            self.crawler.stats.inc_value("credcat/ctdl/supporting_nodes")
            return
        if problems:
            reason, message = problems[0]
            yield self.quarantine(response, reason, "; ".join(m for _, m in problems), original, stated_ctid)
            return
        ctid = self.record_id(node)
        if ctid in self.emitted:
            return
        self.emitted.add(ctid)
        raw = original
        if record_kind in PATHWAY_CLASSES:  # the components and conditions live beside the pathway
            raw = document if len(pairs) > 1 else original
        yield from self.follow_references_of(response, node, graph)
        owner, owner_name = self.owner(node, graph)

        def then(name):
            if owner in self.refused:  # the owner is named at a private/loopback/link-local address
                yield self.quarantine(response, "unsafe_address", f"ownedBy/offeredBy {self.refused[owner]}", raw, ctid)
                return
            yield self.safely(response, raw, lambda r: self.build(response, node, record_kind, graph, r, name), ctid)
            for child, kind in self.embedded_records(node):  # described inline without an @id: listings of their own
                child_id = self.record_id(child)
                if child_id not in self.emitted:
                    self.emitted.add(child_id)
                    yield self.safely(response, child, lambda r, c=child, k=kind: self.build(
                        response, c, k, graph, r, name), child_id)

        if owner_name or not owner or not owner.startswith(("http://", "https://")):
            yield from then(owner_name)
        else:
            yield from self.with_name(owner, then, referrer=response, referrer_raw=raw, source_id=ctid)

    @staticmethod
    def embedded_records(node: dict) -> list[tuple[dict, str]]:
        """Credentials and learning opportunities a record describes inline without an ``@id`` (``hasPart``,
        condition profiles' targets), each given the id its parent's references use (:func:`node_refs`) and the
        parent's owner. Only named nodes of a record class; the rest stay references."""
        out = []
        owner = node.get("@id") or ""
        places = [(node, term, owner) for term in ("hasPart", "isPartOf")]
        for term in (*HAS_PART_CONDITIONS, *PART_OF_CONDITIONS, *PREPARES_FOR, *PREPARED_BY):
            for i, profile in enumerate(ld.embedded(node, term, {})):
                places += [(profile, t, f"{owner}#{term}-{i}") for t in TARGETS]
        for holder, term, at in places:
            for i, item in enumerate(ld.embedded(holder, term, {})):
                if not isinstance(item, dict) or "@id" in item or "@value" in item or not ld.text(item, "name"):
                    continue
                kind = next((k for k in ld.types(item) if k in RECORD_CLASSES and k not in PATHWAY_CLASSES), None)
                if kind:
                    child = {**item, "@id": f"{holder.get('@id') or at}#{term}-{i}"}
                    for t in ("ownedBy", "offeredBy"):
                        if not ld.values(child, t) and ld.values(node, t):
                            child[ld.CTDL + t] = node[ld.CTDL + t] if ld.CTDL + t in node else ld.values(node, t)
                    out.append((child, kind))
        return out

    @staticmethod
    def named_after_destination(node: dict, graph: dict) -> dict:
        """A pathway published without a name (drafts and examples do this) is named after its destination
        component, else its description, else plainly "Untitled pathway <@id>": its structure is still read."""
        name = next((ld.lang_strings(graph.get(ref, {}), "name") for ref in ld.refs(node, "hasDestinationComponent")
                     if ld.lang_strings(graph.get(ref, {}), "name")), None)
        name = name or ld.lang_strings(node, "description") or [(f"Untitled pathway {node.get('@id') or ''}".strip(), None)]
        return {**node, ld.CTDL + "name": [{"@value": t, **({"@language": lang} if lang else {})} for t, lang in name]}

    @staticmethod
    def record_id(node: dict) -> str:
        """The ctid (lowercased); without one (a file export, a draft) the id derived from ``@id``."""
        return stable_id(node.get("@id") or "", ld.text(node, "ctid"))

    @staticmethod
    def owner(node: dict, graph: dict) -> tuple[str | None, str | None]:
        """(reference, name) of the owner: ``ownedBy``, else ``offeredBy``; an embedded owner without ``@id``
        keeps its name. Never ``recognizedBy`` or any other role (those are ``recognition``)."""
        for term in ("ownedBy", "offeredBy"):
            for item in ld.embedded(node, term, graph):
                if isinstance(item, dict) and "@value" not in item:
                    name = clean(ld.text(item, "name")) or None
                    ref = item.get("@id")
                    if name or ref:
                        return ref, name
            for ref in ld.refs(node, term):
                return ref, None
        return None, None

    def problems(self, node: dict, ctid: str | None, kind: str | None = None) -> list[tuple[str, str]]:
        out = []
        node_id = node.get("@id") or ""
        if not ctid and not ctid_of(node_id) and not node_id.startswith(("http://", "https://", "urn:")):
            out.append(("missing_field", "missing_field: ctid is required (or an @id to derive a stable id from)"))
        id_ctid = ctid_of(node_id.rstrip("/").rsplit("/", 1)[-1]) if node_id else None
        if ctid and id_ctid and id_ctid != ctid.lower():
            out.append(("ctid_mismatch", f"ctid_mismatch: ctid {ctid} disagrees with @id {node_id}"))
        if not ld.text(node, "name"):
            out.append(("missing_field", "missing_field: name is required"))
        if kind not in PATHWAY_CLASSES and self.owner(node, {})[0] is None and self.owner(node, {})[1] is None:
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
        ctid = self.record_id(node)
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
            level_text=joined(unique(self.concepts(node, "audienceLevelType", graph)), "; "),
            learning_outcomes=unique(self.outcomes(node, graph)),
            prerequisites=joined(unique([clean(ld.text(c, "description")) or clean(ld.text(c, "name")) or ""
                                         for c in ld.embedded(node, "requires", graph)
                                         if ld.text(c, "description") or ld.text(c, "name")]), "; "),
            assessment_text=joined(unique(self.concepts(node, "assessmentMethodType", graph)
                                          + [clean(ld.text(node, "assessmentMethodDescription")) or ""]), "; "),
            recognition=self.recognition(node, graph),
            code=clean(ld.text(node, "codedNotation")) or None,
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

    ROLES = {"accreditedBy": "accredited_by", "approvedBy": "approved_by", "recognizedBy": "recognized_by",
             "regulatedBy": "regulated_by"}

    def recognition(self, node: dict, graph: dict) -> list[dict]:
        """Bodies standing behind it, by role (contract 1): ``{role, name, id}``; names from the graph or the
        embedded node (a body only referenced elsewhere keeps its id, name null)."""
        out = []
        for term, role in self.ROLES.items():
            for item in ld.embedded(node, term, graph):
                ref = item.get("@id") if isinstance(item, dict) else None
                name = clean(ld.text(item, "name")) if isinstance(item, dict) else None
                if ref or name:
                    out.append({"role": role, "name": name or None, "id": ref})
        return out

    def concepts(self, node: dict, term: str, graph: dict) -> list[str]:
        """Labels of a CredentialAlignmentObject list (``targetNodeName``, else the concept's local name)."""
        out = []
        for item in ld.embedded(node, term, graph):
            name = ld.text(item, "targetNodeName") if isinstance(item, dict) else None
            ref = next(iter(ld.refs(item, "targetNode")), None) if isinstance(item, dict) else None
            label = clean(name) or (ld.local_name(ref) if ref else None) or (
                ld.local_name(item["@id"]) if isinstance(item, dict) and "@id" in item else None)
            if label:
                out.append(label)
        return out

    def outcomes(self, node: dict, graph: dict) -> list[str]:
        """``teaches`` / ``assesses`` competencies as text: their description, else their name."""
        out = []
        for term in ("teaches", "assesses"):
            for item in ld.embedded(node, term, graph):
                if not isinstance(item, dict):
                    continue
                t = (ld.text(item, "targetNodeDescription") or ld.text(item, "targetNodeName")
                     or ld.text(item, "competencyText", ("https://purl.org/ctdlasn/terms/",)))
                if t and clean(t):
                    out.append(clean(t))
        return out

    def credits(self, node: dict, graph: dict) -> str | None:
        """Every ``creditValue`` (a QuantitativeValue) as ``"<value> <unit>"``, ``"; "``-joined: ``value`` or
        ``minValue-maxValue``, the unit from ``creditUnitType`` (its name) or ``unitText``; else the value's
        description."""
        ns = (ld.CTDL, ld.CTDL_HTTP, *ld.SCHEMA)
        out = []
        for value in ld.embedded(node, "creditValue", graph):
            number, low, high = (next((ld.literal(v) for v in ld.values(value, t, ns)), None)
                                 for t in ("value", "minValue", "maxValue"))
            unit = next((ld.text(c, "targetNodeName") or ld.local_name(str(r))
                         for c in ld.embedded(value, "creditUnitType", graph) for r in (ld.refs(c, "targetNode") or [""])),
                        None) or ld.text(value, "unitText", ns)
            amount = joined([number]) if number is not None else (
                f"{joined([low])}-{joined([high])}" if low is not None and high is not None else None)
            if amount:
                out.append(" ".join(x for x in (amount, unit) if x))
            elif ld.text(value, "description", ns):
                out.append(clean(ld.text(value, "description", ns)))
        return joined(unique(out), "; ")
