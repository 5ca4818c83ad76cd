"""The HTTP API against a live server on loopback (a real `credcat serve` process), with httpx and with
schemathesis property tests generated from its own OpenAPI document."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time

import duckdb
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings


@pytest.fixture(scope="module")
def server(published, tmp_path_factory):
    """`credcat serve` on a free loopback port over a copy of the demo catalogue: (base url, catalogue path)."""
    data, _ = published
    folder = tmp_path_factory.mktemp("served")
    path = folder / "catalogue.duckdb"
    shutil.copyfile(data / "catalogue.duckdb", path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CREDCAT_CATALOGUE": str(path), "CREDCAT_DATA_DIR": str(data)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            if proc.poll() is not None:
                pytest.fail(f"credcat serve exited: {proc.stderr.read().decode()[-2000:]}")
        yield base, path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a request still running past the graceful shutdown
            proc.kill()
            proc.wait(timeout=20)


def test_search_with_facets_and_pagination(server):
    base, _ = server
    r = httpx.get(base + "/search", params={"q": "machine learning", "limit": 5})
    assert r.status_code == 200
    body = r.json()
    assert len(body["hits"]) == 5 and body["next_offset"] == 5 and body["facets"]["credential_type"]
    page2 = httpx.get(base + "/search", params={"q": "machine learning", "limit": 5, "offset": 5}).json()
    assert not {h["uid"] for h in body["hits"]} & {h["uid"] for h in page2["hits"]}
    assert page2["total"] == body["total"]
    r = httpx.get(base + "/search", params={"q": "azure", "level": "beginner", "free": "true"})
    assert all(h["level"] == "beginner" and h["cost_amount"] == 0 for h in r.json()["hits"])


def test_credential_page_has_sources_skills_and_pathways(server):
    base, _ = server
    r = httpx.get(base + "/credentials/coursera:learn/neural-networks-deep-learning")
    assert r.status_code == 200
    c = r.json()
    assert c["title"] == "Neural Networks and Deep Learning"
    assert c["sources"] and c["sources"][0]["credential_uid"] == c["uid"]
    assert c["mapped_skills"] and "links" in c and "profile" in c
    assert any(p["destination"] == "coursera:specializations/deep-learning" for p in c["pathways"])
    assert httpx.get(base + "/credentials/nope:nothing").status_code == 404


def test_pathways_plan_providers_tables(server):
    base, _ = server
    page = httpx.get(base + "/pathways", params={"limit": 3}).json()
    assert len(page["items"]) == 3 and page["total"] >= 3
    one = httpx.get(base + f"/pathways/{page['items'][0]['pathway_id']}").json()
    assert one["steps_detail"] and one["steps_detail"][0]["step_no"] == 1
    plan = httpx.get(base + "/plan", params={"want": "python"}).json()
    assert plan["feasible"] and plan["steps"]
    providers = httpx.get(base + "/providers").json()["providers"]
    assert {p["provider"] for p in providers} >= {"coursera", "mslearn", "edx"}
    from spiders import config  # import-only and retired providers have no crawled listings in the demo

    assert all(p["published_listings"] > 0 for p in providers if p["provider"] in config.crawled())
    tables = {t["table"]: t["rows"] for t in httpx.get(base + "/tables").json()["tables"]}
    assert {"credentials", "stack_conditions", "organisations"} <= set(tables)
    rows = httpx.get(base + "/tables/organisations", params={"limit": 2, "offset": 1}).json()
    assert rows["total"] == tables["organisations"] and len(rows["items"]) == 2
    assert isinstance(rows["items"][0]["sources"], list)


def test_clear_4xx(server):
    base, _ = server
    for path, params in (("/search", {"q": "x", "limit": 0}), ("/search", {"q": "x", "level": "expert"}),
                         ("/search", {"q": "x", "max_hours": "nan"}), ("/search", {}), ("/plan", {})):
        r = httpx.get(base + path, params=params)
        assert r.status_code == 422, (path, params, r.text)
        assert r.json()["error"].startswith("invalid request:")
    assert httpx.get(base + "/tables/nope").status_code == 404
    assert "tables:" in httpx.get(base + "/tables/nope").json()["error"]


def test_etag_and_304(server):
    base, _ = server
    r = httpx.get(base + "/tables")
    tag = r.headers["etag"]
    again = httpx.get(base + "/tables", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["etag"] == tag and not again.content
    assert httpx.get(base + "/tables", headers={"If-None-Match": '"other"'}).status_code == 200


def test_openapi_and_offline_docs(server):
    base, _ = server
    spec = httpx.get(base + "/openapi.json").json()
    assert {"/search", "/credentials/{uid}", "/pathways", "/pathways/{pathway_id}", "/plan", "/skills/match",
            "/providers", "/tables", "/tables/{table}"} <= set(spec["paths"])
    for page in ("/docs", "/redoc"):
        html = httpx.get(base + page).text
        assert "cdn" not in html.lower() and "https://" not in html.split("<body")[0]
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets
        for src in assets:
            assert src.startswith("/"), src  # served by the app itself, never a CDN
            assert httpx.get(base + src).status_code == 200


def test_a_new_publish_is_served_without_restart(server):
    base, path = server
    before = httpx.get(base + "/tables/credentials", params={"limit": 1}).json()["total"]
    new = path.with_name("next.duckdb")
    shutil.copyfile(path, new)
    con = duckdb.connect(str(new))
    con.execute("delete from credentials where uid in (select uid from credentials order by uid limit 2)")
    con.execute("checkpoint")
    con.close()
    os.replace(new, path)  # what warehouse.publish does
    assert httpx.get(base + "/tables/credentials", params={"limit": 1}).json()["total"] == before - 2


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis(server, mode):
    """Requests generated from the OpenAPI document, valid (positive) and invalid (negative) ones, bounded:
    never a server error; responses conform to the documented schemas and status codes; invalid input gets
    a 4xx."""
    from schemathesis import GenerationMode

    base, _ = server
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        if mode == "negative" and not list(operation.iter_parameters()):
            continue  # nothing to make invalid
        if operation.path == "/skills/match" and not _has_matcher():
            continue  # answers 501 until the skills lane's match_skills (the contract) lands
        @given(operation.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            response = case.call(base_url=base)
            assert response.status_code < 500, (case.path, case.query, response.text[:500])
            case.validate_response(response)

        check()


def _has_matcher() -> bool:
    from pipeline.skills import mapping

    return hasattr(mapping, "match_skills")
