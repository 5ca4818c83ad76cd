"""`pip install .` gives a working credcat outside the checkout (issue #9 item 6): a wheel built from the tree
ships every model, the provider configuration, the offline snapshots, the vendored data and the dictionary,
and an installed `credcat refresh --offline` + `credcat sql` work from an unrelated folder without network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from pipeline import paths
from spiders import config

ROOT = paths.PROJECT_ROOT
SHIPPED = ("pipeline", "spiders", "sql")
TOP_LEVEL_LEFTOVERS = {".git", ".venv", "data", "build", "dist", "dagster_home"}
ANYWHERE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".scrapy", ".pytest_cache", ".hypothesis")


def _ignore(folder: str, names: list[str]) -> set[str]:
    """Like a clean clone: no venv, run data or build leftovers at the top (pipeline/skills/data is source)."""
    top = TOP_LEVEL_LEFTOVERS if Path(folder) == ROOT else set()
    return set(ANYWHERE(folder, names)) | (top & set(names))


def test_every_python_package_is_listed_in_pyproject():
    """The package list is explicit (so `sql/` can ship as `pipeline.sql`); a new package must be added there."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("pipeline", "spiders")
             for p in (ROOT / top).rglob("__init__.py")}
    assert found | {"pipeline.sql"} == listed


def test_the_checkout_finds_its_sql_and_the_data_dir_follows_the_current_directory(tmp_path, monkeypatch):
    assert (paths.SQL_DIR / "dictionary.toml").is_file() and any((paths.SQL_DIR / "marts").glob("*.sql"))
    monkeypatch.delenv("CREDCAT_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.data_dir() == tmp_path / "data"
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"


def _can_build_without_isolation() -> bool:
    try:
        from setuptools.command import bdist_wheel  # noqa: F401  (setuptools >= 70.1)
        return True
    except ImportError:
        try:
            import wheel  # noqa: F401
            return True
        except ImportError:
            return False


def _shipped_files(tree: Path) -> set[str]:
    """What the wheel must hold: every file of the shipped folders, `sql/` mapped to `pipeline/sql/`."""
    out = set()
    for top in SHIPPED:
        for f in (tree / top).rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                rel = f.relative_to(tree).as_posix()
                out.add("pipeline/" + rel if top == "sql" else rel)
    return out


@pytest.mark.slow
def test_a_built_wheel_works_outside_the_checkout(tmp_path):
    if not _can_build_without_isolation():
        pytest.skip("building a wheel offline needs setuptools>=70.1 (the dev extra) or the `wheel` package")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-q", "-w", str(wheels), str(src)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("credcat-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _shipped_files(ROOT)
    assert not expected - names, f"missing from the wheel: {sorted(expected - names)[:20]}"
    odd = [n for n in names if n.startswith("spiders/snapshots/") and ("?" in n or "~" in n or "." not in n.rsplit("/", 1)[1])]
    assert odd, "the snapshots with `?`, `~` or no extension in their names are part of the check"

    # a fresh venv with the wheel; its dependencies come from the running environment (no network)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(purelib, "zz_credcat_test_deps.pth").write_text("\n".join(deps) + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CREDCAT_DATA_DIR", "CREDCAT_CATALOGUE", "CREDCAT_PROVIDERS", "DAGSTER_HOME",
                        "SCRAPY_SETTINGS_MODULE", "VIRTUAL_ENV")}
    credcat = str(venv / "bin" / "credcat")

    def run(*args, timeout=120):
        return subprocess.run([*args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=timeout)

    where = run(str(python), "-c", "import pipeline, spiders; print(pipeline.__file__); print(spiders.__file__)")
    assert where.returncode == 0 and all(line.startswith(purelib) for line in where.stdout.split()), where.stdout

    refresh = run(credcat, "refresh", "--offline", timeout=900)
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    assert (elsewhere / "data" / "catalogue.duckdb").is_file()  # the data folder is ./data of the cwd

    sql = run(credcat, "sql", "select count(*) > 0 as ok, count(distinct source) as sources from listings", "--json")
    assert sql.returncode == 0, sql.stderr
    assert json.loads(sql.stdout) == [{"ok": True, "sources": len(config.crawled())}]  # every crawled provider published
    described = run(credcat, "describe", "credentials")  # the data dictionary shipped
    assert described.returncode == 0 and "UNDOCUMENTED" not in described.stdout, described.stderr
    refused = run(credcat, "sql", "select * from read_text('/etc/hostname')")
    assert refused.returncode == 2 and "refused" in refused.stderr
