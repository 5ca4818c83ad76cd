"""The fast skill mapping of credentials (issue 16) gives what the straightforward one gives
(``tests/skill_text_reference.py``: every n-gram tried, every credential mapped afresh), on real published
texts: the offline snapshot's credentials (titles, outcomes, descriptions, tags, alignments) and, when
``../shared/data/mooc_catalogs`` is present, the Coursera, edX and Udemy catalogues' titles and descriptions.
Speed is measured by ``benchmarks/skill_mapping_benchmark.py``, not here."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.matching.synth import load_mooc_listings, shared_data_dir
from pipeline.skills import mapping
from pipeline.skills.mapping import SkillMapper, map_credential_skills
from tests.skill_text_reference import reference_match_text, reference_rows

COLUMNS = "uid, title, skills, learning_outcomes, alignments, description"


@pytest.fixture(scope="module")
def mapper() -> SkillMapper:
    return SkillMapper.from_vendored()


@pytest.fixture(scope="module")
def snapshot_credentials(published) -> list[tuple]:
    con = duckdb.connect(str(published[0] / "catalogue.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT {COLUMNS} FROM credentials ORDER BY uid").fetchall()
    finally:
        con.close()


def texts_of(credentials: list[tuple]) -> list[tuple[str, str]]:
    out = []
    for _uid, title, _skills, outcomes, _alignments, description in credentials:
        out += [(title, "title")] if title else []
        out += [(o, "outcome") for o in outcomes or []]
        out += [(description[:4000], "description")] if description else []
    return out


def assert_same_matches(mapper: SkillMapper, texts: list[tuple[str, str]]) -> int:
    """Every text's matches equal the reference's, in the same order; returns how many there were."""
    found = 0
    for text, origin in texts:
        expected = reference_match_text(mapper, text, origin)
        assert mapper.match_text(text, origin) == expected, text[:120]
        found += len(expected)
    return found


def test_match_text_equals_every_ngram_on_the_offline_snapshot(mapper, snapshot_credentials):
    texts = texts_of(snapshot_credentials)
    assert len(texts) > 300 and sum(origin == "description" for _, origin in texts) > 150
    assert assert_same_matches(mapper, texts) > 500


def test_match_text_follows_the_mappers_longest_ngram(mapper, snapshot_credentials):
    """The scan's label index is the mapper's, at its ``max_ngram``: a shorter window finds the same as the
    reference with that window (and the index is rebuilt for it)."""
    texts = texts_of(snapshot_credentials)[:150]
    full = mapper.max_ngram
    try:
        mapper.max_ngram = 2
        assert assert_same_matches(mapper, texts) > 50
    finally:
        mapper.max_ngram = full
    assert_same_matches(mapper, texts[:20])


@pytest.mark.parametrize("workers", [1, 2])
def test_map_credential_skills_writes_the_reference_rows(mapper, snapshot_credentials, tmp_path, monkeypatch, workers):
    """The same rows in the same order (DuckDB joins the answers back), also when a pool of forked workers
    answers the strings."""
    monkeypatch.setenv(mapping.SKILL_WORKERS, str(workers))
    monkeypatch.setattr(mapping, "_POOL_MIN", 0)
    made, init = [], mapping._Answers.__init__
    monkeypatch.setattr(mapping._Answers, "__init__", lambda self, *a: init(self, *a) or made.append(self))
    con = duckdb.connect(str(tmp_path / "skills.duckdb"))
    try:
        con.execute("CREATE TABLE credentials (uid VARCHAR, title VARCHAR, skills VARCHAR[], "
                    "learning_outcomes VARCHAR[], alignments JSON, description VARCHAR)")
        con.executemany("INSERT INTO credentials VALUES (?, ?, ?, ?, ?, ?)", snapshot_credentials)
        map_credential_skills(con)
        assert (made[0].pool is not None) == (workers > 1)  # the pool ran when asked to
        by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
            "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
        got = con.execute("SELECT * FROM credential_skills").fetchall()
    finally:
        con.close()
    expected = [tuple(r) for r in reference_rows(mapper, snapshot_credentials, by_uri)]
    assert got == expected  # same rows, same order
    origins = {r[4] for r in got if r[1] is not None}
    assert {"skills", "title", "description"} <= origins, origins


@pytest.mark.skipif(shared_data_dir() is None or not (shared_data_dir() / "mooc_catalogs").is_dir(),
                    reason="../shared/data/mooc_catalogs is absent")
def test_match_text_equals_every_ngram_on_the_mooc_catalogues(mapper):
    base = load_mooc_listings()
    texts = [(t, "title") for t in base["title"].dropna()] + \
            [(d[:4000], "description") for d in base["description"].dropna()]
    assert len(texts) > 5000
    assert assert_same_matches(mapper, texts) > 5000


def test_match_text_equals_every_ngram_on_the_onet_labels(mapper):
    """O*NET's own technology names as running text: among them the only labels a false-friend check can
    refuse inside a text ("IS-IS": one everyday word twice), alone and with words that support them."""
    texts = [(c.label, "title") for c in mapper.concepts if c.framework == "onet"]
    assert len(texts) > 5000
    assert assert_same_matches(mapper, texts) > 5000


def test_map_credential_skills_edge_cases_equal_the_reference(mapper, tmp_path):
    """What the SQL assembly must get right as the row-by-row loop did: blank tags (a Unicode space too),
    repeated tags and concepts, two unmapped tags with one text key, NULLs inside lists, outcomes, alignments
    by URI and by name, descriptions longer than 4,000 characters with non-ASCII text, empty titles."""
    esco_uri = next(c.public_id for c in mapper.concepts if c.framework == "esco" and c.public_id.startswith("http"))
    long_desc = "Ünïcödé — " + "Python and SQL for data analysis. " * 150 + " Project management with Excel."
    alignments = (f'[{{"url": "{esco_uri}/", "name": "x"}}, {{"name": "Active Listening", "url": "https://e.org/a"}}, '
                  '{"name": "Statistics", "type": "Occupation"}, {"name": "Tableau"}, {"url": "https://nowhere"}]')
    creds = [
        ("u3", "Python for Data Science", ["Python", "python", "  ", "\u2003", None, "Python", "Zzqx Blorp",
                                           "zzqx  blorp!", "Excel", "Microsoft Excel"],
         ["Use SQL to query data", None, "", "Use SQL to query data"], alignments, long_desc),
        ("u1", "", None, None, None, None),
        ("u2", None, [], [], "[]", ""),
        ("u0", "Project Management", ["Project Management", "Leadership"], None, None,
         "Project management and leadership. Project management."),
    ]
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE credentials (uid VARCHAR, title VARCHAR, skills VARCHAR[], "
                    "learning_outcomes VARCHAR[], alignments JSON, description VARCHAR)")
        con.executemany("INSERT INTO credentials VALUES (?, ?, ?, ?, ?, ?)", creds)
        map_credential_skills(con)
        by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
            "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
        got = con.execute("SELECT * FROM credential_skills").fetchall()
        rows = con.execute(f"SELECT {COLUMNS} FROM credentials ORDER BY uid").fetchall()
    finally:
        con.close()
    expected = [tuple(r) for r in reference_rows(mapper, rows, by_uri)]
    assert got == expected
    origins = {r[4] for r in got}
    assert {"skills", "alignment", "title", "learning_outcomes", "description"} <= origins, origins
    assert any(r[5] == "unmapped" for r in got) and any(r[5] == "alignment_uri" for r in got)
