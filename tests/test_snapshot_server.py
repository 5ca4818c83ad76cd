import urllib.error
import urllib.request

import pytest

from pipeline.snapshot_server import resolve, serve_snapshot


@pytest.fixture
def root(tmp_path):
    (tmp_path / "api" / "catalog").mkdir(parents=True)
    (tmp_path / "api" / "catalog" / "index.json").write_text('{"page": 1}')
    (tmp_path / "api" / "catalog" / "index.json?page=2").write_text('{"page": 2}')
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    return tmp_path


def test_resolve_maps_paths_folders_and_recorded_queries(root):
    assert resolve(root, "/robots.txt") == root / "robots.txt"
    assert resolve(root, "/api/catalog/") == root / "api/catalog/index.json"
    assert resolve(root, "/api/catalog/?page=2").name == "index.json?page=2"
    assert resolve(root, "/api/catalog/?page=3") == root / "api/catalog/index.json"  # unrecorded query
    assert resolve(root, "/nothing") is None
    assert resolve(root, "/../../etc/passwd") is None


def test_server_answers_over_http_with_content_types(root):
    with serve_snapshot(root) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base + "/api/catalog/?page=2") as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert resp.read() == b'{"page": 2}'
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/missing.json")
        assert err.value.code == 404
