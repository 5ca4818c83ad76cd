"""Organisation keys, the committed alias table and the resolver; issuer countries."""

import csv

import pytest

from pipeline.normalise.countries import parse_country
from pipeline.normalise.organisations import ALIASES_CSV, alias_table, organisation_key, resolve_organisation
from spiders.record import CREDENTIAL_TYPES  # noqa: F401 - the record module is importable beside us

SAME = [
    ("Universita Bocconi", "Università Bocconi"),
    ("ETH Zurich", "ETH Zürich"),
    ("École polytechnique fédérale de Lausanne", "Ecole Polytechnique Federale de Lausanne"),
    ("The University of Edinburgh", "University of Edinburgh"),
    ("Wageningen University & Research", "Wageningen University and Research"),
    ("Google LLC", "Google"),
    ("University of Manchester   ", "University of Manchester"),  # trailing spaces as in a catalogue
    ("København", "Kobenhavn"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_key_joins_spellings(a, b):
    assert organisation_key(a) == organisation_key(b) != ""


def test_key_is_conservative():
    assert organisation_key("University of Michigan") != organisation_key("Michigan State University")
    assert organisation_key("École Polytechnique") != organisation_key("École Polytechnique Fédérale de Lausanne")
    assert organisation_key("The") == "the"  # never empty for a real word


RESOLVE = [
    ("Università Bocconi", "Università Bocconi", "IT"),
    ("Universita Bocconi", "Università Bocconi", "IT"),
    ("ETH Zurich", "ETH Zürich", "CH"),
    ("EPFL", "École Polytechnique Fédérale de Lausanne", "CH"),
    ("École polytechnique fédérale de Lausanne", "École Polytechnique Fédérale de Lausanne", "CH"),
    ("École Polytechnique", "École Polytechnique", "FR"),
    ("HarvardX", "Harvard University", "US"),
    ("MITx", "Massachusetts Institute of Technology", "US"),
    ("The University of Michigan", "University of Michigan", "US"),
    ("Microsoft", "Microsoft", "US"),
    ("Google Cloud", "Google", "US"),
    ("IBM", "IBM", "US"),
    ("Universit&auml;t Osnabr&uuml;ck", "Universität Osnabrück", "DE"),  # iversity sample, HTML-escaped
    ("DelftX", "Delft University of Technology", "NL"),  # generic edX code rule (row exists too)
    ("ChalmersX", "Chalmers University of Technology", "SE"),
]


@pytest.mark.parametrize("raw,name,country", RESOLVE)
def test_resolve_known(raw, name, country):
    o = resolve_organisation(raw)
    assert (o.name, o.country, o.known) == (name, country, True), o
    assert o.raw == raw


def test_unknown_resolves_to_itself():
    o = resolve_organisation("  Some   Tiny Academy Ltd ")
    assert (o.name, o.key, o.country, o.known) == ("Some Tiny Academy Ltd", "some tiny academy", None, False)


def test_joined_edx_partners_are_split():
    o = resolve_organisation("Delft University of Technology-Wageningen University & Research")
    assert o.members == ("Delft University of Technology", "Wageningen University & Research")
    assert o.name == "Delft University of Technology" and o.country == "NL"
    assert resolve_organisation("Rolls-Royce").name == "Rolls-Royce"  # unknown parts: not split


def test_alias_table_is_consistent():
    """Every alias key maps to one canonical body, countries are ISO 3166-1 alpha-2."""
    seen: dict[str, tuple[str, str]] = {}
    with ALIASES_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert len(rows) > 100
    for row in rows:
        assert parse_country(row["country"]).code == row["country"], row
        for name in (row["alias"], row["canonical_name"]):
            key = organisation_key(name)
            target = (row["canonical_name"], row["country"])
            assert seen.setdefault(key, target) == target, f"{name!r} maps to {seen[key]} and {target}"
    assert len(alias_table()) == len(seen)


@pytest.mark.parametrize("raw", ["", None, "---"])
def test_org_junk(raw):
    o = resolve_organisation(raw)
    assert o.name is None and o.reason


COUNTRIES = [("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("Germany", "DE"), ("Deutschland", "DE"),
             ("UK", "GB"), ("United Kingdom", "GB"), ("USA", "US"), ("United States of America", "US"),
             ("Suisse", "CH"), ("The Netherlands", "NL"), ("España", "ES")]


@pytest.mark.parametrize("raw,code", COUNTRIES)
def test_countries(raw, code):
    assert parse_country(raw).code == code


@pytest.mark.parametrize("raw", ["Europe", "EU", "001", "Atlantis", "", None])
def test_not_countries(raw):
    r = parse_country(raw)
    assert r.code is None and r.reason


def test_several_partners_joined_by_semicolon_first_awards():
    org = resolve_organisation("Hasso Plattner Institute; University of Potsdam")
    assert org.name == resolve_organisation("Hasso Plattner Institute").name
    assert org.members == (resolve_organisation("Hasso Plattner Institute").name, resolve_organisation("University of Potsdam").name)
