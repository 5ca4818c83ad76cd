"""Base spiders shared by every provider: configuration, start URLs, record helpers, quarantine.

A provider spider sets ``name`` (the provider key in ``providers.toml``), implements
:meth:`CatalogueSpider.start_urls_for` and parses responses into :class:`~spiders.record.Listing` items built
with :meth:`CatalogueSpider.listing`. Anything it cannot parse becomes a :class:`~spiders.items.Quarantined`
item through :meth:`CatalogueSpider.quarantine`, never an exception that stops the crawl.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy

from spiders import config, limits
from spiders.items import Listing, Quarantined
from spiders.safety import GIVEN_META

TRACKING_PARAMS = ("utm_", "wt.", "mc_id", "gclid", "fbclid")


def canonical_url(url: str | None) -> str | None:
    """The URL without fragments and tracking parameters, so two crawls give the same canonical URL."""
    if not url:
        return url
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(TRACKING_PARAMS)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CatalogueSpider(scrapy.Spider):
    """A spider for one configured provider.

    Spider arguments (``-a``): ``urls=URL[,URL...]`` starts from the given URLs instead of the configured
    ones (``file://`` paths of exported documents included); ``base_url=URL`` crawls a mirror (the offline
    snapshot server, a staging host) with no code change; ``provider=NAME`` reads another provider entry
    with the same spider (one spider, many providers by configuration).

    ``allowed_domains`` are the provider's configured domains (``allowed_domains`` in ``providers.toml``, else
    the host of its ``base_url``) plus the mirror's host, so Scrapy's offsite filter keeps a crawl on them.
    """

    provider_key: str | None = None  # defaults to ``name``

    def __init__(
        self,
        *args: Any,
        urls: str | None = None,
        base_url: str | None = None,
        provider: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.provider = self.load_provider(provider or self.provider_key or self.name)
        self.live_base_url = (self.provider.get("base_url") or "").rstrip("/")
        self.base_url = (base_url or self.live_base_url).rstrip("/")
        self.given_urls = [u.strip() for u in urls.split(",") if u.strip()] if urls else []
        self.allowed_domains = self.domains()

    def load_provider(self, name: str) -> dict[str, Any]:
        return config.provider(name)

    # -- domains and mirrors -------------------------------------------------------------------------------
    def domains(self) -> list[str]:
        """Hosts this spider may fetch from: the configured ones, plus the mirror's host when mirrored."""
        configured = list(self.provider.get("allowed_domains") or [])
        for url in (self.live_base_url, self.base_url):
            host = urlsplit(url).hostname if url else None
            if host and host not in configured:
                configured.append(host)
        return configured

    @property
    def mirrored(self) -> bool:
        return bool(self.live_base_url) and self.base_url != self.live_base_url

    def rebase(self, url: str) -> str:
        """A live URL of this provider (any allowed domain) moved onto the mirror when crawling a mirror."""
        if not self.mirrored or not url:
            return url
        parts = urlsplit(url)
        host = parts.hostname or ""
        live_hosts = [d for d in self.provider.get("allowed_domains") or []] + [urlsplit(self.live_base_url).hostname]
        if parts.scheme in ("http", "https") and any(host == d or host.endswith("." + d) for d in live_hosts if d):
            mirror = urlsplit(self.base_url)
            return urlunsplit((mirror.scheme, mirror.netloc, parts.path, parts.query, parts.fragment))
        return url

    def unbase(self, url: str) -> str:
        """A mirror URL turned back into the provider's live URL (for records read from a mirror)."""
        if self.mirrored and url and url.startswith(self.base_url + "/"):
            return self.live_base_url + url[len(self.base_url):]
        return url

    # -- what to fetch -------------------------------------------------------------------------------------
    def start_urls_for(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def parse_given(self, response: scrapy.http.Response):
        """Callback for URLs given with ``-a urls=``; by default the same as the configured entry point."""
        return self.parse(response)

    async def start(self):
        if self.given_urls:
            for url in self.given_urls:
                request = scrapy.Request(url, callback=self.parse_given, dont_filter=True)
                request.meta[GIVEN_META] = request.url  # the one URL that may be file:// (spiders/safety.py)
                yield request
        else:
            for request in self.start_urls_for():
                yield request

    # -- building records ----------------------------------------------------------------------------------
    def listing(self, response: scrapy.http.Response, raw: dict, **fields: Any) -> Listing:
        """A canonical listing with provenance filled in from the response."""
        fields.setdefault("platform", self.provider.get("title"))
        # facts true of every listing of the provider (e.g. participation_text = "online"), from providers.toml
        for key, value in self.provider.get("record_defaults", {}).items():
            if fields.get(key) in (None, "", []):
                fields[key] = value
        fields["url"] = canonical_url(fields.get("url"))
        return Listing(
            source=self.provider["name"],
            fetched_at=utc_now(),
            source_url=response.url,
            raw=raw,
            **fields,
        )

    def uid(self, source_id: str) -> str:
        return f"{self.provider['name']}:{source_id}"

    def quarantine(
        self, response: scrapy.http.Response, reason: str, message: str, raw: Any, source_id: str | None = None
    ) -> Quarantined:
        if not isinstance(raw, str):
            raw = json.dumps(raw, ensure_ascii=False, default=str)
        self.logger.warning("quarantined %s record from %s: %s: %s", self.provider["name"], response.url, reason, message)
        return Quarantined(
            source=self.provider["name"],
            source_id=source_id,
            source_url=response.url,
            fetched_at=utc_now(),
            reason=reason,
            message=message,
            raw=raw,
            spider=self.name,
        )

    def load_json(self, response: scrapy.http.Response) -> tuple[Any, Quarantined | None]:
        """Parse a JSON body; on failure return a quarantine item holding the body and the parser's error.

        Strict UTF-8 and bounded (spiders/limits.py): ``invalid_encoding``, ``too_large``, ``too_deep`` or
        ``invalid_json``, never U+FFFD in a record and never a RecursionError that loses the document."""
        try:
            return limits.load_json(response.body, **limits.API), None
        except limits.Refused as exc:
            return None, self.quarantine(response, exc.reason, f"response refused: {exc}", limits.excerpt(response.body))

    def safely(self, response: scrapy.http.Response, raw: Any, build, source_id: str | None = None):
        """Build one record with ``build(raw)``; a mapping error quarantines that record alone."""
        try:
            return build(raw)
        except Exception as exc:  # noqa: BLE001 - any defect in one record must not stop the crawl
            return self.quarantine(response, "mapping_error", f"{type(exc).__name__}: {exc}", raw, source_id)
