"""An app-only Microsoft Entra ID access token, from the environment only (never from configuration files).

The Learn Platform API (``https://learn.microsoft.com/api/v1``) needs a bearer token with scope
``https://learn.microsoft.com/.default`` (Microsoft's Learn Platform API developer reference: app-only access
with an app registration or a managed identity). Sources, first that applies:

1. ``CREDCAT_MSLEARN_TOKEN``: a token obtained elsewhere (``az account get-access-token --resource
   https://learn.microsoft.com``);
2. client credentials: ``AZURE_TENANT_ID``, ``AZURE_CLIENT_ID``, ``AZURE_CLIENT_SECRET`` (the names Azure's own
   SDKs read) -> ``POST {authority}/{tenant}/oauth2/v2.0/token`` with ``grant_type=client_credentials``;
3. a managed identity: ``IDENTITY_ENDPOINT`` + ``IDENTITY_HEADER`` (App Service, Container Apps, Functions), or
   ``AZURE_USE_MANAGED_IDENTITY=1`` for the instance metadata service; ``AZURE_CLIENT_ID`` picks a user-assigned one.

The request is made once, before the crawl, with the standard library (Scrapy's resolver refuses the
link-local metadata address on purpose, spiders/safety.py). Nothing is logged but the method used.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Mapping

SCOPE = "https://learn.microsoft.com/.default"
AUTHORITY = "https://login.microsoftonline.com"
IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"


class TokenError(RuntimeError):
    """Credentials were given but no token came back (the message never contains the secret)."""


def _fetch(request: urllib.request.Request, timeout: float) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - https authority or MSI endpoint
            return json.loads(resp.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise TokenError(f"token request to {request.full_url.split('?')[0]} failed: {exc}") from None


def access_token(scope: str = SCOPE, env: Mapping[str, str] | None = None, *, authority: str = AUTHORITY,
                 timeout: float = 30) -> tuple[str, str] | None:
    """``(token, method)`` or None when the environment holds no credentials."""
    env = os.environ if env is None else env
    if env.get("CREDCAT_MSLEARN_TOKEN"):
        return env["CREDCAT_MSLEARN_TOKEN"], "token"
    tenant, client, secret = env.get("AZURE_TENANT_ID"), env.get("AZURE_CLIENT_ID"), env.get("AZURE_CLIENT_SECRET")
    if tenant and client and secret:
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client,
                                       "client_secret": secret, "scope": scope}).encode()
        req = urllib.request.Request(f"{authority.rstrip('/')}/{urllib.parse.quote(tenant)}/oauth2/v2.0/token",
                                     data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        return _token(_fetch(req, timeout)), "client_credentials"
    resource = scope.removesuffix("/.default")
    if env.get("IDENTITY_ENDPOINT") and env.get("IDENTITY_HEADER"):
        query = {"api-version": "2019-08-01", "resource": resource, **({"client_id": client} if client else {})}
        req = urllib.request.Request(f"{env['IDENTITY_ENDPOINT']}?{urllib.parse.urlencode(query)}",
                                     headers={"X-IDENTITY-HEADER": env["IDENTITY_HEADER"]})
        return _token(_fetch(req, timeout)), "managed_identity"
    if env.get("AZURE_USE_MANAGED_IDENTITY") == "1":
        query = {"api-version": "2018-02-01", "resource": resource, **({"client_id": client} if client else {})}
        req = urllib.request.Request(f"{env.get('CREDCAT_IMDS_ENDPOINT', IMDS)}?{urllib.parse.urlencode(query)}",
                                     headers={"Metadata": "true"})
        return _token(_fetch(req, timeout)), "managed_identity"
    return None


def _token(answer: dict) -> str:
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise TokenError(f"no access_token in the answer ({answer.get('error') or 'unknown error'}: "
                         f"{str(answer.get('error_description') or '')[:200]})")
    return token
