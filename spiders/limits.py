"""Bounds on third-party documents, checked before and right after parsing, and strict UTF-8 per record.

A document a spider reads is written by someone else. Without bounds, a body nested 100,000 deep ends in a
``RecursionError`` that loses it without a quarantine row, a 50 MB string or a 100k-node graph costs minutes
of JSON-LD processing, and invalid UTF-8 decoded leniently turns into U+FFFD in a published title.
:func:`load_json` turns each of these into a :class:`Refused` error with a quarantine reason:

* ``too_large``: body over ``MAX_BYTES``, a string over ``MAX_STRING``, or more than ``MAX_VALUES`` values
  (``API`` raises the byte and value bounds for a provider's own API pages);
* ``too_deep``: nesting deeper than ``MAX_DEPTH`` (also when the JSON parser itself runs out of stack);
* ``invalid_encoding``: bytes that are not UTF-8 where they break the JSON itself;
* ``invalid_json``: the parser's own error;
* ``xml_entities``: an XML document (sitemap, RSS) that declares entities in its DTD. Scrapy's and parsel's
  lxml parsers never resolve entities (``resolve_entities=False``) and libxml2 stops a billion-laughs
  amplification, but it stops by cutting the document short, silently; :func:`check_xml` refuses it instead.

Strict UTF-8, record by record. JSON and JSON-LD are UTF-8 by definition (RFC 8259), so a byte that is not
UTF-8 is an error, never a U+FFFD. But one bad byte in one title of a 4,000-record catalogue page must not
lose the 3,999 others: :func:`decode_utf8` keeps each invalid byte as a lone surrogate (Python's
``surrogateescape``; a ``\\ud800``-style escape in JSON gives one too), the page parses, and
:func:`undecodable` finds the records that carry one: the item pipeline quarantines exactly those with reason
``invalid_encoding`` (:func:`escape_undecodable` shows the bytes as ``\\xNN`` in the quarantine row). No
string with a surrogate can reach a feed: UTF-8 cannot even encode it.

The bounds are far above any real catalogue document (snapshot and shared records nest under 15 levels and
hold a few thousand values) and far below what costs noticeable CPU. Nothing here imports Scrapy.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_BYTES = 16 * 1024 * 1024  # a whole document (a CTDL search page of 100 records is ~2 MB)
MAX_DEPTH = 64  # nested objects/lists (real documents: under 15); keeps pyld and every walk far from the stack limit
MAX_STRING = 1024 * 1024  # characters in one string or key
MAX_VALUES = 100_000  # objects, lists and scalars in one linked-data document (JSON-LD costs ~35 us per value)

# A provider's own API page (a whole Microsoft Learn catalogue type, ~15 MB) is bigger than any linked-data
# document and is never run through the JSON-LD processor: size up to DOWNLOAD_MAXSIZE, the same depth and
# string bounds. ``load_json(body, **API)``.
API = {"max_bytes": 64 * 1024 * 1024, "max_values": 10_000_000}

_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(ValueError):
    """A document outside the bounds, or not what it must be; ``reason`` is the quarantine reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def decode_utf8(body: bytes) -> str:
    """UTF-8 (a leading BOM dropped); each invalid byte becomes a lone surrogate for :func:`undecodable` to find."""
    return body.decode("utf-8-sig", "surrogateescape")


def strict_utf8(body: bytes) -> str:
    """Strict UTF-8 for a document that is one record: ``invalid_encoding`` names the first bad byte's offset."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = body[exc.start:exc.start + 4]
        raise Refused("invalid_encoding", f"not valid UTF-8: byte {exc.start} ({bad!r}): {exc.reason}") from None


def undecodable(value: Any, path: str = "") -> str | None:
    """The path of the first string (or key) holding an invalid byte or a lone surrogate, else None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return where or "value"
        elif isinstance(item, dict):
            for key, v in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{where}.{key!r}" if where else repr(key)
                stack.append((v, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return None


def escape_undecodable(text: Any) -> Any:
    """Invalid bytes as ``\\xNN``, other lone surrogates as ``\\udXXX``: printable, and encodable as UTF-8."""
    if not isinstance(text, str):
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
                          else f"\\u{ord(m.group()):04x}", text)


def excerpt(body: bytes | str, limit: int = 100_000) -> str:
    """The start of a refused body for its quarantine row: invalid bytes shown as ``\\xNN``, never U+FFFD."""
    if isinstance(body, str):
        return body[:limit]
    return body[:limit].decode("utf-8", "backslashreplace")


def check_size(body: bytes | str, max_bytes: int = MAX_BYTES) -> None:
    if len(body) > max_bytes:
        raise Refused("too_large", f"document of {len(body):,} bytes is over the {max_bytes:,} byte limit")


def check_value(value: Any, *, max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING,
                max_values: int = MAX_VALUES) -> None:
    """Walk a parsed JSON value without recursion and refuse it when it is outside the bounds."""
    stack = [(value, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            raise Refused("too_large", f"document holds more than {max_values:,} values")
        if isinstance(item, str):
            _check_string(item, max_string)
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                raise Refused("too_deep", f"document is nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key, v in item.items():
                    _check_string(key, max_string)
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in item)


def _check_string(text: str, max_string: int) -> None:
    if len(text) > max_string:
        raise Refused("too_large", f"a string of {len(text):,} characters is over the {max_string:,} limit")


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def check_xml(body: bytes) -> None:
    """Refuse XML with entity declarations (billion laughs, external entities): no sitemap or feed needs one."""
    if _DOCTYPE.search(body) and _ENTITY.search(body):
        raise Refused("xml_entities", "XML document declares entities (<!ENTITY ...>): refused, never expanded")


def parse_json(text: str, **bounds: Any) -> Any:
    """``json.loads`` within the bounds (text already decoded); raises :class:`Refused`."""
    check_size(text, bounds.pop("max_bytes", MAX_BYTES))
    try:
        value = json.loads(text)
    except RecursionError:
        raise Refused("too_deep", "document is nested too deep for the JSON parser") from None
    except ValueError as exc:
        if _SURROGATE.search(text):
            raise Refused("invalid_encoding", f"not valid UTF-8, and not valid JSON: {exc}") from None
        raise Refused("invalid_json", f"not valid JSON: {exc}") from None
    check_value(value, **bounds)
    return value


def load_json(body: bytes, **bounds: Any) -> Any:
    """A JSON body from its bytes: size first (nothing decoded), then parse within the bounds.

    Invalid UTF-8 inside strings survives as lone surrogates: the records holding them are quarantined one by
    one by the item pipeline (:func:`undecodable`), the rest of the page is kept."""
    check_size(body, bounds.get("max_bytes", MAX_BYTES))
    return parse_json(decode_utf8(body), **bounds)
