"""Items the spiders yield: canonical listings, and records set aside for the quarantine table."""

from __future__ import annotations

from dataclasses import dataclass, field

from spiders.record import Listing

__all__ = ["Listing", "Quarantined"]


@dataclass
class Quarantined:
    """A record that could not become a valid listing, kept with the reason instead of being dropped."""

    source: str
    source_url: str
    reason: str  # short code: invalid_json, missing_field, wrong_type, bad_vocabulary, mapping_error, ...
    message: str
    raw: str  # the raw payload as text (a record's JSON, or the response body when it could not be parsed)
    source_id: str | None = None
    fetched_at: str | None = None
    spider: str | None = field(default=None)
