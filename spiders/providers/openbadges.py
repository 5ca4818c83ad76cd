"""Open Badges: OB 2.0 BadgeClass and OB 3.0 Achievement / OpenBadgeCredential documents.

Reads the badge or issuer URLs listed in ``providers.toml`` (or given with ``-a urls=``, ``file://`` exports
included). Each document is normalised with the JSON-LD processor against credcat's own OB 2.0 or OB 3.0
context (:mod:`spiders.linked_data`), so compacted, ``@graph``, list and fully expanded documents read alike.

* OB 2.0 ``BadgeClass`` -> a ``badge`` listing; an ``Assertion`` is followed to its badge; an ``Issuer``
  document is remembered (and its non-standard ``badges`` list followed, as some hosts publish one).
* OB 3.0 ``Achievement`` -> a listing typed by ``achievementType`` (MicroCredential -> micro_credential,
  Certificate -> certificate, ...); an ``OpenBadgeCredential`` / ``AchievementCredential`` yields the
  achievement in its ``credentialSubject``.
* The issuer (OB 2.0 ``issuer``, OB 3.0 ``creator`` or the credential's ``issuer``) is resolved: an embedded
  profile is read in place, a URL is fetched once, and its name becomes ``organisation``. An issuer URL on a
  private, loopback or link-local address is never fetched: the badge goes to quarantine (``unsafe_address``).
* ``alignment[]`` is kept as ``alignments`` (framework, code, name, url, type); target names and tags feed
  ``skills``.
"""

from __future__ import annotations

from typing import Any

from spiders import linked_data as ld
from spiders.documents import DocumentSpider
from spiders.helpers import as_list, clean
from spiders.record import CREDENTIAL_TYPES

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]

# OB 3.0 achievementType -> our credential type. Starts from the record's own vocabulary table.
ACHIEVEMENT_TYPES: dict[str, str] = {ob3: term for term, (_ctdl, ob3, _doc) in CREDENTIAL_TYPES.items()}
ACHIEVEMENT_TYPES.update({
    "Badge": "badge", "Achievement": "badge", "Award": "badge", "CoCurricular": "badge", "Competency": "applied_skill",
    "Certificate": "certificate", "CertificateOfCompletion": "certificate", "ApprenticeshipCertificate": "certificate",
    "JourneymanCertificate": "certificate", "Diploma": "certificate", "GeneralEducationDevelopment": "certificate",
    "SecondarySchoolDiploma": "certificate", "Certification": "certification", "License": "certification",
    "MicroCredential": "micro_credential", "Course": "course", "LearningProgram": "learning_program",
    "Assessment": "assessment", "AssociateDegree": "degree_program", "BachelorDegree": "degree_program",
    "MasterDegree": "degree_program", "DoctoralDegree": "degree_program", "Degree": "degree_program",
    "MasterCertificate": "degree_program", "ProfessionalDoctorate": "degree_program", "ResearchDoctorate": "degree_program",
})
OB3_HINTS = ("ob/v3p0", "credentials/v2", "2018/credentials")
OB2_HINTS = ("openbadges/v2", "openbadgespec.org/v2")


def types_of(node: dict) -> set[str]:
    return {t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in as_list(node.get("type")) if isinstance(t, str)}


def version_of(node: dict) -> int:
    """2 or 3, from the node's contexts, or from its terms when it carries none (expanded documents)."""
    contexts = " ".join(str(c) for c in as_list(node.get("@context")))
    if any(h in contexts for h in OB3_HINTS):
        return 3
    if any(h in contexts for h in OB2_HINTS):
        return 2
    keys = " ".join(node)
    if ld.OB3 in keys or "credentials#" in keys or ld.OB3 in str(node.get("@type")):
        return 3
    if ld.OB2 in keys or ld.OB2 in str(node.get("@type")):
        return 2
    return 3 if {"Achievement", "OpenBadgeCredential", "AchievementCredential"} & types_of(node) else 2


def normalise(node: dict, base: str | None) -> tuple[int, dict]:
    """(version, node compacted against credcat's context for that version)."""
    version = version_of(node)
    if "@context" not in node and not any("://" in k for k in node):
        return version, node  # plain JSON without a context: read as written
    compacted = ld.compact(node, OB3_CONTEXT if version == 3 else OB2_CONTEXT, base=base)
    if "@graph" in compacted and len(compacted) <= 2:
        graph = compacted["@graph"]
        compacted = graph[0] if len(graph) == 1 else {"@graph": graph}
    return version, compacted


def text_of(value: Any) -> str | None:
    """A plain string from a string, a language-tagged value or a list of them."""
    for v in as_list(value):
        if isinstance(v, str):
            return clean(v)
        if isinstance(v, dict) and isinstance(v.get("@value"), str):
            return clean(v["@value"])
    return None


def ident(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def alignments_of(node: dict) -> list[dict]:
    out = []
    for a in as_list(node.get("alignment")):
        if not isinstance(a, dict):
            continue
        item = {
            "framework": text_of(a.get("targetFramework")),
            "code": text_of(a.get("targetCode")),
            "name": text_of(a.get("targetName")),
            "url": ident(a.get("targetUrl")),
            "type": text_of(a.get("targetType")),
        }
        if any(item.values()):
            out.append(item)
    return out


class OpenBadgesSpider(DocumentSpider):
    name = "openbadges"
    mirror_mode = "hosts"
    field_sources = {
        "source_id": "the BadgeClass / Achievement id (its URL)",
        "title": "name",
        "url": "url, else id, else criteria id (the first http(s) one)",
        "credential_type": "OB 2.0: badge; OB 3.0: achievementType (MicroCredential -> micro_credential, ...)",
        "description": "description",
        "organisation": "the issuer's name: OB 2.0 issuer, OB 3.0 creator or the credential's issuer (fetched once)",
        "language_text": "inLanguage, else the language tag of name, as written",
        "skills": "tags + alignment targetName",
        "alignments": "alignment[]: targetFramework, targetCode, targetName, targetUrl, targetType",
    }

    def start_urls_for(self):
        for url in self.provider.get("urls") or []:
            yield self.follow_doc(url, self.parse)

    def parse_given(self, response):
        return self.parse(response)

    # -- documents -----------------------------------------------------------------------------------------
    def parse(self, response):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        nodes = ld.top_nodes(data)
        if not nodes:
            yield self.quarantine(response, "wrong_type", "document holds no JSON object", data)
            return
        for raw in nodes:
            try:
                version, node = normalise(raw, base=response.meta.get("credcat_origin_url") or response.url)
            except (ld.UnknownContext, ld.LinkedDataError) as exc:
                yield self.quarantine(response, "jsonld_error", str(exc), raw, ident(raw.get("id")))
                continue
            graph = node.get("@graph") if isinstance(node.get("@graph"), list) else [node]
            for item in graph:
                if not isinstance(item, dict):
                    yield self.quarantine(response, "wrong_type", "a graph entry is not a JSON object", raw,
                                          ident(raw.get("id")))
                    continue
                yield from self.handle(response, version, item, raw)

    def handle(self, response, version: int, node: dict, raw: dict):
        kinds = types_of(node)
        if "BadgeClass" in kinds or "Achievement" in kinds:
            yield from self.badge(response, version, node, raw)
        elif kinds & {"OpenBadgeCredential", "AchievementCredential"} or "credentialSubject" in node:
            for subject in as_list(node.get("credentialSubject")):
                achievement = subject.get("achievement") if isinstance(subject, dict) else None
                if isinstance(achievement, dict):
                    yield from self.badge(response, version, achievement, raw, issuer=node.get("issuer"))
                elif isinstance(achievement, str):
                    yield self.follow_doc(achievement, self.parse, referrer=response, referrer_raw=raw)
        elif "Assertion" in kinds:
            badge = node.get("badge")
            if isinstance(badge, dict):
                yield from self.badge(response, version, badge, raw)
            elif isinstance(badge, str):
                yield self.follow_doc(badge, self.parse, referrer=response, referrer_raw=raw)
        elif kinds & {"Issuer", "Profile"}:
            self.remember_name(ident(node), text_of(node.get("name")))
            for badge in as_list(node.get("badges")):
                if isinstance(badge, str):
                    yield self.follow_doc(badge, self.parse, referrer=response, referrer_raw=raw)
        else:
            self.crawler.stats.inc_value("credcat/openbadges/skipped_documents")
            self.logger.info("skipped a document of type %s at %s", sorted(kinds) or "none", response.url)

    def badge(self, response, version: int, node: dict, raw: dict, issuer: Any = None):
        issuer = node.get("issuer") if version == 2 else (node.get("creator") or issuer)
        source_id = ident(node)
        if isinstance(issuer, dict):
            self.remember_name(ident(issuer), text_of(issuer.get("name")))
        issuer_url = ident(issuer)
        inline_name = text_of(issuer.get("name")) if isinstance(issuer, dict) else None

        def then(name):
            refused = self.refused.get(issuer_url) if issuer_url else None
            if refused:
                yield self.quarantine(response, "unsafe_address", f"issuer {refused}", raw, source_id)
                return
            yield self.safely(response, node, lambda n: self.build(response, version, n, raw, inline_name or name),
                              source_id)

        if inline_name or not issuer_url:
            yield from then(inline_name)
        else:
            yield from self.with_name(issuer_url, then, referrer=response, referrer_raw=raw, source_id=source_id)

    def organisation_name(self, document: Any, url: str) -> str | None:
        for raw in ld.top_nodes(document):
            try:
                _, node = normalise(raw, base=url)
            except (ld.UnknownContext, ld.LinkedDataError):
                continue
            name = text_of(node.get("name"))
            if name:
                return name
        return None

    def build(self, response, version: int, node: dict, raw: dict, organisation: str | None):
        if version == 3:
            atype = text_of(node.get("achievementType")) or "Achievement"
            ctype = ACHIEVEMENT_TYPES.get(atype.removeprefix("ext:"), "badge")
        else:
            ctype = "badge"
        criteria = node.get("criteria") or node.get("Criteria")
        candidates = [ident(node.get("url")), ident(node), ident(criteria)]
        url = next((u for u in candidates if isinstance(u, str) and u.startswith(("http://", "https://"))), None)
        tags = [t for t in (text_of(x) for x in as_list(node.get("tags") or node.get("tag"))) if t]
        alignments = alignments_of(node)
        skills = list(dict.fromkeys(tags + [a["name"] for a in alignments if a.get("name")]))
        language = text_of(node.get("inLanguage")) or next(
            (v["@language"] for v in as_list(node.get("name")) if isinstance(v, dict) and v.get("@language")), None)
        return self.listing(
            response,
            raw,
            source_id=ident(node),
            title=text_of(node.get("name")),
            url=url,
            credential_type=ctype,
            description=text_of(node.get("description")),
            organisation=organisation,
            language_text=language,
            skills=skills,
            alignments=alignments,
        )
