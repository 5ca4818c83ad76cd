"""Every spider says where each field of its records comes from (``field_sources``, read by the data
dictionary), in raw field names only: a spider without it, or naming a typed field, fails here."""

from __future__ import annotations

import os

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from spiders.base import CatalogueSpider
from spiders.record import LISTING_FIELDS, REQUIRED_FIELDS
from tests.spider_helpers import TYPED_FIELDS

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
LOADER = SpiderLoader.from_settings(get_project_settings())
# filled by the base class for every spider alike, not mapped from the source
PROVENANCE = {"source", "fetched_at", "source_url", "raw", "uid"}


def problems(spider_cls) -> list[str]:
    sources = spider_cls.field_sources
    if not sources:
        return ["no field_sources"]
    out = []
    if unknown := set(sources) - {f.name for f in LISTING_FIELDS} - set(TYPED_FIELDS):
        out.append(f"names fields the record does not have: {sorted(unknown)}")
    if typed := set(sources) & set(TYPED_FIELDS):
        out.append(f"names typed fields (spiders emit raw texts): {sorted(typed)}")
    if missing := set(REQUIRED_FIELDS) - PROVENANCE - set(sources):
        out.append(f"does not say where {sorted(missing)} come from")
    if any(not isinstance(v, str) or not v.strip() for v in sources.values()):
        out.append("has an empty description")
    return out


@pytest.mark.parametrize("name", LOADER.list())
def test_spider_states_its_field_sources(name):
    assert problems(LOADER.load(name)) == []


def test_the_check_fails_a_spider_without_or_with_typed_field_sources():
    class Bare(CatalogueSpider):
        name = "bare"

    class Typed(CatalogueSpider):
        name = "typed"
        field_sources = {"source_id": "id", "title": "name", "url": "url", "credential_type": "course",
                         "duration_hours": "minutes / 60"}

    assert problems(Bare) == ["no field_sources"]
    assert problems(Typed) == ["names typed fields (spiders emit raw texts): ['duration_hours']"]
