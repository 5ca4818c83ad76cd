"""``credcat import``: read linked-data documents (Open Badges, CTDL) into the catalogue and publish it.

The documents (file paths or http(s) URLs) go through a spider with ``-a urls=`` (the path a user takes with
``scrapy crawl``), into a feed of their own: ``<data>/raw/<provider>/imports/<run id>/``, laid out like a crawl
run (``listings.jsonl``, ``quarantine.jsonl``, ``stats.json``, ``crawl.log``). An import never moves the
provider's ``LATEST`` crawl: every build reads the provider's last good crawl *and* every import feed
(:func:`import_runs`), so imported documents stay in the catalogue across refreshes, and a re-import of the
same document replaces its listings (the newest record of a uid wins in ``int_listings``).

The feed is first built alone in a throwaway DuckDB file (as ``credcat validate`` does) to say what is accepted
and what is quarantined and why. Nothing accepted: the feed is set aside (``imports/.rejected/``) and nothing
is published. Otherwise it joins the import feeds and the catalogue is rebuilt, checked and published by the
``publish`` job under the refresh lock (:func:`pipeline.refresh.refresh` with ``crawl=False``); a publish the
checks refuse sets the feed aside too, so the next refresh does not trip over it.

Which spider reads the documents: ``--spider``, else what the documents are (an Open Badges or CTDL context
or type in a local file), else the spider of the ``--as`` provider. Documents go to the ``--as`` provider, else
to the spider's own provider entry. Supporting nodes (issuer profiles, keys, revocation lists, CTDL
conditions, constraints) are counted from the spider's ``credcat/<spider>/supporting_nodes`` stat and are
never listings nor quarantine rows.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import crawl as crawler
from pipeline import paths, warehouse
from spiders import config
from spiders.helpers import as_list

IMPORTS = "imports"
REJECTED = ".rejected"
MAX_SNIFF = 64 << 20  # larger documents are not opened to tell their kind (give --spider)
# What betrays a document's vocabulary: its contexts, its own property names and its node types (never values,
# which may name another vocabulary: an Open Badges alignment targetType "ceasn:Competency").
CONTEXT_HINTS = {"ctdl": ("purl.org/ctdl", "credreg.net/ctdl"),
                 "openbadges": ("w3id.org/openbadges", "openbadgespec.org", "purl.imsglobal.org/spec/ob/")}
KEY_PREFIXES = {"ctdl": ("ceterms:", "ceasn:", "asn:", "https://purl.org/ctdl/", "http://purl.org/ctdl/"),
                "openbadges": ("https://w3id.org/openbadges#", "https://purl.imsglobal.org/spec/vc/ob/")}
TYPES = {"ctdl": ("ceterms:", "ceasn:", "https://purl.org/ctdl/terms/"),
         "openbadges": ("BadgeClass", "Assertion", "Achievement", "OpenBadgeCredential", "AchievementCredential",
                        "EndorsementCredential", "https://w3id.org/openbadges#",
                        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#")}


class ImportFailed(ValueError):
    """The import cannot start (bad arguments, a missing file) or its spider did not run to its end."""


@dataclass
class ImportReport:
    provider: str
    spider: str
    sources: list[str]
    run_dir: Path | None = None
    accepted: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    supporting_nodes: int = 0
    published: bool = False
    published_listings: int = 0
    failed_checks: list[str] = field(default_factory=list)
    catalogue: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.accepted) and self.published

    def as_dict(self) -> dict:
        return {"provider": self.provider, "spider": self.spider, "sources": self.sources, "ok": self.ok,
                "feed": str(self.run_dir) if self.run_dir else None, "accepted": self.accepted,
                "quarantined": self.quarantined, "supporting_nodes": self.supporting_nodes,
                "published": self.published, "published_listings": self.published_listings,
                "failed_checks": self.failed_checks, "catalogue": self.catalogue}

    def render(self) -> str:
        lines = [f"import of {len(self.sources)} document(s) with spider {self.spider} as provider {self.provider}",
                 f"accepted {len(self.accepted)} listing(s)"]
        lines += [f"  + {a['uid']}  {a['title']} ({a['credential_type']})" for a in self.accepted[:100]]
        if len(self.accepted) > 100:
            lines.append(f"  ... and {len(self.accepted) - 100} more (use --json for all)")
        lines.append(f"quarantined {len(self.quarantined)} record(s)")
        lines += [f"  - [{q['reason']}] {q.get('source_id') or q.get('source_url') or '?'}: {q['message']}"
                  for q in self.quarantined[:100]]
        if self.supporting_nodes:
            lines.append(f"read {self.supporting_nodes} supporting node(s) (issuer profiles, keys, conditions, ...): "
                         f"not listings")
        if not self.accepted:
            lines.append("FAILED: nothing was accepted; nothing published" +
                         (f" (feed set aside in {self.run_dir})" if self.run_dir else ""))
        elif self.published:
            lines.append(f"published {self.published_listings} of them in {self.catalogue} (feed {self.run_dir})")
        else:
            reason = ", ".join(self.failed_checks) or "a step failed"
            lines.append(f"NOT published ({reason}); the previous catalogue is unchanged: {self.catalogue}")
        return "\n".join(lines)


# -- which spider, which provider ---------------------------------------------------------------------------
def as_url(source: str) -> str:
    """An http(s) URL as given; a local path as a ``file://`` URL (it must exist)."""
    if source.lower().startswith(("http://", "https://")):
        url = source
    elif source.lower().startswith("file://"):
        url = source
    else:
        path = Path(source)
        if not path.is_file():
            raise ImportFailed(f"cannot read {source}: no such file")
        url = path.resolve().as_uri()
    if "," in url:  # the spiders take one comma-separated -a urls= list
        raise ImportFailed(f"cannot import {source}: a comma in a path or URL is not supported")
    return url


def detect_spider(source: str) -> str | None:
    """``openbadges`` or ``ctdl`` from a local document's contexts, property names and types, else None."""
    if source.lower().startswith(("http://", "https://")):
        return None  # never fetched here: the spider fetches it
    path = Path(source.removeprefix("file://"))
    try:
        if path.stat().st_size > MAX_SNIFF:
            return None
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None  # the spider says what is wrong with it
    from spiders import linked_data as ld  # pyld: only when sniffing documents, not in every refresh

    contexts, keys, types = [], [], []
    for node in ld.top_nodes(document):
        contexts += [json.dumps(node.get("@context"))]
        keys += list(node)
        types += [t for t in as_list(node.get("@type") or node.get("type")) if isinstance(t, str)]
    found = [name for name in CONTEXT_HINTS
             if any(h in c for c in contexts for h in CONTEXT_HINTS[name])
             or any(k.startswith(KEY_PREFIXES[name]) for k in keys)
             or any(t.startswith(TYPES[name]) for t in types)]
    return found[0] if len(found) == 1 else None


def choose(sources: list[str], as_provider: str | None, spider: str | None) -> tuple[str, str]:
    """(provider, spider) for these documents; a clear error when neither can be told."""
    if as_provider:
        entry = config.provider(as_provider)  # KeyError lists the known providers
    if not spider:
        detected = {detect_spider(s) for s in sources}
        if len(detected) == 1 and None not in detected:
            spider = detected.pop()
        elif len(detected - {None}) > 1:
            raise ImportFailed("the documents are of different kinds (" + ", ".join(sorted(detected - {None})) +
                               "): import them separately, or name the spider with --spider")
        elif as_provider:
            spider = entry["spider"]
        else:
            raise ImportFailed("cannot tell which spider reads " + ", ".join(sources) +
                               ": give --spider NAME (openbadges, ctdl) or --as PROVIDER")
    provider = as_provider or spider
    config.provider(provider)
    return provider, spider


# -- the import ----------------------------------------------------------------------------------------------
def import_runs(data: Path | None = None) -> dict[str, Path]:
    """Every import feed under the data folder, keyed ``<provider>/imports/<run id>`` (for the build)."""
    root = (data or paths.data_dir()) / "raw"
    runs = {}
    for run in sorted(root.glob(f"*/{IMPORTS}/*")):
        if run.is_dir() and not run.name.startswith(".") and (run / "listings.jsonl").exists():
            runs[f"{run.parent.parent.name}/{IMPORTS}/{run.name}"] = run
    return runs


def _set_aside(run_dir: Path) -> Path:
    target = run_dir.parent / REJECTED / run_dir.name.lstrip(".").removesuffix(".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    run_dir.replace(target)
    return target


def _judge(provider: str, run_dir: Path) -> tuple[list[dict], list[dict]]:
    """(accepted listings, quarantined records) of one feed, built alone in a throwaway catalogue."""
    with tempfile.TemporaryDirectory(prefix="credcat-import-") as tmp:
        con = warehouse.fresh_build(Path(tmp) / "import.duckdb")
        try:
            warehouse.build(con, ["listings", "quarantine"], inputs=warehouse.Build({provider: run_dir}))
            accepted = [dict(zip(("uid", "title", "credential_type"), r)) for r in con.execute(
                "select uid, title, credential_type from listings order by uid").fetchall()]
            quarantined = [dict(zip(("reason", "message", "source_id", "source_url"), r)) for r in con.execute(
                "select reason, message, source_id, source_url from quarantine order by reason, source_id").fetchall()]
        finally:
            con.close()
    return accepted, quarantined


def import_documents(sources: list[str], *, as_provider: str | None = None, spider: str | None = None,
                     timeout: float = 600) -> ImportReport:
    """Read ``sources`` with the chosen spider into an import feed, then rebuild and publish the catalogue in
    ``CREDCAT_DATA_DIR`` with it. Raises :class:`ImportFailed` when it cannot start or the spider fails."""
    if not sources:
        raise ImportFailed("give at least one document (a file path or an http(s) URL)")
    provider, spider = choose(sources, as_provider, spider)
    urls = [as_url(s) for s in sources]
    data = paths.data_dir()
    run_id = crawler.run_id_now()
    imports = paths.raw_dir(provider, data) / IMPORTS
    partial = imports / f".{run_id}.partial"  # invisible to builds until it is complete and accepted
    partial.mkdir(parents=True, exist_ok=True)
    report = ImportReport(provider=provider, spider=spider, sources=list(sources), catalogue=str(paths.catalogue_path()))
    try:
        code = crawler._run_spider(provider, partial, offline=False, base_url=None, timeout=timeout,
                                   extra_settings=None, spider_args={"urls": ",".join(urls)}, spider=spider)
    except Exception as exc:  # noqa: BLE001 - a timeout or a crash: say so, keep the folder for the log
        report.run_dir = _set_aside(partial)
        raise ImportFailed(f"the {spider} spider did not finish ({type(exc).__name__}: {exc}); "
                           f"see {report.run_dir / 'crawl.log'}") from None
    stats = json.loads((partial / "stats.json").read_text()) if (partial / "stats.json").exists() else {}
    if code != 0 or stats.get("finish_reason") != "finished":
        report.run_dir = _set_aside(partial)
        raise ImportFailed(f"the {spider} spider failed (exit {code}, {stats.get('finish_reason')}); "
                           f"see {report.run_dir / 'crawl.log'}")
    report.supporting_nodes = sum(v for k, v in stats.items() if k.endswith("/supporting_nodes") and isinstance(v, int))
    report.accepted, report.quarantined = _judge(provider, partial)
    if not report.accepted:
        report.run_dir = _set_aside(partial)
        return report
    run_dir = imports / run_id
    partial.replace(run_dir)
    report.run_dir = run_dir
    from pipeline.refresh import refresh  # Dagster is loaded only once there is something to publish

    result = refresh(crawl=False)
    report.published, report.failed_checks = result.published, result.failed_checks
    if not result.published:
        report.run_dir = _set_aside(run_dir)
        return report
    report.published_listings = _published(paths.catalogue_path(), [a["uid"] for a in report.accepted])
    return report


def _published(catalogue: Path, uids: list[str]) -> int:
    con = warehouse.connect(catalogue, read_only=True)
    try:
        return con.execute("select count(*) from listings where uid in (select unnest(?))", [uids]).fetchone()[0]
    finally:
        con.close()
