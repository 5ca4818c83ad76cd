"""schema.org JSON-LD: find it in a page, survive its defects, and map it onto the canonical record.

Pages embed JSON-LD in ``<script type="application/ld+json">`` blocks. Real pages get it wrong in the
ways this module handles: one object, a list of objects or an ``@graph``; several blocks per page; HTML
entities left in strings (``&amp;``, ``&#39;``); trailing commas and raw control characters; and blocks that
are not JSON at all. A block that cannot be repaired is returned as an error, which the spiders turn into a
quarantine row, never an exception.

Nothing here imports Scrapy: the functions take text and dicts, so tests and other layers can call them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from spiders import limits
from spiders.helpers import as_list, is_number, joined

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")

# ---------------------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------------------


@dataclass
class JsonLdBlock:
    """One ``<script type="application/ld+json">`` block: the objects read from it, or why it failed."""

    text: str
    objects: list[dict] = field(default_factory=list)
    error: str | None = None
    repaired: bool = False
    reason: str = "invalid_jsonld"  # the quarantine reason when ``error`` is set (``too_deep`` ... from limits)


_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _loads(text: str) -> tuple[Any, bool]:
    """Parse JSON-LD text, repairing the common defects; returns (value, repaired) or raises ValueError."""
    text = text.strip()
    # Some CMSs wrap the block in an HTML comment or CDATA section.
    for start, end in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>")):
        if text.startswith(start) and text.endswith(end):
            text = text[len(start) : -len(end)].strip()
    try:
        return json.loads(text), False
    except ValueError as first_error:
        repairs = (
            lambda t: json.loads(t, strict=False),  # raw newlines and tabs inside strings
            lambda t: json.loads(_TRAILING_COMMA.sub(r"\1", t), strict=False),
            lambda t: json.loads(_CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", t)), strict=False),
        )
        for repair in repairs:
            try:
                return repair(text), True
            except ValueError:
                continue
        raise first_error


def unescape(value: Any) -> Any:
    """Decode HTML entities in every string of a JSON value (``&amp;`` -> ``&``), recursively.

    Entities inside a script block are not decoded by HTML parsers, yet sites often write them there.
    Decoding twice handles double-escaped text (``&amp;amp;``) without harming plain text.
    """
    if isinstance(value, str):
        if "&" not in value:
            return value
        once = html.unescape(value)
        return html.unescape(once) if "&" in once and once != value else once
    if isinstance(value, list):
        return [unescape(v) for v in value]
    if isinstance(value, dict):
        return {k: unescape(v) for k, v in value.items()}
    return value


def flatten(value: Any, context: Any = None) -> list[dict]:
    """Top-level JSON-LD nodes from one parsed block: an object, a list of objects, or an ``@graph``."""
    out: list[dict] = []
    if isinstance(value, list):
        for item in value:
            out.extend(flatten(item, context))
    elif isinstance(value, dict):
        ctx = value.get("@context", context)
        if "@graph" in value:
            out.extend(flatten(value["@graph"], ctx))
            rest = {k: v for k, v in value.items() if k not in ("@graph", "@context")}
            if "@type" in rest:
                out.append({"@context": ctx, **rest} if ctx is not None else rest)
        else:
            out.append({"@context": ctx, **value} if ctx is not None and "@context" not in value else value)
    return out


def parse_block(text: str) -> JsonLdBlock:
    block = JsonLdBlock(text=text)
    if not text or not text.strip():
        block.error = "empty JSON-LD block"
        return block
    try:
        limits.check_size(text)
        value, block.repaired = _loads(text)
        limits.check_value(value)  # depth and size bounds before any recursive walk
    except limits.Refused as exc:
        block.error, block.reason = f"JSON-LD block refused: {exc}", exc.reason
        return block
    except RecursionError:
        block.error, block.reason = "JSON-LD block refused: nested too deep for the JSON parser", "too_deep"
        return block
    except ValueError as exc:
        block.error = f"invalid JSON-LD: {exc}"
        return block
    block.objects = flatten(unescape(value))
    if not block.objects:
        block.error = "JSON-LD block holds no object"
    return block


def extract_blocks(page: str | Selector) -> list[JsonLdBlock]:
    """Every JSON-LD block in an HTML page, parsed (or with its error)."""
    sel = page if isinstance(page, Selector) else Selector(text=page)
    texts = sel.xpath(
        '//script[translate(@type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")'
        '="application/ld+json"]/text()'
    ).getall()
    return [parse_block(t) for t in texts]


def extract_document(text: str) -> JsonLdBlock:
    """A whole JSON-LD document (an exported ``.jsonld``/``.json`` file rather than an HTML page)."""
    return parse_block(text)


# ---------------------------------------------------------------------------------------------------------
# Reading schema.org values
# ---------------------------------------------------------------------------------------------------------


def short_type(t: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if t.startswith(prefix):
            return t[len(prefix) :]
    return t


def types_of(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    return [short_type(x) for x in items if isinstance(x, str)]


def of_types(nodes: Iterable[dict], wanted: Iterable[str], nested: bool = True) -> list[dict]:
    """Nodes whose ``@type`` is one of ``wanted``; with ``nested``, a wanted node inside another counts,
    but not one nested inside a wanted node (a Course's courses in ``hasCourse`` are references)."""
    wanted = set(wanted)
    found: list[dict] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            if set(types_of(node)) & wanted:
                found.append(node)
                return
            if nested:
                for k, v in node.items():
                    if k != "@context":
                        visit(v)

    for node in nodes:
        visit(node)
    return found


def text(value: Any) -> str | None:
    """A plain string from a schema.org value: a string, a ``{"name"|"@value": ...}`` object or a list."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return str(item)
        if isinstance(item, dict):
            for key in ("name", "@value", "value", "alternateName", "targetName"):  # targetName: an AlignmentObject
                found = text(item.get(key))
                if found:
                    return found
    return None


def texts(value: Any) -> list[str]:
    """Every string in a schema.org value; comma-separated keyword strings are split."""
    out: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            out.extend(p.strip() for p in item.split(",") if p.strip())
        elif isinstance(item, dict):
            found = text(item)
            if found:
                out.append(found)
    seen: set[str] = set()
    return [x for x in out if not (x.lower() in seen or seen.add(x.lower()))]


def ref_url(value: Any) -> str | None:
    """The URL a reference points at: a string, or an object's ``url``/``@id``/``sameAs``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("url", "@id", "sameAs"):
            v = value.get(key)
            if isinstance(v, list):
                v = next((x for x in v if isinstance(x, str)), None)
            if isinstance(v, str) and v.strip():
                return v.strip()
    return None


def ref_urls(value: Any) -> list[str]:
    out = []
    for item in as_list(value):
        if isinstance(item, dict) and "itemListElement" in item:  # an ItemList of courses
            out.extend(ref_urls(item["itemListElement"]))
            continue
        if isinstance(item, dict) and types_of(item) == ["ListItem"]:
            item = item.get("item") or item
        url = ref_url(item)
        if url:
            out.append(url)
    return out


# ---------------------------------------------------------------------------------------------------------
# Raw texts (contract 1: the source's own wording; pipeline/normalise parses them)
# ---------------------------------------------------------------------------------------------------------


def language_text(value: Any) -> str | None:
    """``inLanguage`` as stated: a code or name, a ``Language`` object's code (else name), or several joined."""
    out = []
    for item in as_list(value):
        if isinstance(item, dict):
            item = next((text(item.get(k)) for k in ("alternateName", "identifier", "name", "@value") if text(item.get(k))),
                        None)
        out.append(item)
    return joined(out)


# schema.org billingDuration / unitCode of a UnitPriceSpecification, rendered as its unit word
BILLING_UNITS = {"P1M": "month", "P1Y": "year", "P1W": "week", "MON": "month", "ANN": "year", "WEE": "week"}


def offer_text(offer: dict) -> str | None:
    """One schema.org ``Offer`` as text: ``"<category>: <currency> <price>"``, the price as written.

    A ``UnitPriceSpecification`` with a billing period adds ``"/<unit>"`` (``P1M`` -> ``/month``, as contract 1
    writes subscriptions: ``"Subscription: USD 49/month"``; any other period is kept as written, ``per P2M``). An offer with neither price nor category states nothing and gives None.
    """
    spec = offer.get("priceSpecification")
    spec = spec[0] if isinstance(spec, list) and spec else spec
    spec = spec if isinstance(spec, dict) else {}
    amount = offer.get("price") if offer.get("price") not in (None, "") else spec.get("price")
    currency = text(offer.get("priceCurrency")) or text(spec.get("priceCurrency"))
    label = " ".join(texts(offer.get("category")))
    if amount in (None, "") and not label:
        return None
    out = label or "Offer"
    if amount not in (None, ""):
        out += ": " + " ".join(x for x in (currency, joined([amount])) if x)
    period = text(spec.get("billingDuration")) or text(spec.get("unitCode"))
    if period:  # contract 1 of TEAM.md: "Subscription: USD 49/month"; a period with no unit word as written
        unit = BILLING_UNITS.get(period.upper())
        out += f"/{unit}" if unit else f" per {period}"
    return out


def offers_text(offers: Any) -> str | None:
    """Every offer of a node, ``"; "``-separated (``"Audit: USD 0; Verified certificate: USD 199"``)."""
    return joined((offer_text(o) for o in as_list(offers) if isinstance(o, dict)), "; ")


# schema.org repeatFrequency (Google's course info: Daily, Weekly, Monthly, Yearly; or ISO 8601) -> the ISO 8601
# designator of the unit a repeatCount counts, and the word of its per-occurrence rate
FREQUENCIES = {"daily": ("D", "day"), "weekly": ("W", "week"), "monthly": ("M", "month"), "yearly": ("Y", "year"),
               "p1d": ("D", "day"), "p1w": ("W", "week"), "p1m": ("M", "month"), "p1y": ("Y", "year")}


def _frequency(schedule: dict) -> tuple[str, str] | None:
    return FREQUENCIES.get(str(text(schedule.get("repeatFrequency"))).lower().strip())


def schedule_length(schedule: Any) -> str | None:
    """A ``Schedule``'s calendar length as stated: ``repeatCount`` read with its ``repeatFrequency``
    (``Daily`` x 31 -> ``P31D``, ``Monthly`` x 3 -> ``P3M``); a schedule without a repeat states its span in
    ``duration`` (one with a repeat states there the time of each occurrence, see :func:`schedule_workload`)."""
    if not isinstance(schedule, dict):
        return None
    freq, count = _frequency(schedule), schedule.get("repeatCount")
    if freq and is_number(count) and count > 0:
        return f"P{count:g}{freq[0]}"
    stated = text(schedule.get("duration"))
    return stated if stated and not (freq and stated.upper().startswith("PT")) else None


def schedule_workload(schedule: Any) -> str | None:
    """A repeating ``Schedule``'s time per occurrence as a rate: ``duration`` PT3H, ``Daily`` -> ``"PT3H per day"``."""
    if not isinstance(schedule, dict):
        return None
    freq, stated = _frequency(schedule), text(schedule.get("duration"))
    return f"{stated} per {freq[1]}" if freq and stated and stated.upper().startswith("PT") else None


# courseMode words that say how a run is paced rather than where it takes place
PACING_MODES = ("synchronous", "asynchronous", "self-paced", "self paced", "full-time", "part-time")


def modes(instance: dict) -> tuple[str | None, str | None]:
    """(participation_text, pacing_text) of a CourseInstance from its ``courseMode`` values, as stated."""
    values = [m.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for m in texts(instance.get("courseMode"))]
    pacing = [m for m in values if m.lower() in PACING_MODES]
    return joined(m for m in values if m not in pacing), joined(pacing)


def instance_run(instance: dict) -> dict[str, Any]:
    """One ``CourseInstance`` as a run (``Listing.runs``): its dates, mode, schedule, workload, language,
    offers and instructors, each as the node states it."""
    schedule = next((s for s in as_list(instance.get("courseSchedule")) if isinstance(s, dict)), {})
    participation, pacing = modes(instance)
    return {
        "id": instance.get("@id") if isinstance(instance.get("@id"), str) else text(instance.get("identifier")),
        "url": ref_url(instance.get("url")),
        "start": text(instance.get("startDate")) or text(schedule.get("startDate")),
        "end": text(instance.get("endDate")) or text(schedule.get("endDate")),
        "participation_text": participation,
        "pacing_text": pacing,
        "language_text": language_text(instance.get("inLanguage")),
        "cost_text": offers_text(instance.get("offers")),
        "duration_text": text(instance.get("courseWorkload")) or schedule_workload(schedule),
        "length_text": schedule_length(schedule) or text(instance.get("duration")),
        "instructors": joined((text(i) for i in as_list(instance.get("instructor"))), "; "),
    }


# schema.org / provider wording of a credential -> our controlled credential type
CREDENTIAL_WORDS = (
    ("micromasters", "degree_program"),
    ("master", "degree_program"),
    ("degree", "degree_program"),
    ("micro-credential", "micro_credential"),
    ("microcredential", "micro_credential"),
    ("micro credential", "micro_credential"),
    ("professional certificate", "certificate"),
    ("certificate", "certificate"),
    ("certification", "certification"),
    ("badge", "badge"),
    ("specialization", "learning_program"),
    ("expertrack", "learning_program"),
    ("experttrack", "learning_program"),
    ("xseries", "learning_program"),
    ("program", "learning_program"),
    ("programme", "learning_program"),
    ("track", "learning_program"),
    ("course", "course"),
)


def credential_type_from_words(*values: Any) -> str | None:
    for value in values:
        for word in texts(value):
            low = word.lower()
            for needle, ctype in CREDENTIAL_WORDS:
                if needle in low:
                    return ctype
    return None


def credential_type(node: dict) -> str:
    """Our credential type for a schema.org node: its category words first, then its ``@type``."""
    t = set(types_of(node))
    if "EducationalOccupationalCredential" in t:
        return credential_type_from_words(node.get("credentialCategory"), node.get("name")) or "certificate"
    if "EducationalOccupationalProgram" in t:
        return credential_type_from_words(node.get("programType"), node.get("occupationalCredentialAwarded"),
                                          node.get("educationalCredentialAwarded")) or "learning_program"
    return "course"


def organisation(node: dict) -> str | None:
    for key in ("provider", "author", "creator", "publisher", "offeredBy"):  # recognizedBy is recognition
        found = text(node.get(key))
        if found:
            return found
    return None


def map_node(node: dict) -> dict[str, Any]:
    """Canonical listing fields from one schema.org Course / EducationalOccupationalProgram /
    EducationalOccupationalCredential node, every value as the node states it. References are returned as URLs
    (``*_urls``); the spider turns them into uids. Fields the node does not carry are left out.

    Workload and calendar length stay apart: ``timeRequired`` (time to work through the content) or a course
    instance's ``courseWorkload`` (else its schedule's time per occurrence) is ``duration_text``; a programme's
    ``timeToComplete`` or the instance's ``courseSchedule`` is ``length_text``. Every ``CourseInstance`` is a
    run; the first one that states a workload or a length gives the listing's. ``teaches`` are learning
    outcomes and ``coursePrerequisites`` prerequisites (Google's course info structured data)."""
    instances = [i for i in as_list(node.get("hasCourseInstance")) if isinstance(i, dict)]
    runs = [instance_run(i) for i in instances]
    credentials = [c for c in as_list(node.get("educationalCredentialAwarded")) if isinstance(c, dict)]
    is_credential = "EducationalOccupationalCredential" in types_of(node)
    out: dict[str, Any] = {
        "title": text(node.get("name")),
        "url": ref_url(node.get("url")) or (node.get("@id") if isinstance(node.get("@id"), str) else None),
        "credential_type": credential_type(node),
        "description": text(node.get("description")),
        "organisation": organisation(node),
        "level_text": joined(texts(node.get("educationalLevel"))),
        "language_text": language_text(node.get("inLanguage")) or joined(r["language_text"] for r in runs),
        "duration_text": text(node.get("timeRequired")) or next((r["duration_text"] for r in runs if r["duration_text"]), None),
        "length_text": text(node.get("timeToComplete")) or next((r["length_text"] for r in runs if r["length_text"]), None),
        # every offer: the course's (by category: Free, Partially Free, Subscription, Paid), its instances' and the
        # awarded credential's (a certificate fee)
        "cost_text": joined([offers_text(node.get("offers")), *(r["cost_text"] for r in runs),
                             *(offers_text(c.get("offers")) for c in credentials)], "; "),
        "participation_text": joined(r["participation_text"] for r in runs),
        "pacing_text": joined(r["pacing_text"] for r in runs),
        "prerequisites": joined(texts(node.get("coursePrerequisites")) + (texts(node.get("competencyRequired"))
                                if not is_credential else []), "; "),
        "learning_outcomes": texts(node.get("teaches")),
        "skills": (texts(node.get("competencyRequired")) if is_credential else [])
        + texts(node.get("keywords")) + texts(node.get("about")),
        "credits_text": text(node.get("numberOfCredits")),
        "code": text(node.get("courseCode")),
        "source_modified": text(node.get("dateModified")),
        "recognition": [{"role": "recognized_by", "name": text(b), "id": ref_url(b) if isinstance(b, dict) else None}
                        for b in as_list(node.get("recognizedBy")) if text(b)],

        "runs": [r for r in runs if any(v for k, v in r.items())],
    }
    out["has_part_urls"] = ref_urls(node.get("hasCourse")) + ref_urls(node.get("hasPart"))
    out["part_of_urls"] = ref_urls(node.get("isPartOf"))
    out["prepares_for_urls"] = [u for u in ref_urls(node.get("educationalCredentialAwarded")) if u.startswith("http")]
    return {k: v for k, v in out.items() if v not in (None, "", [])}
