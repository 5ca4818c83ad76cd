"""Full-text search over the catalogue: BM25 (DuckDB's ``fts`` extension), typo tolerance, filters, facets.

The index is built into the catalogue at each publish (:func:`build_index`, called by
:func:`pipeline.warehouse.publish`) over ``search_documents`` (title, description, skills, outcomes), so
readers never write. DuckDB cannot download extensions here: the ``fts`` binary comes from the
``duckdb-extension-fts`` package built for the pinned DuckDB and is installed from that file
(:func:`install_fts`). A query word the index does not know is corrected to the closest word of
``search_terms`` (Jaro-Winkler), and the response says so. Filters are SQL parameters; facet counts are over
every hit that passes the filters, not only the page shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline import query

INDEXED = ("title", "description", "skills", "outcomes")
TITLE_BOOST = 1.0  # the title's own BM25 score is added once more: a word in the title counts double
NEIGHBOUR_WEIGHT = 0.5  # share of a stack neighbour's score a credential gets (parts <-> programme; two hops: squared)
MIN_SIMILARITY = 0.88  # Jaro-Winkler similarity of a misspelt word to its correction (0.88: `lerning` -> `learning`)
FACETS = ("credential_type", "level", "language", "provider", "cost_kind")
_FTS_SCHEMA = "fts_main_search_documents"


class SearchError(ValueError):
    """A search that cannot run (no index, bad filter); the message says what to do."""


def fts_extension_path() -> Path:
    """The ``fts`` binary shipped by the ``duckdb-extension-fts`` package for this DuckDB version."""
    try:
        return query.packaged_extension("fts")
    except ImportError as exc:
        raise SearchError(str(exc)) from None


def install_fts(con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Install ``fts`` from the package's file into DuckDB's extension directory (idempotent) and, on ``con``,
    load it. Nothing is downloaded: ``autoinstall_known_extensions`` stays off."""
    target = con or duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        literal = str(fts_extension_path()).replace("'", "''")  # INSTALL takes no parameters; our own path
        target.execute(f"INSTALL '{literal}'")
        if con is not None:
            target.execute("LOAD fts")
    finally:
        if con is None:
            target.close()


_INDEX_OPTIONS = "stemmer = 'english', stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1"
_PREVIOUS = "fts_previous"


def _index_version() -> str:
    """What the index's values depend on besides the documents: DuckDB and the ``fts`` build (the stemmer),
    stored as the comment of the ``dict`` table; a published index of another version is not reused."""
    from importlib.metadata import version

    return f"fts {version('duckdb-extension-fts')} duckdb {duckdb.__version__}"


def build_index(con: duckdb.DuckDBPyConnection, previous: Path | None = None) -> dict:
    """(Re)build the BM25 index over ``search_documents`` in the catalogue ``con`` writes (the index does not
    update itself: this runs at every publish).

    The extension stems every token occurrence and fills its tables with correlated updates; here it creates
    its schema (macros, stopwords, fields) over an empty table of the same name, and the tables are filled
    in set operations: each distinct text is tokenised once, each distinct word stemmed once. A document
    whose indexed fields equal the ``previous`` catalogue's (the published one) keeps its term rows from that
    catalogue's index; only the others are tokenised. ``len``, ``df``, ``num_docs`` and ``avgdl`` are then
    counted over the whole new ``terms`` and ``docs`` as the extension counts them, so ``match_bm25`` scores
    as a from-scratch index does (``tests/test_search_index.py``)."""
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'main'").fetchall()}
    if "search_documents" not in tables:
        return {"indexed": 0}
    install_fts(con)
    s = _FTS_SCHEMA
    con.execute("alter table search_documents rename to search_documents__full")
    try:
        con.execute("create table search_documents as select * from search_documents__full limit 0")
        con.execute("PRAGMA create_fts_index('search_documents', 'uid', " + ", ".join(f"'{c}'" for c in INDEXED)
                    + f", {_INDEX_OPTIONS})")
        con.execute("drop table search_documents")
    finally:
        con.execute("alter table search_documents__full rename to search_documents")
    con.execute(f"comment on table {s}.dict is '{_index_version()}'")
    reusing = _attach_previous(con, previous)
    try:
        same = " and ".join(f"n.{c} is not distinct from p.{c}" for c in INDEXED)
        con.execute("create or replace temp table fts_reused (docid bigint, old_docid bigint, len bigint)")
        if reusing:
            con.execute(f"""insert into fts_reused select n.rowid, d.docid, d.len from search_documents n
                join {_PREVIOUS}.main.search_documents p on p.uid = n.uid and {same}
                join {_PREVIOUS}.{s}.docs d on d.name = p.uid""")
        fields = " union all ".join(f"select rowid as docid, {i}::bigint as fieldid, {c} as text from "
                                    f"search_documents where {c} is not null" for i, c in enumerate(INDEXED))
        con.execute(f"""create or replace temp table fts_fields as select * from ({fields})
            where docid not in (select docid from fts_reused)""")
        # each distinct text once, by a number: joining the token rows back on the text itself made a hash
        # table of every token keyed by its whole text (superlinear: it spilled at 1M)
        con.execute("""create or replace temp table fts_texts as
            select row_number() over () as tid, text from (select distinct text from fts_fields)""")
        # the field rows by their text's number, the texts dropped: every later join is over integers
        con.execute("""create or replace temp table fts_field_texts as
            select f.docid, f.fieldid, t.tid from fts_fields f join fts_texts t using (text)""")
        con.execute("drop table temp.fts_fields")
        con.execute(f"""create or replace temp table fts_text_words as
            select tid, unnest({s}.tokenize(text)) as w from fts_texts""")
        con.execute("drop table temp.fts_texts")
        con.execute(f"""create or replace temp table fts_words as
            select w, stem(w, 'english') as term from (select distinct w from fts_text_words)
            where w is not null and len(w) > 0 and w not in (select sw from {s}.stopwords)""")
        if reusing:  # the published term ids stay; a new term gets the next free one
            con.execute(f"insert into {s}.dict (termid, term, df) select termid, term, df from {_PREVIOUS}.{s}.dict")
        con.execute(f"""insert into {s}.dict (termid, term, df)
            select (select coalesce(max(termid), -1) from {s}.dict) + row_number() over (order by term), term, 0
            from (select distinct term from fts_words where term not in (select term from {s}.dict))""")
        # each token's word looked up in a table of the distinct words (small), then each text's terms joined to
        # the fields holding that text: the big side (one row per token) is only ever probed, never built
        con.execute(f"""create or replace temp table fts_word_terms as
            select w.w, d.termid from fts_words w join {s}.dict d using (term)""")
        con.execute("""create or replace temp table fts_new_terms as
            select f.docid, f.fieldid, i.termid from fts_field_texts f
            join (select t.tid, w.termid from fts_text_words t join fts_word_terms w using (w)) i using (tid)""")
        for t in ("fts_text_words", "fts_field_texts"):
            con.execute(f"drop table temp.{t}")
        if reusing:
            con.execute(f"""insert into {s}.terms (docid, fieldid, termid) select r.docid, t.fieldid, t.termid
                from {_PREVIOUS}.{s}.terms t join fts_reused r on r.old_docid = t.docid""")
            # df from the published one: less the documents not reused (changed or gone), plus the new rows
            con.execute(f"""create or replace temp table fts_df_gone as
                select termid, count(*) as df from (select distinct docid, termid from {_PREVIOUS}.{s}.terms
                where docid not in (select old_docid from fts_reused)) group by termid""")
            con.execute(f"""update {s}.dict d set df = d.df - g.df from fts_df_gone g where g.termid = d.termid""")
        con.execute(f"insert into {s}.terms (docid, fieldid, termid) select * from fts_new_terms")
    finally:
        if reusing:
            con.execute(f"detach {_PREVIOUS}")
    # one pass over the new rows: (docid, termid) with its count gives both a term's documents (df) and a
    # document's length (len, the sum)
    con.execute("""create or replace temp table fts_pairs as
        select docid, termid, count(*) as n from fts_new_terms group by docid, termid""")
    con.execute("drop table temp.fts_new_terms")
    con.execute(f"""update {s}.dict d set df = d.df + n.df from (
        select termid, count(*) as df from fts_pairs group by termid) n where n.termid = d.termid""")
    con.execute(f"delete from {s}.dict where df = 0")  # published terms no document has any more
    # a reused document keeps its published length (same fields, same term rows); the others are counted
    con.execute(f"""insert into {s}.docs (docid, name, len)
        select sd.rowid, sd.uid, coalesce(r.len, n.len, 0) from search_documents sd
        left join fts_reused r on r.docid = sd.rowid
        left join (select docid, sum(n)::bigint as len from fts_pairs group by docid) n on n.docid = sd.rowid""")
    con.execute(f"delete from {s}.stats")
    con.execute(f"insert into {s}.stats select count(docid), sum(len) / count(len) from {s}.docs")
    reused = con.execute("select count(*) from fts_reused").fetchone()[0]
    for t in ("fts_reused", "fts_fields", "fts_texts", "fts_field_texts", "fts_text_words", "fts_words",
              "fts_word_terms", "fts_new_terms", "fts_pairs", "fts_df_gone"):
        con.execute(f"drop table if exists temp.{t}")
    return {"indexed": con.execute("select count(*) from search_documents").fetchone()[0], "reused": reused}


def _attach_read_only(con: duckdb.DuckDBPyConnection, path: Path | None) -> bool:
    """Attach the catalogue at ``path`` read-only as the previous one; False when there is none or it cannot be."""
    if not path or not Path(path).exists():
        return False
    literal = str(path).replace("'", "''")  # ATTACH takes no parameters; our own path, quoted
    try:
        con.execute(f"attach '{literal}' as {_PREVIOUS} (read_only)")
    except duckdb.Error:
        return False
    return True


def _attach_previous(con: duckdb.DuckDBPyConnection, previous: Path | None) -> bool:
    """Attach ``previous`` read-only when its index can be reused: built by this version (the ``dict``
    comment), over the same fields and macros, with one document per uid in both catalogues."""
    if not _attach_read_only(con, previous):
        return False
    db = con.execute("select current_database()").fetchone()[0].replace("'", "''")
    # literals, not parameters: binding Python parameters makes DuckDB import pandas (seconds, once)
    try:
        ok = con.execute(f"select comment = '{_index_version()}' from duckdb_tables() where database_name = "
                         f"'{_PREVIOUS}' and schema_name = '{_FTS_SCHEMA}' and table_name = 'dict'").fetchone()
        macros = ("select function_name, macro_definition from duckdb_functions() where database_name = '{}' "
                  f"and schema_name = '{_FTS_SCHEMA}' order by 1")
        ok = bool(ok and ok[0]) and (
            con.execute(macros.format(_PREVIOUS)).fetchall() == con.execute(macros.format(db)).fetchall()
            and con.execute(f"select * from {_PREVIOUS}.{_FTS_SCHEMA}.fields order by fieldid").fetchall()
            == con.execute(f"select * from {_FTS_SCHEMA}.fields order by fieldid").fetchall()
            and all(con.execute(f'select count(distinct uid) = count(*) from "{c}".main.search_documents').fetchone()[0]
                    for c in (_PREVIOUS, db)))
    except duckdb.Error:  # no index or no search_documents there
        ok = False
    if not ok:
        con.execute(f"detach {_PREVIOUS}")
    return ok


_TERMS_VERSION = "words 1"  # what search_terms' words are (the rule in _words); another rule: not reused


def _words(alias: str) -> str:
    """The distinct words of one search document: lower-cased, accents stripped, split on anything but
    ``a-z0-9``, three characters or more, not only digits."""
    text = f"concat_ws(' ', {alias}.title, {alias}.description, {alias}.skills, {alias}.outcomes)"
    return (f"list_distinct(list_filter(regexp_split_to_array(lower(strip_accents({text})), '[^a-z0-9]+'), "
            "w -> length(w) >= 3 and not regexp_matches(w, '^[0-9]+$')))")


def build_terms(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict:
    """``search_terms``: every word of the search documents and the number of credentials using it, the
    vocabulary :func:`correct` corrects a misspelt query word against.

    Each document's words are taken once (``list_distinct``), so a word's count is a plain count. With a
    published catalogue whose ``search_terms`` has this rule (the table comment) and one document per uid on
    both sides, the published counts are kept and corrected by the documents whose indexed fields changed:
    minus the published version's words, plus the new version's (added and removed documents too); only those
    are split. Rows ordered by word, as a full count gives them."""
    version = f"{_TERMS_VERSION} duckdb {duckdb.__version__}"
    unique = con.execute("select count(distinct uid) = count(*) from search_documents").fetchone()[0]
    previous = _attach_terms(con, published_path, version) if unique else False
    try:
        if previous:
            same = " and ".join(f"n.{c} is not distinct from p.{c}" for c in INDEXED)
            con.execute(f"""create or replace temp table search_terms_changed as
                select n.uid as new_uid, p.uid as old_uid from search_documents n
                full join {_PREVIOUS}.main.search_documents p on n.uid = p.uid
                where n.uid is null or p.uid is null or not ({same})""")
            con.execute(f"""create or replace table search_terms as
                with delta as (
                    select word, sum(d) as d from (
                        select unnest({_words('n')}) as word, 1 as d from search_documents n
                        where n.uid in (select new_uid from search_terms_changed)
                        union all
                        select unnest({_words('p')}), -1 from {_PREVIOUS}.main.search_documents p
                        where p.uid in (select old_uid from search_terms_changed))
                    group by word)
                select word, (coalesce(t.documents, 0) + coalesce(delta.d, 0))::bigint as documents
                from {_PREVIOUS}.main.search_terms t full join delta using (word)
                where coalesce(t.documents, 0) + coalesce(delta.d, 0) > 0
                order by word""")
            changed = con.execute("select count(*) from search_terms_changed").fetchone()[0]
            con.execute("drop table temp.search_terms_changed")
        else:
            count = "count(*)" if unique else "count(distinct uid)"
            con.execute(f"""create or replace table search_terms as
                select word, {count} as documents from (select uid, unnest({_words('d')}) as word
                                                          from search_documents d)
                group by word order by word""")
            changed = None
    finally:
        if previous:
            con.execute(f"detach {_PREVIOUS}")
    con.execute(f"comment on table search_terms is '{version}'")
    words = con.execute("select count(*) from search_terms").fetchone()[0]
    return {"words": words, "documents_split": changed, "reused": bool(previous)}


def _attach_terms(con: duckdb.DuckDBPyConnection, published_path: Path | None, version: str) -> bool:
    """Attach the published catalogue when its ``search_terms`` can be corrected: built by this rule and
    version (the table comment), with one search document per uid."""
    if not _attach_read_only(con, published_path):
        return False
    try:
        ok = con.execute(f"select comment = '{version}' from duckdb_tables() where database_name = '{_PREVIOUS}' "
                         "and schema_name = 'main' and table_name = 'search_terms'").fetchone()
        ok = bool(ok and ok[0]) and con.execute(
            f"select count(distinct uid) = count(*) from {_PREVIOUS}.main.search_documents").fetchone()[0]
    except duckdb.Error:
        ok = False
    if not ok:
        con.execute(f"detach {_PREVIOUS}")
    return ok


def extension_index(con: duckdb.DuckDBPyConnection) -> None:
    """The index as the extension builds it (the reference the tests compare :func:`build_index` with)."""
    install_fts(con)
    con.execute("PRAGMA create_fts_index('search_documents', 'uid', " + ", ".join(f"'{c}'" for c in INDEXED)
                + f", {_INDEX_OPTIONS})")


def connect(path: Path | None = None, limits: query.Limits | None = None):
    """A sandboxed read-only connection to the published catalogue with ``fts`` loaded."""
    install_fts()
    return query.connect(path, limits=limits or query.Limits(), extensions=["fts"])


@dataclass
class Filters:
    credential_type: str | None = None
    skill: str | None = None
    level: str | None = None
    max_hours: float | None = None
    max_cost: float | None = None
    language: str | None = None
    provider: str | None = None
    free: bool = False

    def sql(self) -> tuple[str, list]:
        """A WHERE clause over ``credentials c`` and its parameters."""
        where, params = ["true"], []
        if self.credential_type:
            where.append("c.credential_type = ?")
            params.append(self.credential_type)
        if self.level:
            where.append("c.level = ?")
            params.append(self.level)
        if self.language:  # `en` matches en, en-US, en-GB
            where.append("(lower(c.language) = lower(?) or lower(c.language) like lower(?) || '-%')")
            params += [self.language, self.language]
        if self.max_hours is not None:
            where.append("c.duration_hours <= ?")  # unknown workload does not pass a limit
            params.append(self.max_hours)
        if self.max_cost is not None:
            where.append("c.cost_amount <= ?")
            params.append(self.max_cost)
        if self.free:
            where.append("c.cost_amount = 0")
        if self.provider:
            where.append("exists (select 1 from credential_sources s where s.credential_uid = c.uid "
                         "and lower(s.source) = lower(?))")
            params.append(self.provider)
        if self.skill:
            where.append("(exists (select 1 from unnest(c.skills) t(s) where lower(s) = lower(?)) or exists ("
                         "select 1 from credential_skills k left join skills sk on sk.skill_id = k.skill_id "
                         "where k.uid = c.uid and (k.skill_id = ? or lower(sk.label) = lower(?) "
                         "or lower(k.raw) = lower(?))))")
            params += [self.skill] * 4
        return " and ".join(where), params


@dataclass
class SearchResult:
    query: str
    searched: str  # the query actually run (after typo correction)
    corrections: dict[str, str]
    total: int
    hits: list[dict]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"query": self.query, "searched": self.searched, "corrections": self.corrections,
                "total": self.total, "hits": self.hits, "facets": self.facets}


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def correct(con, text: str) -> dict[str, str]:
    """Query words absent from the catalogue's vocabulary -> the closest known word (only when close)."""
    out = {}
    for word in {w.lower() for w in _WORD.findall(text) if len(w) >= 3 and not w.isdigit()}:
        if con.execute("select 1 from search_terms where word = strip_accents(?)", [word]).fetchone():
            continue
        row = con.execute(
            "select word, jaro_winkler_similarity(word, strip_accents(?)) as sim from search_terms "
            "where abs(length(word) - length(?)) <= 2 and sim >= ? order by sim desc, documents desc, word limit 1",
            [word, word, MIN_SIMILARITY]).fetchone()
        if row:
            out[word] = row[0]
    return out


def search(con, text: str, filters: Filters | None = None, limit: int = 10, offset: int = 0,
           facets: bool = True) -> SearchResult:
    """Rank credentials for ``text``: BM25 over title, description, skills and outcomes (title counted twice),
    plus half the best score of a credential it stacks with (part_of, stated; a quarter two steps away), so
    a specialisation whose courses match ranks with them, and its other courses next. A credential enters
    the hits by matching itself or by containing / being part of one that does."""
    filters = filters or Filters()
    if not text or not text.strip():
        raise SearchError('give words to search for, e.g. credcat search "machine learning"')
    if not con.execute("select 1 from information_schema.schemata where schema_name = ?", [_FTS_SCHEMA]).fetchone():
        raise SearchError("the catalogue has no search index: run `credcat refresh` (the index is built at publish)")
    corrections = correct(con, text)
    searched = " ".join(corrections.get(w.lower(), w) for w in _WORD.findall(text))
    where, params = filters.sql()
    hits_sql = f"""
        with own as (
            select uid, s_all + {TITLE_BOOST} * coalesce(s_title, 0) as score from (
                select uid,
                       {_FTS_SCHEMA}.match_bm25(uid, ?) as s_all,
                       {_FTS_SCHEMA}.match_bm25(uid, ?, fields := 'title') as s_title
                from search_documents
            ) where s_all is not null
        ),
        edges as (  -- stated part_of edges, both ways: a programme teaches what its parts teach
            select child as a, parent as b from stack_edges where relation = 'part_of' and not inferred
            union select parent, child from stack_edges where relation = 'part_of' and not inferred
        ),
        hop1 as (select e.a as uid, max(o.score) as s from edges e join own o on o.uid = e.b group by e.a),
        hop2 as (select e1.a as uid, max(o.score) as s from edges e1 join edges e2 on e2.a = e1.b and e2.b <> e1.a
                 join own o on o.uid = e2.b group by e1.a),
        scored as (
            select u.uid, coalesce(own.score, 0) + {NEIGHBOUR_WEIGHT} * coalesce(hop1.s, 0)
                          + {NEIGHBOUR_WEIGHT} ** 2 * coalesce(hop2.s, 0) as score
            from (select uid from own union select uid from hop1) u
            left join own using (uid) left join hop1 using (uid) left join hop2 using (uid)
        ),
        hits as (
            select c.*, scored.score,
                   (select list(distinct s.source order by s.source) from credential_sources s
                    where s.credential_uid = c.uid) as providers
            from scored join credentials c using (uid)
            where {where}
        )"""
    base = [searched, searched, *params]
    rows = con.execute(hits_sql + """
        select uid, title, credential_type, level, language, providers, organisation, duration_hours,
               cost_amount, cost_currency, cost_kind, url, round(score, 4) as score, count(*) over () as total
        from hits order by score desc, uid limit ? offset ?""", [*base, limit, offset])
    columns = [d[0] for d in rows.description]
    types = [d[1] for d in rows.description]
    records = rows.fetchall()
    total = records[0][-1] if records else 0
    hits = [{c: query.json_value(v, t) for c, v, t in zip(columns[:-1], r[:-1], types[:-1])} for r in records]
    if not records and offset:
        total = con.execute(hits_sql + " select count(*) from hits", base).fetchone()[0]
    counts: dict[str, dict[str, int]] = {}
    if facets:
        for facet, value, n in con.execute(hits_sql + """
                select case when grouping(credential_type) = 0 then 'credential_type'
                            when grouping(level) = 0 then 'level' when grouping(language) = 0 then 'language'
                            when grouping(provider) = 0 then 'provider' else 'cost_kind' end as facet,
                       coalesce(credential_type, level, language, provider, cost_kind) as value, count(*) as n
                from (select *, unnest(providers) as provider from hits)
                group by grouping sets ((credential_type), (level), (language), (provider), (cost_kind))
                order by facet, n desc, value""", base).fetchall():
            counts.setdefault(facet, {})[value if value is not None else "unknown"] = n
        counts = {f: counts.get(f, {}) for f in FACETS}
    return SearchResult(text, searched, corrections, total, hits, counts)


def render(result: SearchResult) -> str:
    """Plain-text hits (the CLI without --json)."""
    lines = []
    if result.corrections:
        lines.append(f"searched for: {result.searched}  (corrected {', '.join(f'{a} -> {b}' for a, b in result.corrections.items())})")
    if not result.hits:
        lines.append(f"no credential matches {result.query!r}" + (" with these filters" if result.total == 0 else ""))
        return "\n".join(lines)
    for i, h in enumerate(result.hits, 1):
        facts = [h["credential_type"], h["level"], h["language"],
                 f"{h['duration_hours']:g} h" if h["duration_hours"] is not None else None,
                 ("free" if h["cost_amount"] == 0 else f"{h['cost_amount']:g} {h['cost_currency'] or ''}".strip())
                 if h["cost_amount"] is not None else None]
        lines.append(f"{i:>2}. {h['title']}  [{', '.join(f for f in facts if f)}]  score {h['score']:g}")
        lines.append(f"    {h['uid']}  ({', '.join(h['providers'] or [])})")
    lines.append(f"({len(result.hits)} of {result.total} matching credentials)")
    for facet, values in result.facets.items():
        if values:
            lines.append(f"  {facet}: " + ", ".join(f"{v} {n}" for v, n in values.items()))
    return "\n".join(lines)
