"""JSON-LD documents, processed offline: the shared reader for CTDL and Open Badges.

Linked-data documents arrive in many serialisations of the same graph: compacted with prefixes
(``ceterms:name``) and language maps, compacted with bare terms under a context, or fully expanded with
IRIs and ``@value`` lists; as one object, a list, or an ``@graph``. Rather than matching prefixes by hand we
let a JSON-LD processor (pyld) expand every document to the one canonical form and read that.

A processor fetches remote ``@context`` URLs by default. Here it never does: :class:`OfflineLoader` serves
the contexts shipped in ``spiders/contexts/`` (written for credcat, with the terms we read; see the README
there) and refuses anything else with a clear :class:`UnknownContext` error, so a crawl never hangs on, or
silently depends on, a third-party server.

This module imports neither Scrapy nor Dagster: the pipeline may call it on stored raw records.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

from pyld import jsonld

CONTEXT_DIR = resources.files("spiders") / "contexts"  # a folder, or a folder inside a zipped egg (scrapyd)

CTDL = "https://purl.org/ctdl/terms/"
CTDL_HTTP = "http://purl.org/ctdl/terms/"  # older registry payloads use the http form of the namespace
OB2 = "https://w3id.org/openbadges#"
OB3 = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
SCHEMA = ("https://schema.org/", "http://schema.org/")

# Context URL (scheme and trailing slash ignored) -> shipped file.
CONTEXTS: dict[str, str] = {
    "credreg.net/ctdl/schema/context/json": "ctdl.jsonld",
    "w3id.org/openbadges/v2": "ob_v2.jsonld",
    "openbadgespec.org/v2/context.json": "ob_v2.jsonld",
    "www.w3.org/ns/credentials/v2": "vc_v2.jsonld",
    "www.w3.org/2018/credentials/v1": "vc_v2.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/context.json": "ob_v3.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json": "ob_v3.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob_v3.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob_v3.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob_v3.jsonld",
    "purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob_v3_extensions.jsonld",
}


class UnknownContext(ValueError):
    """A document names a ``@context`` URL that credcat does not ship (nothing is fetched at run time)."""


class LinkedDataError(ValueError):
    """A document is not valid JSON-LD (the processor's message is kept)."""


def _context_key(url: str) -> str:
    key = url.split("://", 1)[-1].split("#", 1)[0].rstrip("/")
    return key


class OfflineLoader:
    """A pyld document loader that serves shipped contexts and refuses everything else."""

    def __init__(self, extra: dict[str, Any] | None = None):
        self.extra = {_context_key(k): v for k, v in (extra or {}).items()}
        self._cache: dict[str, Any] = {}

    def document(self, url: str) -> Any:
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise UnknownContext(f"JSON-LD context {url!r} refused: only the shipped copies of http(s) contexts are "
                                 f"served, nothing is read from files or the network")
        key = _context_key(url)
        if key in self.extra:
            return self.extra[key]
        if key not in CONTEXTS:
            raise UnknownContext(
                f"unknown JSON-LD context {url!r}: credcat ships no copy of it and never fetches contexts at run "
                f"time; add it to spiders/contexts/ and spiders.linked_data.CONTEXTS"
            )
        if key not in self._cache:
            self._cache[key] = json.loads((CONTEXT_DIR / CONTEXTS[key]).read_text(encoding="utf-8"))
        return self._cache[key]

    def __call__(self, url: str, options: dict | None = None) -> dict:
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(self.document(url)),
                "contentType": "application/ld+json"}


LOADER = OfflineLoader()
# Also pyld's process-wide default, so a call that forgets ``documentLoader`` still never fetches or reads a context.
jsonld.set_document_loader(LOADER)


def _unwrap(exc: BaseException) -> BaseException:
    """pyld wraps loader errors several levels deep; find ours."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, UnknownContext):
            return exc
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
    return None


def known_context(url: str) -> bool:
    """Whether ``url`` is a context credcat ships (see :data:`CONTEXTS`)."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://")) and _context_key(url) in CONTEXTS


def without_unknown_contexts(document: Any) -> tuple[Any, list[str]]:
    """A copy of ``document`` with every http(s) ``@context`` URL credcat does not ship removed, anywhere in
    it, and the URLs removed. Their terms are then read as the remaining (or the caller's) context defines
    them: the bare-term fallback for a document that names a context nobody shipped (a publisher's extension).
    Nothing is fetched either way; a ``file:``/``data:`` context, or one inside a term definition, is left in
    place, so the document still fails as hostile (:class:`UnknownContext`)."""
    dropped: list[str] = []

    def strip(ctx: Any) -> Any:
        if isinstance(ctx, list):
            kept = [c for c in (strip(c) for c in ctx) if c is not None]
            return kept or None
        if isinstance(ctx, str) and ctx.lower().startswith(("http://", "https://")) and not known_context(ctx):
            dropped.append(ctx)
            return None
        return ctx

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k == "@context":
                    v = strip(v)
                    if v is None:
                        continue
                    out[k] = v
                else:
                    out[k] = walk(v)
            return out
        return value

    return walk(document), list(dict.fromkeys(dropped))


def expand(document: Any, base: str | None = None, loader: OfflineLoader | None = None) -> list[dict]:
    """The document in expanded form (a list of top-level node objects). Raises UnknownContext/LinkedDataError."""
    options = {"documentLoader": loader or LOADER}
    if base:
        options["base"] = base
    try:
        return jsonld.expand(document, options)
    except Exception as exc:  # noqa: BLE001 - pyld raises JsonLdError wrapping anything
        ours = _unwrap(exc)
        if ours is not None:
            raise ours from None
        raise LinkedDataError(f"not valid JSON-LD: {_message(exc)}") from None


def compact(document: Any, context: Any, base: str | None = None, loader: OfflineLoader | None = None) -> dict:
    """The document compacted against ``context`` (a shipped context URL or an inline context)."""
    options = {"documentLoader": loader or LOADER}
    if base:
        options["base"] = base
    try:
        expanded = jsonld.expand(document, options)
        # No base here: compaction would otherwise turn absolute IRIs into relative ones.
        return jsonld.compact(expanded, context, {"documentLoader": loader or LOADER, "compactToRelative": False})
    except Exception as exc:  # noqa: BLE001
        ours = _unwrap(exc)
        if ours is not None:
            raise ours from None
        raise LinkedDataError(f"not valid JSON-LD: {_message(exc)}") from None


def _message(exc: BaseException) -> str:
    parts = []
    while exc is not None and len(parts) < 4:
        text = str(getattr(exc, "message", None) or exc).splitlines()[0]
        if text and text not in parts:
            parts.append(text)
        exc = getattr(exc, "cause", None)
    return ": ".join(parts) or type(exc).__name__


# -- plain JSON shapes ---------------------------------------------------------------------------------------
def top_nodes(document: Any) -> list[dict]:
    """Normalise one object, a list, or an ``@graph`` (nested or not) into a list of node objects."""
    out: list[dict] = []

    def walk(value: Any, context: Any) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v, context)
        elif isinstance(value, dict):
            graph = value.get("@graph")
            ctx = value.get("@context", context)
            if graph is not None and not (set(value) - {"@context", "@graph", "@id"}):
                walk(graph, ctx)
            else:
                node = dict(value)
                if ctx is not None and "@context" not in node:
                    node["@context"] = ctx
                out.append(node)

    walk(document, None)
    return out


# -- reading expanded nodes ----------------------------------------------------------------------------------
def index(expanded: Iterable[dict]) -> dict[str, dict]:
    """Every identified node in an expanded document, embedded ones included, by ``@id``.

    When a node appears several times (a reference and a description), the fullest description wins.
    """
    found: dict[str, dict] = {}

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            if "@value" in value:
                return
            node_id = value.get("@id")
            if isinstance(node_id, str) and len(value) > 1:
                if node_id not in found or len(value) > len(found[node_id]):
                    found[node_id] = value
            for k, v in value.items():
                if k not in ("@id", "@type", "@context"):
                    walk(v)

    walk(list(expanded))
    return found


def namespaces_of(term: str, namespaces: Iterable[str]) -> list[str]:
    return [ns + term for ns in namespaces]


def values(node: dict, term: str, namespaces: Iterable[str] = (CTDL, CTDL_HTTP)) -> list[Any]:
    """The expanded values of ``term`` under any of ``namespaces`` (a full IRI also works as ``term``)."""
    keys = [term] if "://" in term else namespaces_of(term, namespaces)
    out: list[Any] = []
    for key in keys:
        v = node.get(key)
        if v is None:
            continue
        if isinstance(v, list):
            for item in v:
                out.extend(item.get("@list", [item]) if isinstance(item, dict) and "@list" in item else [item])
        else:
            out.append(v)
    return out


def literal(value: Any) -> Any:
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        if "@id" in value and len(value) == 1:
            return value["@id"]
        return None
    return value


def lang_strings(node: dict, term: str, namespaces: Iterable[str] = (CTDL, CTDL_HTTP)) -> list[tuple[str, str | None]]:
    """``(text, language)`` pairs of a text property; a language map comes out as one pair per language.

    The language is the tag as the processor gives it (pyld lowercases tags: ``en-us``)."""
    out = []
    for v in values(node, term, namespaces):
        if isinstance(v, dict) and "@value" in v and isinstance(v["@value"], str):
            out.append((v["@value"], v.get("@language")))
        elif isinstance(v, str):
            out.append((v, None))
    return out


def preferred(pairs: list[tuple[str, str | None]], prefer: tuple[str, ...] = ("en",)) -> tuple[str | None, str | None]:
    """Pick one ``(text, language)``: a preferred language first, then untagged, then whatever comes first."""
    if not pairs:
        return None, None
    for want in prefer:
        for text, lang in pairs:
            if lang and (lang.lower() == want or lang.lower().startswith(want + "-")):
                return text, lang
    for text, lang in pairs:
        if lang is None:
            return text, None
    return pairs[0]


def text(node: dict, term: str, namespaces: Iterable[str] = (CTDL, CTDL_HTTP)) -> str | None:
    return preferred(lang_strings(node, term, namespaces))[0]


def refs(node: dict, term: str, namespaces: Iterable[str] = (CTDL, CTDL_HTTP)) -> list[str]:
    """Identifiers a property points to: ``{"@id": ...}`` references, embedded nodes' ids, or plain IRI strings."""
    out = []
    for v in values(node, term, namespaces):
        if isinstance(v, dict):
            ident = v.get("@id") if "@value" not in v else v["@value"]
        else:
            ident = v
        if isinstance(ident, str) and ident:
            out.append(ident)
    return out


def embedded(node: dict, term: str, graph: dict[str, dict] | None = None,
             namespaces: Iterable[str] = (CTDL, CTDL_HTTP)) -> Iterator[dict]:
    """Node objects a property holds, following references into ``graph`` when only an ``@id`` is given."""
    for v in values(node, term, namespaces):
        if not isinstance(v, dict) or "@value" in v:
            if isinstance(v, dict) and graph and v.get("@value") in graph:
                yield graph[v["@value"]]
            continue
        if graph is not None and set(v) == {"@id"} and v["@id"] in graph:
            yield graph[v["@id"]]
        else:
            yield v


def local_name(iri: str) -> str:
    """``https://purl.org/ctdl/terms/Certificate`` -> ``Certificate``."""
    for sep in ("#", "/", ":"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


def types(node: dict) -> list[str]:
    t = node.get("@type") or []
    return [local_name(x) for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]
