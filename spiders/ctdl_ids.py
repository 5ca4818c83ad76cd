"""Stable identifiers for CTDL nodes, shared by the ctdl spider and the pipeline's pathway reader.

A registry record has a ``ctid`` (``ce-<uuid>``); a file export or a draft often has only an ``@id``. Both
sides must derive the same id from the same node, or a pathway's components would not join the listings
the spider emitted: hence this one function. No Scrapy, no pipeline imports.
"""

from __future__ import annotations

import hashlib
import re

CTID_RE = re.compile(r"(ce-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8,9}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SAFE = re.compile(r"[^a-z0-9._-]+")


def ctid_of(iri: str | None) -> str | None:
    m = CTID_RE.search(iri or "")
    return m.group(1).lower() if m else None


def stable_id(iri: str, ctid: str | None = None) -> str:
    """The node's ctid (stated, else inside its ``@id``); else the ``@id``'s last segment when it is a UUID
    (unique by construction); else that segment, made safe, plus 8 hex digits of the ``@id``'s SHA-1, so two
    ``.../course/1`` under different parents never collide and the same ``@id`` always gives the same id."""
    stated = ctid_of(ctid) if ctid else None
    if stated:
        return stated
    if "#" in iri and not iri.startswith("_:"):  # a node inside another one: the owner's id + the fragment
        base, fragment = iri.split("#", 1)
        slug = _SAFE.sub("-", fragment.lower()).strip("-")[:40] or "node"
        return f"{stable_id(base)}-{slug}"
    found = ctid_of(iri)
    if found:
        return found
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if UUID_RE.match(tail):
        return tail.lower()
    digest = hashlib.sha1(iri.encode("utf-8")).hexdigest()[:8]
    slug = _SAFE.sub("-", tail.lower()).strip("-")[:40]
    return f"{slug}-{digest}" if slug else f"id-{digest}"
