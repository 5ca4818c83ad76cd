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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from spiders import limits

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


def walk(nodes: Iterable[Any]) -> Iterator[dict]:
    """Every object in the nodes, nested ones included (a Course inside an ItemList, say)."""
    stack = list(nodes)[::-1]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            children = [v for k, v in node.items() if k != "@context"]
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed(node))


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


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str | None:
    """A plain string from a schema.org value: a string, a ``{"name"|"@value": ...}`` object or a list."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return str(item)
        if isinstance(item, dict):
            for key in ("name", "@value", "value", "alternateName"):
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
# Normalising values (simple now; pipeline/normalise will own the full parsers)
# ---------------------------------------------------------------------------------------------------------

LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "portuguese": "pt",
    "dutch": "nl", "chinese": "zh", "japanese": "ja", "korean": "ko", "arabic": "ar", "russian": "ru",
    "hindi": "hi", "turkish": "tr", "polish": "pl", "swedish": "sv", "ukrainian": "uk", "vietnamese": "vi",
    "indonesian": "id", "greek": "el", "danish": "da", "finnish": "fi", "norwegian": "no", "czech": "cs",
    "hungarian": "hu", "romanian": "ro", "hebrew": "he", "thai": "th", "kazakh": "kk", "catalan": "ca",
    "deutsch": "de", "français": "fr", "español": "es",
}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")


def bcp47(value: Any) -> str | None:
    """A BCP-47 tag from a code (``en``, ``en_us``, ``zh-CN``), a language name or a Language object."""
    if isinstance(value, dict):
        for key in ("alternateName", "identifier", "name", "@value"):
            tag = bcp47(value.get(key))
            if tag:
                return tag
        return None
    if isinstance(value, list):
        return next((t for t in (bcp47(v) for v in value) if t), None)
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    if v.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[v.lower()]
    if not _BCP47.match(v):
        return None
    parts = v.replace("_", "-").split("-")
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 else (p.title() if len(p) == 4 else p.lower()) for p in parts[1:]]
    return "-".join([head, *rest])


LEVEL_WORDS = {
    "beginner": "beginner", "introductory": "beginner", "introduction": "beginner", "foundational": "beginner",
    "basic": "beginner", "entry": "beginner", "novice": "beginner", "elementary": "beginner",
    "intermediate": "intermediate", "advanced": "advanced", "expert": "advanced",
    "mixed": "mixed", "all levels": "mixed", "all": "mixed",
}


def level_of(value: Any) -> str | None:
    """beginner / intermediate / advanced / mixed from free text such as "Introductory" or "Beginner level"."""
    found = set()
    for item in texts(value) if not isinstance(value, str) else [value]:
        low = item.lower()
        if low.strip() in LEVEL_WORDS:
            found.add(LEVEL_WORDS[low.strip()])
            continue
        for word, level in LEVEL_WORDS.items():
            if len(word) > 3 and re.search(rf"\b{re.escape(word)}\b", low):
                found.add(level)
    if not found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


_ISO_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def iso_duration_hours(value: Any) -> float | None:
    """Hours of *time* an ISO 8601 duration spans (``PT10H`` -> 10, ``PT90M`` -> 1.5).

    Only hours/minutes/seconds are converted: ``P6W`` is a calendar span, not a workload, so it gives None
    (the raw text is kept in ``duration_text`` and the full parser decides later).
    """
    if not isinstance(value, str):
        return None
    m = _ISO_DURATION.match(value.strip().upper())
    if not m or value.strip().upper() in ("P", "PT"):
        return None
    g = {k: float(v) for k, v in m.groupdict().items() if v is not None}
    if not g or any(k in g for k in ("years", "months", "weeks", "days")):
        return None
    return round(g.get("hours", 0) + g.get("minutes", 0) / 60 + g.get("seconds", 0) / 3600, 2)


_RANGE = r"(?P<low>\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(?P<high>\d+(?:\.\d+)?))?"


def duration_hours(text_value: str | None, weeks: float | None = None) -> float | None:
    """Total hours from simple duration text: "12 hours", "90 minutes", "PT10H", or a weekly effort
    ("5-10 hours/week", midpoint) times ``weeks``. Anything else: None (raw text is kept)."""
    if not text_value or not isinstance(text_value, str):
        return None
    t = text_value.strip().lower()
    iso = iso_duration_hours(text_value)
    if iso is not None:
        return iso
    m = re.search(_RANGE + r"\s*(?:hours?|hrs?|h)\b\s*(?:/|per|a|each)\s*week", t)
    if m:
        per_week = (float(m["low"]) + float(m["high"] or m["low"])) / 2
        return round(per_week * weeks, 2) if weeks else None
    m = re.fullmatch(r"(?:approx(?:imately|\.)?\s*|about\s*|~\s*)?" + _RANGE + r"\s*(?:hours?|hrs?|h)(?:\s+total)?", t)
    if m:
        return round((float(m["low"]) + float(m["high"] or m["low"])) / 2, 2)
    m = re.fullmatch(_RANGE + r"\s*(?:minutes?|mins?)", t)
    if m:
        return round((float(m["low"]) + float(m["high"] or m["low"])) / 2 / 60, 2)
    return None


def weeks_in(text_value: str | None) -> float | None:
    """Number of weeks in text such as "4 weeks" or "P6W"."""
    if not isinstance(text_value, str):
        return None
    m = re.search(r"(\d+(?:\.\d+)?)\s*weeks?\b", text_value.lower()) or re.fullmatch(
        r"P(\d+(?:\.\d+)?)W", text_value.strip().upper()
    )
    return float(m.group(1)) if m else None


def price(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[^\d.,]", "", value).replace(",", "")
        try:
            return float(cleaned) if cleaned else None
        except ValueError:
            return None
    return None


BILLING_PERIODS = {"P1M": "month", "P1Y": "year", "P1W": "week", "P3M": "quarter", "MON": "month", "ANN": "year"}


def offer_cost(offers: Any) -> dict[str, Any]:
    """Cost fields from schema.org ``offers``: the cheapest priced offer, with a cost kind.

    Kind: ``free`` at price 0; ``subscription`` when the offer says so (category or a
    ``UnitPriceSpecification`` with a billing period); ``certificate_fee`` / ``programme_fee`` /
    ``audit`` when the offer's category says so; otherwise ``unknown``.
    """
    best: dict[str, Any] = {}
    stated: list[str] = []  # every offer as text, for cost_text (the normalisation step parses all offers)
    for offer in as_list(offers):
        if not isinstance(offer, dict):
            continue
        spec = offer.get("priceSpecification")
        spec = spec[0] if isinstance(spec, list) and spec else spec
        amount = price(offer.get("price"))
        currency = offer.get("priceCurrency")
        if amount is None and isinstance(spec, dict):
            amount = price(spec.get("price"))
            currency = currency or spec.get("priceCurrency")
        category = " ".join(texts(offer.get("category"))).lower()
        if amount is not None or category:
            label = " ".join(texts(offer.get("category"))) or "Offer"
            cur = currency.upper() if isinstance(currency, str) and currency.strip() else ""
            if amount is not None:
                stated.append(f"{label}: {cur} {amount:g}".replace(":  ", ": "))
            else:
                stated.append(label if "free" in label.lower() else f"{label}: free")
        if isinstance(spec, dict) and (spec.get("billingDuration") or spec.get("unitCode")):
            category += " subscription"
            period = BILLING_PERIODS.get(str(spec.get("billingDuration") or "").upper())
            if period and stated:
                stated[-1] += f" per {period}"
        if amount is None and "free" not in category:
            continue
        if "subscription" in category:
            kind = "subscription"
        elif "audit" in category:
            kind = "audit"
        elif "certificate" in category:
            kind = "certificate_fee"
        elif "program" in category:
            kind = "programme_fee"
        elif amount == 0 or ("free" in category and amount is None):
            kind = "free"
        else:
            kind = "unknown"
        candidate = {
            "cost_amount": 0.0 if kind in ("free", "audit") and amount is None else amount,
            "cost_currency": currency.upper() if isinstance(currency, str) and currency.strip() else None,
            "cost_kind": kind,
        }
        if not best or (candidate["cost_amount"] or 0) < (best["cost_amount"] or 0):
            best = candidate
    if best and stated:
        best["cost_text"] = "; ".join(stated)
    return best


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
    for key in ("provider", "author", "creator", "publisher", "recognizedBy", "offeredBy"):
        found = text(node.get(key))
        if found:
            return found
    return None


def map_node(node: dict) -> dict[str, Any]:
    """Canonical listing fields from one schema.org Course / EducationalOccupationalProgram /
    EducationalOccupationalCredential node. References are returned as URLs (``*_urls``); the spider turns
    them into uids. Fields the node does not carry are left out."""
    out: dict[str, Any] = {
        "title": text(node.get("name")),
        "url": ref_url(node.get("url")) or (node.get("@id") if isinstance(node.get("@id"), str) else None),
        "credential_type": credential_type(node),
        "description": text(node.get("description")),
        "organisation": organisation(node),
        "level": level_of(node.get("educationalLevel")),
        "language": bcp47(node.get("inLanguage")),
        "skills": texts(node.get("teaches")) + texts(node.get("competencyRequired") if "EducationalOccupationalCredential" in types_of(node) else None)
        + texts(node.get("keywords")) + texts(node.get("about")),
        "source_modified": text(node.get("dateModified")),
    }
    instances = [i for i in as_list(node.get("hasCourseInstance")) if isinstance(i, dict)]
    # Duration: a stated total (timeRequired) beats a weekly workload times a length.
    duration_text = text(node.get("timeRequired"))
    if not duration_text and isinstance(node.get("timeToComplete"), str):
        duration_text = node["timeToComplete"]
    weeks = None
    for inst in instances:
        workload = text(inst.get("courseWorkload"))
        length = text((inst.get("courseSchedule") or {}).get("duration")) if isinstance(inst.get("courseSchedule"), dict) else None
        repeat = (inst.get("courseSchedule") or {}).get("repeatCount") if isinstance(inst.get("courseSchedule"), dict) else None
        if length:
            weeks = weeks_in(length)
        if weeks is None and isinstance(repeat, (int, float)) and not isinstance(repeat, bool):
            weeks = float(repeat)
        if workload and not duration_text:
            duration_text = workload + (f" for {weeks:g} weeks" if weeks else "")
        break
    if duration_text:
        out["duration_text"] = duration_text
        hours = duration_hours(duration_text.split(" for ")[0], weeks) if " for " in duration_text else duration_hours(duration_text)
        if hours is not None:
            out["duration_hours"] = hours
    out.update(offer_cost(node.get("offers")))
    if out.get("language") is None:
        for inst in instances:
            out["language"] = bcp47(inst.get("inLanguage"))
            if out["language"]:
                break
    out["has_part_urls"] = ref_urls(node.get("hasCourse")) + ref_urls(node.get("hasPart"))
    out["part_of_urls"] = ref_urls(node.get("isPartOf"))
    out["prepares_for_urls"] = [u for u in ref_urls(node.get("educationalCredentialAwarded")) if u.startswith("http")]
    return {k: v for k, v in out.items() if v not in (None, "", [])}
