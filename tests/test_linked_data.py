"""The offline JSON-LD reader: one graph in every serialisation reads the same; nothing is fetched."""

from __future__ import annotations

import time

import pytest

from spiders import linked_data as ld

T = "https://purl.org/ctdl/terms/"
ID = "https://credentialengineregistry.org/resources/ce-0a1b2c3d-0000-4000-8000-000000000001"
OWNER = "https://credentialengineregistry.org/resources/ce-0a1b2c3d-0000-4000-8000-000000000002"

COMPACTED = {"@context": "https://credreg.net/ctdl/schema/context/json", "@id": ID, "@type": "ceterms:Certificate",
             "ceterms:ctid": "ce-0a1b2c3d-0000-4000-8000-000000000001",
             "ceterms:name": {"en-US": "Welding Certificate", "es": "Certificado de soldadura"},
             "ceterms:ownedBy": [OWNER]}
BARE = {"@context": {"@vocab": T, "name": {"@container": "@language"}, "ownedBy": {"@type": "@id"}}, "@id": ID,
        "@type": "Certificate", "ctid": "ce-0a1b2c3d-0000-4000-8000-000000000001",
        "name": {"en-US": "Welding Certificate", "es": "Certificado de soldadura"}, "ownedBy": OWNER}
EXPANDED = [{"@id": ID, "@type": [T + "Certificate"], T + "ctid": [{"@value": "ce-0a1b2c3d-0000-4000-8000-000000000001"}],
             T + "name": [{"@value": "Welding Certificate", "@language": "en-US"},
                          {"@value": "Certificado de soldadura", "@language": "es"}],
             T + "ownedBy": [{"@id": OWNER}]}]
# Older registry payloads: http:// namespace, inline context, no language maps.
OLD_HTTP = {"@context": {"ceterms": "http://purl.org/ctdl/terms/"}, "@id": ID, "@type": "ceterms:Certificate",
            "ceterms:ctid": "ce-0a1b2c3d-0000-4000-8000-000000000001", "ceterms:name": "Welding Certificate",
            "ceterms:ownedBy": {"@id": OWNER}}


@pytest.mark.parametrize("document", [COMPACTED, BARE, EXPANDED, {"@graph": [COMPACTED]}, [COMPACTED], OLD_HTTP],
                         ids=["ceterms", "bare", "expanded", "graph", "list", "http-namespace"])
def test_every_serialisation_reads_the_same(document):
    nodes = [n for top in ld.top_nodes(document) for n in ld.expand(top)]
    [node] = [n for n in nodes if n.get("@id") == ID]
    assert ld.types(node) == ["Certificate"]
    assert ld.text(node, "ctid") == "ce-0a1b2c3d-0000-4000-8000-000000000001"
    assert ld.text(node, "name") == "Welding Certificate"
    assert ld.refs(node, "ownedBy") == [OWNER]


def test_language_maps_keep_the_language():
    [node] = ld.expand(COMPACTED)
    # the tag as the processor gives it (pyld lowercases); pipeline/normalise writes it as BCP-47
    assert sorted(ld.lang_strings(node, "name")) == [("Certificado de soldadura", "es"), ("Welding Certificate", "en-us")]
    assert ld.preferred(ld.lang_strings(node, "name"), prefer=("es",)) == ("Certificado de soldadura", "es")


def test_unknown_context_is_a_clear_error_not_a_fetch():
    start = time.monotonic()
    with pytest.raises(ld.UnknownContext, match="unknown JSON-LD context 'https://example.org/ctx.jsonld'"):
        ld.expand({"@context": "https://example.org/ctx.jsonld", "name": "x"})
    assert time.monotonic() - start < 2


def test_shipped_contexts_are_served_offline():
    for url in ("https://w3id.org/openbadges/v2", "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "http://credreg.net/ctdl/schema/context/json"):
        assert "@context" in ld.LOADER(url)["document"]


def test_invalid_json_ld_is_reported():
    with pytest.raises(ld.LinkedDataError, match="not valid JSON-LD"):
        ld.expand({"@context": {"@version": "bogus"}, "name": "x"})


def test_top_nodes_shapes():
    assert ld.top_nodes({"@context": "c", "@graph": [{"a": 1}, {"b": 2}]}) == [{"a": 1, "@context": "c"}, {"b": 2, "@context": "c"}]
    assert ld.top_nodes([{"a": 1}, [{"b": 2}]]) == [{"a": 1}, {"b": 2}]
    assert ld.top_nodes("text") == []
