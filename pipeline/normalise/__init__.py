"""Parsing and normalisation of the strings providers really publish (issue 4).

The only place where source text becomes a typed value (hours, level, BCP-47 tag, price, ...): spiders keep
the source's text in the feed record and the build joins these parsers' results back onto it
(:mod:`pipeline.normalise.lookups`). Plain Python: imports neither Dagster, Scrapy nor the CLI, so Dagster
assets, the CLI, tests and a downstream service all call the same functions.

Every parser takes the raw value (usually text; ``None`` and numbers are accepted), never raises on junk and
returns a small frozen result that keeps the ``raw`` text beside the parsed value(s). When nothing usable
could be read, the value is ``None`` and ``reason`` carries a short ``code: detail`` string a quarantine row
can group by.

Entry points:

- one value: :func:`parse_duration`, :func:`parse_price`, :func:`parse_level`, :func:`parse_eqf`,
  :func:`parse_language`, :func:`parse_date`, :func:`parse_country`, :func:`resolve_organisation`,
  :func:`parse_ects`, and the vocabularies in :mod:`pipeline.normalise.vocab`;
- many values: :func:`pipeline.normalise.frame.normalise_frame` (a whole DataFrame) and
  :func:`pipeline.normalise.frame.parse_distinct` (one column of distinct values, e.g. handed over by DuckDB
  from ``SELECT DISTINCT duration_text ...``).
"""

from pipeline.normalise.countries import CountryResult, parse_country
from pipeline.normalise.credits import ECTS_HOURS, Ects, ects_from_hours, parse_ects
from pipeline.normalise.dates import DateResult, parse_date
from pipeline.normalise.durations import Duration, parse_duration
from pipeline.normalise.languages import LanguageResult, is_wellformed_tag, parse_language
from pipeline.normalise.levels import EqfResult, LevelResult, parse_eqf, parse_level
from pipeline.normalise.organisations import Organisation, organisation_key, resolve_organisation
from pipeline.normalise.prices import Offer, PriceResult, parse_price

__all__ = [
    "ECTS_HOURS",
    "CountryResult",
    "DateResult",
    "Duration",
    "Ects",
    "EqfResult",
    "LanguageResult",
    "LevelResult",
    "Offer",
    "Organisation",
    "PriceResult",
    "ects_from_hours",
    "is_wellformed_tag",
    "organisation_key",
    "parse_country",
    "parse_date",
    "parse_duration",
    "parse_ects",
    "parse_eqf",
    "parse_language",
    "parse_level",
    "parse_price",
    "resolve_organisation",
]
