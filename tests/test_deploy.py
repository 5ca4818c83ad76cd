"""The deployment files under deploy/ really load (issue 16 item 5): the Dagster instance files against Dagster's
instance schema and their run launcher / run coordinator against the classes' own config schemas; the run configs
against the jobs' run config schema with the executor CREDCAT_EXECUTOR picks (dagster-k8s, dagster-celery), and
the Celery one as its workers read it; scrapyd started with deploy/scrapyd/scrapyd.conf, the spiders shipped
to it as scrapyd-deploy's egg, and one provider crawled through it from its offline snapshot.

The cluster packages are the `cluster` extra (pyproject.toml); without them these tests skip."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pipeline import crawl as crawling
from pipeline import paths, snapshot_server
from spiders import config

DEPLOY = paths.PROJECT_ROOT / "deploy"
ENV = {"DAGSTER_PG_HOST": "postgres", "DAGSTER_PG_USER": "dagster", "DAGSTER_PG_PASSWORD": "x",
       "DAGSTER_PG_URL": "postgresql://dagster:x@postgres:5432/dagster",
       "CREDCAT_CELERY_BROKER": "pyamqp://guest@rabbitmq//", "CREDCAT_CELERY_BACKEND": "rpc://"}


@pytest.mark.parametrize("kind", ["k8s", "celery"])
def test_dagster_instance_files_load_against_dagsters_schemas(kind, monkeypatch):
    pytest.importorskip("dagster_k8s" if kind == "k8s" else "dagster_celery")
    from dagster._config import validate_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster._serdes.config_class import class_from_code_pointer

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    config_value, _ = dagster_instance_config(str(DEPLOY / kind), "dagster.yaml")
    assert "postgres" in config_value["storage"]
    for section in ("run_launcher", "run_coordinator"):
        if section not in config_value:
            continue
        block = config_value[section]
        klass = class_from_code_pointer(block["module"], block["class"])
        result = validate_config(klass.config_type(), block["config"])
        assert result.success, [e.message for e in result.errors]
    if kind == "k8s":
        assert config_value["run_launcher"]["class"] == "K8sRunLauncher"


@pytest.fixture
def definitions_with(monkeypatch):
    """pipeline.definitions reloaded under CREDCAT_EXECUTOR=<name>; reloaded back afterwards."""
    import pipeline.definitions

    def load(name):
        monkeypatch.setenv("CREDCAT_EXECUTOR", name)
        return importlib.reload(pipeline.definitions).defs

    yield load
    monkeypatch.delenv("CREDCAT_EXECUTOR", raising=False)
    importlib.reload(pipeline.definitions)


@pytest.mark.parametrize("kind, package, executor", [("k8s", "dagster_k8s", "k8s"), ("celery", "dagster_celery", "celery")])
def test_run_configs_validate_against_the_jobs_with_the_chosen_executor(kind, package, executor, definitions_with,
                                                                        monkeypatch):
    pytest.importorskip(package)
    import dagster as dg

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    defs = definitions_with(executor)
    run_config = yaml.safe_load((DEPLOY / kind / "run_config.yaml").read_text())
    for job in ("crawl", "refresh"):
        job_def = defs.resolve_job_def(job)
        assert job_def.executor_def.name == {"k8s": "k8s", "celery": "celery"}[executor]
        dg.validate_run_config(job_def, run_config)
    dg.validate_run_config(defs.resolve_job_def("publish"), {"execution": run_config["execution"]})
    bad = {**run_config, "execution": {"config": {"no_such_option": 1}}}
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(defs.resolve_job_def("crawl"), bad)
    if kind == "celery":  # the workers read the same file
        from dagster_celery.cli import get_validated_config

        assert get_validated_config(str(DEPLOY / kind / "run_config.yaml"))["retries"]


def test_an_unknown_executor_name_is_a_clear_error(monkeypatch):
    from pipeline.defs.executors import chosen_executor

    monkeypatch.setenv("CREDCAT_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="expected one of default, k8s, celery"):
        chosen_executor()
    monkeypatch.setenv("CREDCAT_EXECUTOR", "")
    assert chosen_executor() is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def test_scrapyd_runs_the_spiders_shipped_by_scrapyd_deploy(tmp_path):
    """scrapyd with deploy/scrapyd/scrapyd.conf (port and folders moved into tmp_path), the egg built by
    deploy/scrapyd/deploy.sh (scrapyd-deploy), uploaded, listed, and one crawl of a snapshot run by scrapyd
    giving the listings a local crawl of the same snapshot gives."""
    pytest.importorskip("scrapyd")
    pytest.importorskip("scrapyd_client")
    httpx = pytest.importorskip("httpx")
    bin_dir = Path(sys.executable).parent
    egg = tmp_path / "credcat.egg"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(DEPLOY / "scrapyd" / "deploy.sh"), "--build-egg", str(egg)], check=True, env=env,
                   capture_output=True, timeout=300)
    port = _free_port()
    conf = (DEPLOY / "scrapyd" / "scrapyd.conf").read_text().replace("http_port         = 6800",
                                                                      f"http_port         = {port}")
    conf = conf.replace("/var/lib/scrapyd", str(tmp_path / "scrapyd"))
    assert str(port) in conf and "/var/lib" not in conf
    (tmp_path / "scrapyd.conf").write_text(conf)
    server = subprocess.Popen([str(bin_dir / "scrapyd")], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                assert _get(base + "/daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                time.sleep(0.2)
        answer = httpx.post(base + "/addversion.json", data={"project": "credcat", "version": "1"},
                            files={"egg": egg.read_bytes()}, timeout=120).json()
        assert answer["status"] == "ok", answer
        spiders = set(_get(base + "/listspiders.json?project=credcat")["spiders"])
        assert {config.provider(p)["spider"] for p in config.crawled()} <= spiders

        provider = "example-university"
        with snapshot_server.serve_snapshot(config.snapshot_dir(provider)) as url:
            settings = [f"{k}={v}" for k, v in crawling.OFFLINE_SETTINGS.items()]
            job = httpx.post(base + "/schedule.json", data={"project": "credcat", "spider": provider,
                                                            "base_url": url, "setting": settings}).json()
            assert job["status"] == "ok", job
            for _ in range(600):
                finished = _get(base + "/listjobs.json?project=credcat")["finished"]
                if any(j["id"] == job["jobid"] for j in finished):
                    break
                time.sleep(0.2)
            else:
                pytest.fail("the scrapyd job did not finish")
        items = tmp_path / "scrapyd" / "items" / "credcat" / provider / f"{job['jobid']}.jl"
        via_scrapyd = sorted(r["uid"] for r in map(json.loads, items.read_text().splitlines()) if "reason" not in r)
        local = crawling.crawl(provider, offline=True, data_dir=tmp_path / "data")
        assert local.succeeded
        assert via_scrapyd == sorted(json.loads(x)["uid"] for x in local.listings_path.read_text().splitlines())
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp_path / "scrapyd", ignore_errors=True)
