"""Base spiders shared by every provider: configuration, start URLs, record helpers, quarantine.

A provider spider sets ``name`` (the provider key in ``providers.toml``), implements
:meth:`CatalogueSpider.start_urls_for` and parses responses into :class:`~spiders.record.Listing` items built
with :meth:`CatalogueSpider.listing`. Anything it cannot parse becomes a :class:`~spiders.items.Quarantined`
item through :meth:`CatalogueSpider.quarantine`, never an exception that stops the crawl.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, UTC
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy

from spiders import config, limits
from spiders.items import Listing, Quarantined
from spiders.safety import GIVEN_META

TRACKING_PARAMS = ("utm_", "wt.", "mc_id", "gclid", "fbclid")
# Request meta key naming the family of listings a request stands for (contract 2 in TEAM.md): when such a
# request finally fails, the crawl is incomplete (spiders/extensions.py counts them per family).
FAMILY_META = "credcat_family"


def canonical_url(url: str | None) -> str | None:
    """The URL without fragments and tracking parameters, so two crawls give the same canonical URL."""
    if not url:
        return url
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(TRACKING_PARAMS)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
    mirror_mode = "prefix"  # or "hosts" (``mirror`` in providers.toml): see :meth:`rebase`
    # Where each raw field of the record comes from in the source: read by the data dictionary
    # (pipeline/dictionary.py). Every spider states it; tests/test_field_sources.py fails for one that does not.
    field_sources: dict[str, str] = {}

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
        self.mirror_mode = self.provider.get("mirror", self.mirror_mode)
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
        return bool(self.base_url) and self.base_url != self.live_base_url

    def mirror_prefixes(self) -> list[tuple[str, str]]:
        """(live prefix, mirror prefix) pairs read before the host rule (MOOChub: a platform's feed under
        ``{base_url}/{platform key}``). Prefixes are compared without their scheme."""
        return []

    def is_live_host(self, host: str | None) -> bool:
        live = list(self.provider.get("allowed_domains") or []) + [urlsplit(self.live_base_url).hostname]
        return bool(host) and any(host == d or host.endswith("." + d) for d in live if d)

    def rebase(self, url: str) -> str:
        """Where to fetch a live URL: itself on a live crawl; on a mirror crawl (``-a base_url=``) its place on
        the mirror, which is the one mirror rule of every spider:

        * a configured prefix (:meth:`mirror_prefixes`) moves onto its mirror prefix;
        * ``mirror = "hosts"`` (documents spread over many hosts): ``https://HOST/PATH`` -> ``{base_url}/HOST/PATH``;
        * otherwise a URL on one of the provider's hosts keeps its path under ``base_url``.

        Anything else (another site, ``file://``, a URL already on the mirror) is returned unchanged.
        """
        if not self.mirrored or not url or not url.startswith(("http://", "https://")):
            return url
        if url == self.base_url or url.startswith(self.base_url + "/"):
            return url
        bare = url.split("://", 1)[1]
        for live, mirror in self.mirror_prefixes():
            live = live.split("://", 1)[-1]
            if bare == live or bare.startswith(live.rstrip("/") + "/") or bare.startswith(live + "?"):
                return mirror + bare[len(live):]
        parts = urlsplit(url)
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        if self.mirror_mode == "hosts":
            return f"{self.base_url}/{parts.netloc}{rest if rest.startswith('/') else '/' + rest}"
        if self.is_live_host(parts.hostname):
            return self.base_url + rest
        return url

    def unbase(self, url: str) -> str:
        """A mirror URL turned back into the live URL it stands for (the inverse of :meth:`rebase`)."""
        if not self.mirrored or not url or not (url == self.base_url or url.startswith(self.base_url + "/")):
            return url
        for live, mirror in self.mirror_prefixes():
            if url == mirror or url.startswith(mirror + "/") or url.startswith(mirror + "?"):
                return live + url[len(mirror):]
        rest = url[len(self.base_url):]
        if self.mirror_mode == "hosts":
            return "https://" + rest.lstrip("/")
        return self.live_base_url + rest

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

    body_limits: dict = limits.API  # bounds of a provider's own API pages; document spiders use tighter ones

    def load_json(self, response: scrapy.http.Response) -> tuple[Any, Quarantined | None]:
        """The JSON document in a response body, whatever its Content-Type (``file://`` exports included); on
        failure a quarantine item holding an excerpt of the body and the reason instead of the document.

        The one body loader of every spider: strict UTF-8 and bounded (spiders/limits.py): ``invalid_encoding``,
        ``too_large``, ``too_deep`` or ``invalid_json``, never U+FFFD in a record and never a RecursionError
        that loses the document."""
        try:
            return limits.load_json(response.body, **self.body_limits), None
        except limits.Refused as exc:
            return None, self.quarantine(response, exc.reason, f"response refused: {exc}", limits.excerpt(response.body))

    def each_record(self, response: scrapy.http.Response, entries: Iterable[Any], build, source_id=lambda raw: None,
                    what: str = "a record"):
        """``build(raw)`` for every entry of a list; an entry that is not an object, or whose mapping fails, is
        quarantined alone and the rest still land."""
        for raw in entries:
            if not isinstance(raw, dict):
                yield self.quarantine(response, "wrong_type", f"{what} is not an object", raw)
                continue
            yield self.safely(response, raw, build, source_id(raw))

    def safely(self, response: scrapy.http.Response, raw: Any, build, source_id: str | None = None):
        """Build one record with ``build(raw)``; a mapping error quarantines that record alone."""
        try:
            return build(raw)
        except Exception as exc:  # noqa: BLE001 - any defect in one record must not stop the crawl
            return self.quarantine(response, "mapping_error", f"{type(exc).__name__}: {exc}", raw, source_id)
