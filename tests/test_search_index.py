"""Our BM25 index builder against the ``fts`` extension's own ``create_fts_index``: same tables, same scores."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import search

S = "fts_main_search_documents"
DOCS = [
    ("a", "Machine Learning Specialization", "Learn machine-learning models: regression, trees & neural networks.",
     "Python, TensorFlow", "Build models"),
    ("b", "Apprentissage automatique avancé", "Réseaux de neurones, cours en français; naïve Bayes.", None, ""),
    ("c", "The", "and of the", None, None),  # stopwords only: a document of length 0
    ("d", None, None, None, None),
    ("e", "Deep learning 101", "Running runners ran; learning learned learns. It's the learner's course!",
     "deep-learning,PyTorch", "Train CNNs (2024) & RNNs"),
    ("f", "Data analysis with SQL", "Queries, joins, window functions 'quoted' \"double\" `back` ~tilde~",
     "SQL; DuckDB", "Analyse data"),
    ("g", "machine learning", "machine learning machine learning", "learning", "machine"),
]
QUERIES = ["machine learning", "neural network", "réseaux", "running", "sql data", "deep", "zzz", "the"]


def _catalogue(path, docs=DOCS):
    con = duckdb.connect(str(path))
    con.execute("create table search_documents (uid varchar, title varchar, description varchar, skills varchar, "
                "outcomes varchar, organisation varchar)")
    con.executemany("insert into search_documents values (?, ?, ?, ?, ?, 'org')", docs)
    return con


def _tables(con) -> dict:
    return {
        "docs": sorted(con.execute(f"select name, len from {S}.docs").fetchall()),
        "docids": sorted(con.execute(f"select d.docid, s.uid from {S}.docs d join search_documents s "
                                     "on s.rowid = d.docid").fetchall()),
        "terms": sorted(con.execute(f"select t.docid, t.fieldid, d.term from {S}.terms t join {S}.dict d "
                                    "using (termid)").fetchall()),
        "dict": sorted(con.execute(f"select term, df from {S}.dict").fetchall()),
        "termids": con.execute(f"select count(distinct termid) = count(*) from {S}.dict").fetchone()[0],
        "stats": con.execute(f"select * from {S}.stats").fetchall(),
        "fields": con.execute(f"select * from {S}.fields order by fieldid").fetchall(),
        "stopwords": con.execute(f"select count(*) from {S}.stopwords").fetchone()[0],
    }


def _scores(con) -> dict:
    out = {}
    for q in QUERIES:
        for fields in (None, "title"):
            out[q, fields] = dict(con.execute(
                f"select uid, {S}.match_bm25(uid, ?, fields := ?) as s from search_documents where s is not null",
                [q, fields]).fetchall())
    return out


@pytest.fixture
def pair(tmp_path):
    ours, ref = _catalogue(tmp_path / "ours.duckdb"), _catalogue(tmp_path / "ref.duckdb")
    assert search.build_index(ours) == {"indexed": len(DOCS), "reused": 0}
    search.extension_index(ref)
    yield ours, ref
    ours.close()
    ref.close()


def test_tables_equal_the_extension_index(pair):
    ours, ref = pair
    assert _tables(ours) == _tables(ref)
    assert dict(_tables(ours)["docs"])["c"] == 0  # a stopwords-only document is indexed with length 0


def test_scores_equal_the_extension_index(pair):
    ours, ref = pair
    got, want = _scores(ours), _scores(ref)
    assert got.keys() == want.keys()
    assert any(want.values())
    for key in want:
        assert got[key].keys() == want[key].keys(), key
        for uid in want[key]:
            assert got[key][uid] == pytest.approx(want[key][uid], rel=1e-12), (key, uid)


def test_rebuild_replaces_the_index(pair):
    ours, ref = pair
    for con in (ours, ref):
        con.execute("delete from search_documents where uid = 'a'")
    search.build_index(ours)
    search.extension_index(ref)
    assert _tables(ours) == _tables(ref)
    assert "a" not in dict(_tables(ours)["docs"])


EDITED = [
    DOCS[0],  # unchanged
    ("b", "Apprentissage automatique", "Réseaux de neurones profonds.", None, ""),  # changed
    # c removed; d unchanged (all null)
    DOCS[3],
    ("h", "Neural networks from scratch", "Backpropagation, gradient descent; running code.", "NumPy", None),  # new
    DOCS[5], DOCS[4],  # unchanged, in another order (new docids)
    ("g", "machine learning", "machine learning machine learning", "learning", "machine learning"),  # changed
]


def test_update_reuses_unchanged_documents_and_scores_as_a_fresh_index(tmp_path):
    published = _catalogue(tmp_path / "published.duckdb")
    search.build_index(published)
    published.close()
    ours, ref = _catalogue(tmp_path / "ours.duckdb", EDITED), _catalogue(tmp_path / "ref.duckdb", EDITED)
    result = search.build_index(ours, tmp_path / "published.duckdb")
    assert result == {"indexed": len(EDITED), "reused": 4}  # a, d, f, e
    search.extension_index(ref)
    assert _tables(ours) == _tables(ref)
    got, want = _scores(ours), _scores(ref)
    for key in want:
        assert got[key].keys() == want[key].keys(), key
        for uid in want[key]:
            assert got[key][uid] == pytest.approx(want[key][uid], rel=1e-12), (key, uid)
    assert "c" not in dict(_tables(ours)["docs"])
    # the updated index is itself reusable: an unchanged rebuild reuses every document
    ours.close()
    again = _catalogue(tmp_path / "again.duckdb", EDITED)
    assert search.build_index(again, tmp_path / "ours.duckdb")["reused"] == len(EDITED)
    assert _tables(again) == _tables(ref)


def test_an_index_of_another_version_or_without_one_is_not_reused(tmp_path):
    published = _catalogue(tmp_path / "published.duckdb")
    search.extension_index(published)  # the extension's own index carries no version
    published.close()
    ours = _catalogue(tmp_path / "ours.duckdb")
    assert search.build_index(ours, tmp_path / "published.duckdb")["reused"] == 0
    assert search.build_index(ours, tmp_path / "missing.duckdb")["reused"] == 0
    plain = _catalogue(tmp_path / "plain.duckdb")
    plain.close()
    assert search.build_index(ours, tmp_path / "plain.duckdb")["reused"] == 0


def test_publish_updates_the_published_index(tmp_path, monkeypatch):
    """``warehouse.publish`` hands the published catalogue to the index build: the second publish reuses its
    unchanged documents, and the published index equals the extension's over the new documents."""
    from pipeline import warehouse

    results, real = [], search.build_index
    monkeypatch.setattr(search, "build_index", lambda *a: results.append(real(*a)) or results[-1])
    published = tmp_path / "catalogue.duckdb"
    for n, docs in enumerate((DOCS, EDITED)):
        build = tmp_path / f"build{n}.duckdb"
        _catalogue(build, docs).close()
        warehouse.publish(build, published)
    ref = _catalogue(tmp_path / "ref.duckdb", EDITED)
    search.extension_index(ref)
    con = duckdb.connect(str(published))
    search.install_fts(con)
    assert _tables(con) == _tables(ref)
    assert _scores(con).keys() == _scores(ref).keys()
    assert con.execute(f"select count(*) from {S}.docs").fetchone()[0] == len(EDITED)
    assert [r["reused"] for r in results] == [0, 4]


TERMS_REFERENCE = """select word, count(distinct uid) as documents from (
    select uid, unnest(regexp_split_to_array(lower(strip_accents(concat_ws(' ', title, description, skills, outcomes))),
                                             '[^a-z0-9]+')) as word from search_documents)
    where length(word) >= 3 and not regexp_matches(word, '^[0-9]+$') group by word order by word"""


def test_search_terms_full_and_corrected_from_the_published_counts_equal_a_fresh_count(tmp_path):
    """``search_terms`` (in order): a full count, then the published counts corrected by changed, added and
    removed documents, equal the straightforward count over every document; an unchanged rebuild splits none."""
    published = _catalogue(tmp_path / "published.duckdb")
    assert search.build_terms(published)["reused"] is False
    assert published.execute("select * from search_terms").fetchall() == published.execute(TERMS_REFERENCE).fetchall()
    published.close()
    ours = _catalogue(tmp_path / "ours.duckdb", EDITED)
    result = search.build_terms(ours, tmp_path / "published.duckdb")
    assert result["reused"] is True and result["documents_split"] == 4  # b, c removed; h added; g changed
    assert ours.execute("select * from search_terms").fetchall() == ours.execute(TERMS_REFERENCE).fetchall()
    ours.close()
    again = _catalogue(tmp_path / "again.duckdb", EDITED)
    assert search.build_terms(again, tmp_path / "ours.duckdb")["documents_split"] == 0
    assert again.execute("select * from search_terms").fetchall() == again.execute(TERMS_REFERENCE).fetchall()
