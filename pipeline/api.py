"""``credcat serve``: a read-only JSON API over the published catalogue (FastAPI on uvicorn).

Every query runs on a sandboxed connection from :mod:`pipeline.query` (through :func:`pipeline.search.connect`,
which loads the full-text extension before the configuration is locked). A publish replaces the catalogue
file (``os.replace``); each request checks the file's identity and, when it changed, the connection is closed
and reopened, so a new catalogue is served without a restart. DuckDB shares one database instance among a
process's connections to a file, so the swap happens under the same lock every request holds: no request
keeps the old instance alive while the new one opens.

Responses carry an ``ETag`` (a hash of the body); a request whose ``If-None-Match`` matches gets ``304``.
Bad parameters get ``422`` with the field and what was wrong; unknown ids ``404``. The OpenAPI document is at
``/openapi.json``; the interactive docs (``/docs`` Swagger UI, ``/redoc``) load their scripts from the
``fastapi-offline`` package, served by this app, never from a CDN.
"""

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, StringConstraints

from pipeline import paths, query, search

MAX_PAGE = 200
TIMEOUT = 10.0  # seconds a request's queries may run


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"items per page (1-{MAX_PAGE})")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Amount = Annotated[float | None, Query(ge=0, le=1e9, allow_inf_nan=False)]
Words = Annotated[str, StringConstraints(pattern=r"\S", max_length=200)]  # not blank
Level = Literal["beginner", "intermediate", "advanced", "mixed"]


class Error(BaseModel):
    """Every 4xx/5xx answer: what went wrong and what to do; ``detail`` lists the bad parameters (422)."""

    error: str
    detail: list[dict[str, Any]] | None = None


ERRORS = {400: {"model": Error, "description": "The catalogue could not answer this request"},
          404: {"model": Error, "description": "No such credential, pathway or table; no credential teaches the skill"},
          422: {"model": Error, "description": "Invalid parameters: which and why"},
          501: {"model": Error, "description": "Not available in this build"},
          503: {"model": Error, "description": "No catalogue published yet, or no search index"},
          304: {"description": "Not modified (If-None-Match matched the ETag)"}}


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class Catalogue:
    """The published catalogue, reopened when a publish replaced the file; one query at a time."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self.lock = threading.Lock()
        self.con = None
        self.identity: tuple | None = None

    def _path(self) -> Path:
        return self.path or paths.catalogue_path()

    def run(self, work: Callable[[Any], Any]) -> Any:
        with self.lock:
            path = self._path()
            try:
                st = os.stat(path)
            except FileNotFoundError:
                raise ApiError(503, f"no catalogue published at {path} yet: run `credcat refresh`") from None
            identity = (st.st_ino, st.st_mtime_ns, st.st_size)
            if identity != self.identity:
                if self.con is not None:
                    self.con.close()
                    self.con = None
                try:
                    self.con = search.connect(path, limits=query.Limits(max_rows=MAX_PAGE, timeout=TIMEOUT))
                except (query.QueryError, search.SearchError) as exc:
                    raise ApiError(503, str(exc)) from None
                self.identity = identity
            timer = threading.Timer(TIMEOUT, self.con.interrupt)  # no request runs unbounded
            timer.daemon = True
            timer.start()
            try:
                return work(self.con)
            except duckdb.InterruptException:
                raise ApiError(503, f"the request took longer than {TIMEOUT:g} s and was stopped: narrow it") from None
            except duckdb.Error as exc:
                raise ApiError(400, f"the catalogue could not answer this request: {str(exc).splitlines()[0]}") from None
            finally:
                timer.cancel()

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                self.con.close()
                self.con = None
                self.identity = None


def _records(cur) -> list[dict]:
    cols = [d[0] for d in cur.description]
    types = [d[1] for d in cur.description]
    return [{c: query.json_value(v, t) for c, v, t in zip(cols, row, types)} for row in cur.fetchall()]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables "
                                      "where table_schema = 'main'").fetchall()}


def _page(total: int, limit: int, offset: int, items: list) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "items": items,
            "next_offset": offset + limit if offset + limit < total else None}


def create_app(path: Path | None = None) -> FastAPIOffline:
    """The API over the catalogue at ``path`` (default: the published one, resolved at each request)."""
    catalogue = Catalogue(path)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        catalogue.close()

    app = FastAPIOffline(
        lifespan=lifespan,
        responses=ERRORS,
        title="credcat",
        version="1",
        description="Read-only JSON API over the credcat micro-credential catalogue: search with facets, "
                    "credentials with their sources, skills and pathways, pathways, learning plans, skill "
                    "matching, providers' status and every published table page by page. Responses carry an "
                    "ETag; send it back in If-None-Match to get 304 when nothing changed.",
    )
    app.state.catalogue = catalogue

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = [{"parameter": ".".join(str(p) for p in e["loc"][1:]) or e["loc"][0], "problem": e["msg"]}
                    for e in exc.errors()]
        message = "; ".join(f"{p['parameter']}: {p['problem']}" for p in problems)
        return JSONResponse({"error": f"invalid request: {message}", "detail": problems}, status_code=422)

    @app.middleware("http")
    async def etag(request: Request, call_next):
        response = await call_next(request)
        if request.method != "GET" or response.status_code != 200 or \
                not response.headers.get("content-type", "").startswith("application/json"):
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])
        tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        headers["etag"] = tag
        headers["cache-control"] = "no-cache"  # revalidate: a publish may change any answer
        if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers={"etag": tag, "cache-control": "no-cache"})
        return Response(body, status_code=200, headers=headers, media_type="application/json")

    @app.get("/search", summary="Full-text search with filters and facet counts", tags=["search"])
    def search_endpoint(q: Annotated[Words, Query(description="words to search for")],
                        type: Annotated[str | None, Query(max_length=100, description="credential type")] = None,
                        skill: Annotated[str | None, Query(max_length=200)] = None,
                        level: Level | None = None,
                        max_hours: Amount = None, max_cost: Amount = None,
                        language: Annotated[str | None, Query(max_length=35)] = None,
                        provider: Annotated[str | None, Query(max_length=100)] = None,
                        free: bool = False, limit: Limit = 10, offset: Offset = 0) -> dict:
        """BM25 over title, description, skills and outcomes; misspelt words corrected; facets over all hits."""
        filters = search.Filters(credential_type=type, skill=skill, level=level, max_hours=max_hours,
                                 max_cost=max_cost, language=language, provider=provider, free=free)

        def work(con):
            try:
                result = search.search(con, q, filters, limit=limit, offset=offset)
            except search.SearchError as exc:
                raise ApiError(422 if "give words" in str(exc) else 503, str(exc)) from None
            return {**result.to_dict(), "limit": limit, "offset": offset,
                    "next_offset": offset + limit if offset + limit < result.total else None}

        return catalogue.run(work)

    @app.get("/credentials/{uid:path}", summary="One credential with its sources, links, skills, pathways and profile",
             tags=["credentials"])
    def credential(uid: Annotated[str, PathParam(min_length=1, max_length=500)]) -> dict:
        def work(con):
            rows = _records(con.execute("select * from credentials where uid = ?", [uid]))
            if not rows:
                # a member listing's uid leads to its credential
                owner = con.execute("select credential_uid from credential_sources where uid = ?", [uid]).fetchone()
                if not owner:
                    raise ApiError(404, f"no credential {uid!r}: find ids with /search")
                rows = _records(con.execute("select * from credentials where uid = ?", [owner[0]]))
            out = rows[0]
            cid = out["uid"]
            tables = _tables(con)
            out["sources"] = _records(con.execute(
                "select * from credential_sources where credential_uid = ? order by is_primary desc, uid", [cid]))
            out["links"] = _records(con.execute(
                "select * from credential_links where credential_uid = ? order by other_credential_uid", [cid]))
            out["mapped_skills"] = _records(con.execute(
                "select k.skill_id, k.framework, s.label, k.raw, k.origin, k.method, k.score from credential_skills k "
                "left join skills s using (skill_id) where k.uid = ? order by k.score desc nulls last, k.raw", [cid]))
            out["pathways"] = _records(con.execute(
                "select distinct p.pathway_id, p.destination, p.title, p.steps, p.total_hours, "
                "p.destination = ? as is_destination from pathways p "
                "left join pathway_steps s on s.pathway_id = p.pathway_id "
                "where p.destination = ? or s.uid = ? order by p.pathway_id", [cid, cid, cid]))
            out["profile"] = None
            if "credential_profiles" in tables:
                profile = _records(con.execute("select * from credential_profiles where uid = ?", [cid]))
                out["profile"] = profile[0] if profile else None
            return out

        return catalogue.run(work)

    @app.get("/pathways", summary="Pathways (a destination credential and the stack leading to it)", tags=["pathways"])
    def pathways(destination: Annotated[str | None, Query(max_length=500)] = None,
                 limit: Limit = 20, offset: Offset = 0) -> dict:
        def work(con):
            where, params = ("where destination = ?", [destination]) if destination else ("", [])
            total = con.execute(f"select count(*) from pathways {where}", params).fetchone()[0]
            items = _records(con.execute(f"select * from pathways {where} order by pathway_id limit ? offset ?",
                                         [*params, limit, offset]))
            return _page(total, limit, offset, items)

        return catalogue.run(work)

    @app.get("/pathways/{pathway_id:path}", summary="One pathway with its ordered steps", tags=["pathways"])
    def pathway(pathway_id: Annotated[str, PathParam(min_length=1, max_length=500)]) -> dict:
        def work(con):
            rows = _records(con.execute("select * from pathways where pathway_id::varchar = ?", [pathway_id]))
            if not rows:
                raise ApiError(404, f"no pathway {pathway_id!r}: list them with /pathways")
            rows[0]["steps_detail"] = _records(con.execute(
                "select * from pathway_steps where pathway_id::varchar = ? order by step_no", [pathway_id]))
            return rows[0]

        return catalogue.run(work)

    @app.get("/plan", summary="The least-hours (or least-cost) stack of credentials that teaches given skills",
             tags=["plan"])
    def plan_endpoint(want: Annotated[list[Words], Query(min_length=1, max_length=20, description="skills wanted")],
                      have: Annotated[list[str], Query(max_length=50, description="uids already held")] = (),
                      max_hours: Amount = None, max_cost: Amount = None,
                      level: Literal["beginner", "intermediate", "advanced"] | None = None,
                      by_cost: bool = False) -> dict:
        """Calls the planner (pipeline.planner.plan), as `credcat plan` does."""
        from pipeline.planner import PlanError, plan

        wants = [w.strip() for w in want]

        def work(con):
            try:
                result = plan(con, want=wants, have=list(have), max_hours=max_hours, max_cost=max_cost,
                              level=level, objective="cost" if by_cost else "hours")
            except PlanError as exc:  # no credential teaches it, or an unknown uid: named with the closest ones
                raise ApiError(404, str(exc)) from None
            return json.loads(json.dumps(result.to_dict(), default=str, allow_nan=False))

        return catalogue.run(work)

    @app.get("/skills/match", summary="Map texts to skill concepts (ESCO, O*NET)", tags=["skills"])
    def skills_match(text: Annotated[list[Annotated[str, StringConstraints(pattern=r"\S", max_length=1000)]],
                                     Query(min_length=1, max_length=20, description="texts to map")],
                     framework: Literal["esco", "onet"] | None = None,
                     top: Annotated[int, Query(ge=1, le=20)] = 5) -> dict:
        """Calls the skills lane's mapper (pipeline.skills.mapping.match_skills)."""
        from pipeline.skills import mapping

        matches = mapping.match_skills(list(text), framework=framework, top=top)
        return {"results": [{"text": t, "matches": [
            {k: query.json_value(getattr(m, k)) for k in ("skill_id", "label", "framework", "score", "evidence")}
            for m in ms]} for t, ms in zip(text, matches)]}

    @app.get("/providers", summary="Each provider's crawl status and freshness", tags=["providers"])
    def providers() -> dict:
        from pipeline.crawl import provider_status
        from spiders import config

        status = {name: provider_status(name) for name in sorted(config.providers())}

        def work(con):
            counts = dict(con.execute("select source, count(*) from listings group by 1").fetchall()) \
                if "listings" in _tables(con) else {}
            return {"providers": [{**s, "published_listings": counts.get(name, 0)} for name, s in status.items()]}

        return catalogue.run(work)

    @app.get("/tables", summary="Every published table with its row count and meaning", tags=["tables"])
    def tables() -> dict:
        from pipeline import dictionary

        def work(con):
            return {"tables": [{"table": t, "rows": con.execute(f'select count(*) from "{t}"').fetchone()[0],
                                "doc": dictionary.table_doc(t)} for t in sorted(_tables(con))]}

        return catalogue.run(work)

    @app.get("/tables/{table}", summary="One page of a published table", tags=["tables"])
    def table_page(table: Annotated[str, PathParam(min_length=1, max_length=100)],
                   limit: Limit = 50, offset: Offset = 0) -> dict:
        def work(con):
            known = _tables(con)
            if table not in known:
                raise ApiError(404, f"no table {table!r}; tables: {', '.join(sorted(known))}")
            total = con.execute(f'select count(*) from "{table}"').fetchone()[0]
            items = _records(con.execute(f'select * from "{table}" order by all limit ? offset ?',
                                         [limit, offset]))
            return {"table": table, **_page(total, limit, offset, items)}

        return catalogue.run(work)

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, path: Path | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(path), host=host, port=port, log_level="info")
