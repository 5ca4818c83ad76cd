"""Generic schema.org JSON-LD spider: a provider is added with a configuration entry, not code.

A ``providers.toml`` entry with ``uses = "jsonld"`` gets a spider of its own, generated here, named by the
entry's ``spider`` key (Scrapy's spider loader needs one class per name)::

    [providers.example-university]
    spider = "example-university"     # the name `scrapy crawl` and `credcat refresh` use
    uses = "jsonld"                   # ... built from this generic spider
    title = "Example University Short Courses"
    base_url = "https://shortcourses.example.edu"
    sitemaps = ["/robots.txt"]        # sitemap or robots.txt URLs (or start_urls = [...])
    url_patterns = ["/courses/[^/]+$", "/credentials/[^/]+$"]
    wanted_types = ["Course", "EducationalOccupationalCredential"]
    url_types = { "/credentials/" = "micro_credential" }   # optional

The spider named ``jsonld`` itself reads given URLs or exported documents for any provider
(``scrapy crawl jsonld -a urls=file:///export.jsonld [-a provider=NAME]``); without ``provider`` its
records are labelled with the source ``jsonld``.
"""

from __future__ import annotations

import re
from typing import Any

from spiders import config
from spiders.web import JsonLdSpider

IMPORT_PROVIDER = {"name": "jsonld", "title": "schema.org JSON-LD import", "base_url": ""}


class GenericJsonLdSpider(JsonLdSpider):
    """``scrapy crawl jsonld -a urls=...``: pages, sitemaps or exported JSON-LD documents."""

    name = "jsonld"

    def load_provider(self, name: str) -> dict[str, Any]:
        if name == "jsonld" and name not in config.providers():
            return dict(IMPORT_PROVIDER)
        return super().load_provider(name)

    def start_urls_for(self):
        if not (self.sitemap_urls or self.start_pages):
            self.logger.error("the jsonld spider needs -a urls=... or -a provider=NAME of a configured provider")
        yield from super().start_urls_for()


def _class_name(spider_name: str) -> str:
    return "JsonLd_" + re.sub(r"\W", "_", spider_name)


def generate_spiders() -> dict[str, type[GenericJsonLdSpider]]:
    """One subclass per ``uses = "jsonld"`` provider, named by its ``spider`` key."""
    classes: dict[str, type[GenericJsonLdSpider]] = {}
    for key, entry in sorted(config.providers().items()):
        if entry.get("uses") != "jsonld":
            continue
        spider_name = entry.get("spider") or key
        if spider_name == GenericJsonLdSpider.name:
            continue  # the generic spider itself; `-a provider=` selects the entry
        cls = type(
            _class_name(spider_name),
            (GenericJsonLdSpider,),
            {"name": spider_name, "provider_key": key, "__module__": __name__,
             "__doc__": f"schema.org JSON-LD spider for {entry.get('title') or key}, generated from providers.toml."},
        )
        classes[cls.__name__] = cls
    return classes


globals().update(generate_spiders())
