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
* ``alignment[]`` is kept as ``alignments`` (framework, code, name, url, type); target names, tags,
  ``fieldOfStudy`` and ``specialization`` feed ``skills``; ``resultDescription`` names feed ``learning_outcomes``;
  ``creditsAvailable`` is ``credits_text`` (``"36 credits"``); the criteria narrative is ``criteria_text``;
  ``humanCode`` is ``code``; endorsements of the badge are ``recognition`` entries with role ``endorsed_by``.
* Supporting nodes (issuer profiles, keys, revocation lists, endorsements of something else, fragments) are
  read for what they tell about badges (an issuer's name) and never become listings or quarantine rows.
* A context credcat does not ship (a publisher's own extension) is dropped with a warning and the document is
  read by its bare terms under the Open Badges context, rather than lost.
* uid: an achievement's id is its key when the achievement was read at that very URL (a hosted BadgeClass or
  Achievement: only its publisher serves it). An achievement embedded in another document (an assertion, a
  credential, a catalogue, a file export) is keyed by its id plus a short digest of its issuer's id and of
  what it is (name, type, alignments): published examples reuse ids (``urn:uuid``, ``example.com``) for
  different achievements of different issuers, and those stay apart, while the same document gives the same
  uid on every crawl.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from spiders import linked_data as ld
from spiders import safety
from spiders.documents import DocumentSpider
from spiders.helpers import as_list, clean, is_number
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


def normalise(node: dict, base: str | None) -> tuple[int, dict, list[str]]:
    """(version, node compacted against credcat's context for that version, context URLs dropped).

    A context credcat does not ship is dropped and the document read by its bare terms: under the contexts it
    also names, else under credcat's Open Badges context for its version."""
    version = version_of(node)
    if "@context" not in node and not any("://" in k for k in node):
        return version, node, []  # plain JSON without a context: read as written
    target = OB3_CONTEXT if version == 3 else OB2_CONTEXT
    dropped: list[str] = []
    try:
        compacted = ld.compact(node, target, base=base)
    except ld.UnknownContext:
        node, dropped = ld.without_unknown_contexts(node)
        if "@context" not in node:
            node = {"@context": target, **node}
        compacted = ld.compact(node, target, base=base)
    if "@graph" in compacted and len(compacted) <= 2:
        graph = compacted["@graph"]
        compacted = graph[0] if len(graph) == 1 else {"@graph": graph}
    return version, compacted, dropped


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


def texts(value: Any) -> list[str]:
    return [t for t in (text_of(v) for v in as_list(value)) if t]


def host_of(url: str | None) -> str | None:
    return urlsplit(url).hostname if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def number_text(value: Any) -> str | None:
    """``36.0`` -> ``"36"``, ``7.5`` -> ``"7.5"``; a numeric string as written."""
    if isinstance(value, dict):
        value = value.get("@value")
    if is_number(value):
        return f"{value:g}"
    return clean(value) if isinstance(value, str) else None


def credits_of(node: dict) -> str | None:
    """``creditsAvailable`` as ``"<n> credits"`` (OB 3.0 gives no unit; the normaliser reads the words), and an
    extension's ``ECTS`` (Edubadges) as ``"<n> ECTS"``, joined by ``"; "``."""
    stated = [(number_text(node.get("creditsAvailable")), "credits"), (number_text(node.get("ECTS")), "ECTS")]
    return "; ".join(f"{n} {unit}" for n, unit in stated if n) or None


def eqf_of(alignments: list[dict]) -> str | None:
    """An alignment to the EQF (``targetType`` ``ext:EQF``, as Edubadges write it): its code, else its name."""
    for a in alignments:
        if (a.get("type") or "").removeprefix("ext:").upper() == "EQF":
            return a.get("code") or a.get("name")
    return None


def outcomes_of(node: dict) -> list[str]:
    """The result descriptions' names (what is assessed, e.g. "Final Project Grade"), once each."""
    out = []
    for r in as_list(node.get("resultDescription")):
        if isinstance(r, dict):
            out += texts(r.get("name")) or texts(r.get("description"))
    return list(dict.fromkeys(out))


def endorsements_of(node: dict) -> list[dict]:
    """``endorsement[]`` (OB 3.0 EndorsementCredentials, OB 2.0 Endorsements) as recognition entries."""
    out = []
    for e in as_list(node.get("endorsement")):
        if not isinstance(e, dict):
            continue  # a bare URL: the endorser is unknown without fetching it
        issuer = e.get("issuer")
        name = text_of(issuer.get("name")) if isinstance(issuer, dict) else None
        entry = {"role": "endorsed_by", "name": name, "id": ident(issuer)}
        if (entry["name"] or entry["id"]) and entry not in out:
            out.append(entry)
    return out


def country_of(profile: Any) -> str | None:
    if not isinstance(profile, dict):
        return None
    address = profile.get("address")
    if isinstance(address, dict):
        return text_of(address.get("addressCountryCode")) or text_of(address.get("addressCountry"))
    return None


def source_id_of(node: dict, issuer_id: str | None, document_url: str) -> str:
    """The listing's key (see the module docstring): the achievement's id when it was read at that id (its
    publisher's own copy), else the id (or, without one, the document's URL) with a digest of who issued it
    and what it is."""
    achievement_id = ident(node)
    if achievement_id and achievement_id == document_url:
        return achievement_id
    what = {"issuer": issuer_id, "name": texts(node.get("name")), "type": texts(node.get("achievementType")),
            "alignment": sorted(json.dumps(a, sort_keys=True) for a in alignments_of(node))}
    digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:12]
    return f"{achievement_id or document_url}#{digest}"


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
        "source_id": "the BadgeClass / Achievement id; qualified by a digest of issuer, name, type and alignments "
                     "when the issuer does not own the id (see the spider's docstring)",
        "title": "name",
        "url": "url, else id, else criteria id, else the credential's id, else the issuer's url or id (the first "
               "http(s) one), else the document's own URL",
        "credential_type": "OB 2.0: badge; OB 3.0: achievementType (MicroCredential -> micro_credential, ...)",
        "description": "description",
        "organisation": "the issuer's name: OB 2.0 issuer, OB 3.0 creator or the credential's issuer (fetched once)",
        "language_text": "inLanguage, else the language tag of name, as written",
        "skills": "tags + alignment targetName + fieldOfStudy + specialization",
        "alignments": "alignment[]: targetFramework, targetCode, targetName, targetUrl, targetType",
        "credits_text": "creditsAvailable, as '<n> credits'; an extension's ECTS as '<n> ECTS'",
        "eqf_text": "the alignment whose targetType is ext:EQF: its targetCode, else targetName",
        "participation_text": "participationType (Edubadges extension, read by its bare term)",
        "assessment_text": "assessmentType (Edubadges extension, read by its bare term)",
        "supervision_text": "supervisionType (Edubadges extension, read by its bare term)",
        "criteria_text": "criteria.narrative",
        "learning_outcomes": "resultDescription[].name",
        "recognition": "endorsement[]: each endorsement's issuer, role endorsed_by",
        "code": "humanCode",
        "issuer_country": "the issuer profile's address.addressCountryCode, else addressCountry",
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
                version, node, dropped = normalise(raw, base=response.meta.get("credcat_origin_url") or response.url)
            except (ld.UnknownContext, ld.LinkedDataError) as exc:
                yield self.quarantine(response, "jsonld_error", str(exc), raw, ident(raw.get("id")))
                continue
            if dropped:
                self.crawler.stats.inc_value("credcat/openbadges/unknown_contexts")
                self.logger.warning("%s names JSON-LD context(s) credcat does not ship (%s): read by its bare terms",
                                    response.url, ", ".join(dropped))
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
        elif kinds & {"OpenBadgeCredential", "AchievementCredential"} or (
                "credentialSubject" in node and "EndorsementCredential" not in kinds):
            for subject in as_list(node.get("credentialSubject")):
                achievement = subject.get("achievement") if isinstance(subject, dict) else None
                if isinstance(achievement, dict):
                    yield from self.badge(response, version, achievement, raw, issuer=node.get("issuer"),
                                          credential_id=ident(node))
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
        else:  # a supporting node (key, revocation list, endorsement, fragment): no listing, no quarantine row
            self.crawler.stats.inc_value("credcat/openbadges/supporting_nodes")
            self.logger.info("read a supporting node of type %s at %s", sorted(kinds) or "none", response.url)

    def badge(self, response, version: int, node: dict, raw: dict, issuer: Any = None,
              credential_id: str | None = None):
        issuer = node.get("issuer") if version == 2 else (node.get("creator") or issuer)
        source_id = source_id_of(node, ident(issuer), self.document_url(response))
        if isinstance(issuer, dict):
            self.remember_name(ident(issuer), text_of(issuer.get("name")))
        issuer_url = ident(issuer)
        inline_name = text_of(issuer.get("name")) if isinstance(issuer, dict) else None

        def then(name):
            refused = self.refused.get(issuer_url) if issuer_url else None
            if refused and self.refused_kind.get(issuer_url) in safety.DANGEROUS_KINDS:
                yield self.quarantine(response, "unsafe_address", f"issuer {refused}", raw, source_id)
                return
            # an issuer off the allowed hosts, or a link in a local file: the badge stands, its issuer unnamed
            yield self.safely(response, node, lambda n: self.build(
                response, version, n, raw, inline_name or name, source_id=source_id,
                issuer=issuer, credential_id=credential_id), source_id)

        if inline_name or not issuer_url:
            yield from then(inline_name)
        else:
            yield from self.with_name(issuer_url, then, referrer=response, referrer_raw=raw, source_id=source_id)

    def organisation_name(self, document: Any, url: str) -> str | None:
        for raw in ld.top_nodes(document):
            try:
                _, node, _ = normalise(raw, base=url)
            except (ld.UnknownContext, ld.LinkedDataError):
                continue
            name = text_of(node.get("name"))
            if name:
                return name
        return None

    def document_url(self, response) -> str:
        return response.meta.get("credcat_origin_url") or response.url

    def build(self, response, version: int, node: dict, raw: dict, organisation: str | None, *, source_id: str,
              issuer: Any = None, credential_id: str | None = None):
        if version == 3:
            atype = text_of(node.get("achievementType")) or "Achievement"
            ctype = ACHIEVEMENT_TYPES.get(atype.removeprefix("ext:"), "badge")
        else:
            ctype = "badge"
        criteria = node.get("criteria") or node.get("Criteria")
        candidates = [ident(node.get("url")), ident(node), ident(criteria), credential_id]
        if isinstance(issuer, dict):
            candidates.append(ident(issuer.get("url")))
        candidates.append(ident(issuer))
        url = next((u for u in candidates if host_of(u)), None) or self.document_url(response)
        tags = texts(node.get("tags") or node.get("tag"))
        alignments = alignments_of(node)
        studied = texts(node.get("fieldOfStudy")) + texts(node.get("specialization"))
        skills = list(dict.fromkeys(tags + [a["name"] for a in alignments if a.get("name")] + studied))
        language = text_of(node.get("inLanguage")) or next(
            (v["@language"] for v in as_list(node.get("name")) if isinstance(v, dict) and v.get("@language")), None)
        return self.listing(
            response,
            raw,
            source_id=source_id,
            title=text_of(node.get("name")),
            url=url,
            credential_type=ctype,
            description=text_of(node.get("description")),
            organisation=organisation,
            issuer_country=country_of(issuer),
            language_text=language,
            skills=skills,
            alignments=alignments,
            credits_text=credits_of(node),
            eqf_text=eqf_of(alignments),
            participation_text=text_of(node.get("participationType")),
            assessment_text=text_of(node.get("assessmentType")),
            supervision_text=text_of(node.get("supervisionType")),
            criteria_text=text_of(criteria.get("narrative")) if isinstance(criteria, dict) else None,
            learning_outcomes=outcomes_of(node),
            recognition=endorsements_of(node),
            code=text_of(node.get("humanCode")),
        )
