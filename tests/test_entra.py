"""spiders/entra.py: the Learn Platform API token comes from the environment, by the documented flows; tested
against a loopback token endpoint (no network)."""

from __future__ import annotations

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.snapshot_server import serve_in_thread
from spiders import entra


class TokenEndpoint(BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        TokenEndpoint.seen.append(("POST", self.path, form))
        if form.get("client_secret") == ["wrong"]:
            self._answer({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret"}, 401)
            return
        self._answer({"token_type": "Bearer", "expires_in": 3599, "access_token": "app-token"})

    def do_GET(self):  # noqa: N802
        TokenEndpoint.seen.append(("GET", self.path, dict(self.headers)))
        self._answer({"access_token": "msi-token", "resource": "https://learn.microsoft.com"})

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    TokenEndpoint.seen = []
    with serve_in_thread(ThreadingHTTPServer(("127.0.0.1", 0), TokenEndpoint), "token") as url:
        yield url


def test_client_credentials_flow(endpoint):
    env = {"AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": "app-id", "AZURE_CLIENT_SECRET": "s3cret"}
    assert entra.access_token(env=env, authority=endpoint) == ("app-token", "client_credentials")
    method, path, form = TokenEndpoint.seen[0]
    assert (method, path) == ("POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token")
    assert form == {"grant_type": ["client_credentials"], "client_id": ["app-id"], "client_secret": ["s3cret"],
                    "scope": ["https://learn.microsoft.com/.default"]}


def test_a_refused_secret_is_a_clear_error_without_the_secret(endpoint):
    env = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "wrong"}
    with pytest.raises(entra.TokenError) as err:
        entra.access_token(env=env, authority=endpoint)
    assert "wrong" not in str(err.value)


def test_managed_identity_endpoint_and_given_token(endpoint):
    env = {"IDENTITY_ENDPOINT": f"{endpoint}/msi/token", "IDENTITY_HEADER": "hdr", "AZURE_CLIENT_ID": "user-mi"}
    assert entra.access_token(env=env) == ("msi-token", "managed_identity")
    method, path, headers = TokenEndpoint.seen[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["resource"] == ["https://learn.microsoft.com"] and query["client_id"] == ["user-mi"]
    assert {k.lower(): v for k, v in headers.items()}["x-identity-header"] == "hdr"
    assert entra.access_token(env={"CREDCAT_MSLEARN_TOKEN": "given"}) == ("given", "token")
    assert entra.access_token(env={}) is None
