"""Item pipelines: validate every listing against the canonical contract before it reaches a feed."""

from __future__ import annotations

import json

from itemadapter import ItemAdapter

from spiders import limits
from spiders.items import Listing, Quarantined
from spiders.record import validate


class ValidationPipeline:
    """Turns an invalid :class:`Listing` into a :class:`Quarantined` item carrying the reasons.

    Returning a different item (rather than raising ``DropItem``) keeps the bad record: the feed exporter
    routes it to the quarantine feed by item class, so one bad record never takes valid data down with it.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def close_spider(self, spider=None):
        """Mark a crawl that produced no valid listing (``credcat/empty_crawl``), so the pipeline can refuse
        to publish a provider that suddenly returns nothing. Runs before the stats file is written."""
        self.stats.set_value("credcat/empty_crawl", 0 if self.stats.get_value("credcat/listings") else 1)
        if not self.stats.get_value("credcat/listings"):
            self.stats.set_value("credcat/listings", 0)

    def process_item(self, item, spider=None):
        if isinstance(item, Quarantined):
            self.stats.inc_value(f"credcat/quarantined/{item.reason}")
            item.raw, item.message, item.source_id = (limits.escape_undecodable(v) for v in (item.raw, item.message,
                                                                                            item.source_id))
            return item
        if not isinstance(item, Listing):
            return item
        record = ItemAdapter(item).asdict()
        problems = validate(record)
        where = limits.undecodable(record)  # invalid UTF-8 from the source (spiders/limits.py): never published
        if where is not None:
            problems = [f"invalid_encoding: {where} holds bytes that are not UTF-8 (shown as \\xNN in raw)"] + problems
        if not problems:
            self.stats.inc_value("credcat/listings")
            self.stats.inc_value(f"credcat/listings/{item.credential_type}")
            return item
        reason = problems[0].split(":", 1)[0]
        self.stats.inc_value(f"credcat/quarantined/{reason}")
        return Quarantined(
            source=item.source or "",
            source_id=limits.escape_undecodable(item.source_id) if isinstance(item.source_id, str) else None,
            source_url=item.source_url,
            fetched_at=item.fetched_at,
            reason=reason,
            message=limits.escape_undecodable("; ".join(problems)),
            raw=limits.escape_undecodable(json.dumps(item.raw if item.raw else record, ensure_ascii=False, default=str)),
        )
