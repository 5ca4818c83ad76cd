"""Small helpers every spider shares: reading the shapes sources publish, never interpreting values.

A spider keeps the source's own text (contract 1 in TEAM.md); turning text into hours, languages, levels or
prices is the job of ``pipeline/normalise`` alone. What is here only reshapes: a value that may be one item
or a list, HTML entities left in text, several stated values joined into one raw text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

# What a feed's "certificate available" flag says about cost (Coursera API, edX RSS, FutureLearn feed): the
# course is free to audit and the certificate is paid, its price not stated in the feed.
AUDIT_TEXT = "Free to audit; paid certificate"


def as_list(value: Any) -> list:
    """``None`` -> ``[]``, a list as it is, anything else as a one-item list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def clean(text: Any) -> str | None:
    """Text with HTML entities decoded (twice, for ``&amp;amp;``) and outer whitespace trimmed; words untouched."""
    if not isinstance(text, str):
        return None
    text = html.unescape(html.unescape(text)).strip()
    return text or None


def html_text(value: Any) -> str | None:
    """Text of an HTML fragment (Microsoft Learn v1 summaries carry markup with build attributes): tags removed,
    entities decoded, whitespace collapsed; the words untouched. Plain text passes through."""
    if not isinstance(value, str):
        return None
    if "<" in value:
        from w3lib.html import remove_tags

        value = remove_tags(value)
    return clean(" ".join(value.split()))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def joined(values: Iterable[Any], sep: str = ", ") -> str | None:
    """Several stated values as one raw text (``["de", "en"]`` -> ``"de, en"``), repeats and blanks dropped."""
    out = [v.strip() if isinstance(v, str) else f"{v:g}" if is_number(v) else None for v in values]
    return sep.join(dict.fromkeys(v for v in out if v)) or None


def with_unit(value: Any, unit: str | None) -> str | None:
    """A structured number rendered with its unit as the source names it (``25, "minutes"`` -> ``"25 minutes"``).

    A value that is not a number is a defect of the source's structure: it raises ``TypeError``, which the
    spider's ``safely`` turns into a ``mapping_error`` quarantine row for that record alone.
    """
    if value is None:
        return None
    if not is_number(value):
        raise TypeError(f"expected a number of {unit}, got {value!r}")
    return f"{value:g} {unit}".strip() if unit else f"{value:g}"
