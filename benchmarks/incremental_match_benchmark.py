"""The match step alone, incremental against full, in one process (docs/scaling.md, "Narrowed matching").

    python -m benchmarks.incremental_match_benchmark 100000 /tmp/match-bench   # N listings, a work dir
    CREDCAT_INCREMENTAL_MATCH=0 ... (a changed type matched whole); PROFILE=1 prints a cProfile of the incremental run;
    REBUILD=1 rebuilds the published catalogue (needed after any change to the matcher's code)

Generates N listings (benchmarks.refresh_benchmark.feed_records), matches them fully and keeps the result
as a minimal published catalogue (listings, credential_sources, credential_links, refreshes with the
versions, listing_match_keys); then changes 1% of the descriptions and runs pipeline.resolve.match twice on
the same listings: full (CREDCAT_INCREMENTAL=0) and incremental. Prints wall and CPU seconds of each, the
step's stats and the load average, and whether the derived tables are identical."""
import cProfile
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks.refresh_benchmark import feed_records
from pipeline import resolve, reuse

N = int(sys.argv[1])
D = Path(sys.argv[2])
D.mkdir(parents=True, exist_ok=True)


def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def frame(records):
    df = pd.DataFrame(records)[["uid", "title", "organisation", "platform", "url", "description", "duration_text",
                                "level_text", "language_text", "credential_type"]]
    df["duration_hours"] = pd.to_numeric(df.pop("duration_text").str.split(" ").str[0], errors="coerce")
    return df.rename(columns={"level_text": "level", "language_text": "language"})

def derive(con):
    con.execute("""create table credential_sources as with pair_sides as (
        select left_uid as uid, right_uid as other_uid, score, evidence from seed_duplicate_pairs union all
        select right_uid, left_uid, score, evidence from seed_duplicate_pairs),
      sizes as (select credential_uid, count(*) n from seed_clusters group by 1),
      in_cluster as (select p.uid, arg_max(p.evidence, (p.score, p.evidence)) as match_evidence, max(p.score) as match_score
        from pair_sides p join seed_clusters a on a.uid = p.uid join seed_clusters b on b.uid = p.other_uid
        and b.credential_uid = a.credential_uid group by p.uid)
      select c.uid, c.credential_uid, case when n > 1 then match_score end match_score,
             case when n > 1 then match_evidence end match_evidence
      from seed_clusters c join sizes using (credential_uid) left join in_cluster using (uid)""")
    con.execute("""create table credential_links as select credential_uid_l as credential_uid,
        credential_uid_r as other_credential_uid, score, left_uid as evidence_uid, right_uid as other_evidence_uid,
        evidence from seed_links""")

def publish(con, path):
    derive(con)
    con.execute("create table refreshes as select 1 refresh_id, now() refreshed_at, ?::varchar versions",
                [json.dumps(reuse.versions())])
    for t in ("seed_clusters", "seed_links", "seed_duplicate_pairs"):
        con.execute(f"drop table {t}")
    con.close()

def build(path, df, published, env):
    path.unlink(missing_ok=True)
    os.environ.update(env)
    con = duckdb.connect(str(path))
    con.register("f", df)
    con.execute("create table listings as select * from f")
    con.unregister("f")
    t, c = time.perf_counter(), cpu()
    stats = resolve.match(con, published)
    return con, time.perf_counter() - t, cpu() - c, stats

recs = feed_records(N, 42)
df = frame(recs)
pub = D / "published.duckdb"
if not pub.exists() or os.environ.get("REBUILD"):
    con, w, c, st = build(pub, df, None, {"CREDCAT_INCREMENTAL": "0"})
    print(f"full (publish): {w:.1f}s wall {c:.1f} cpu")
    publish(con, pub)
rng = np.random.default_rng(43)
idx = rng.choice(len(df), size=max(1, len(df) // 100), replace=False)
df.loc[idx, "description"] = df.loc[idx, "description"].fillna("") + " Updated syllabus."
print("load", os.getloadavg())
res = {}
for name, env in [("full", {"CREDCAT_INCREMENTAL": "0"}), ("incremental", {"CREDCAT_INCREMENTAL": "1"})]:
    prof = cProfile.Profile() if name == "incremental" and os.environ.get("PROFILE") else None
    if prof:
        prof.enable()
    con, w, c, st = build(D / f"{name}.duckdb", df, pub, env)
    if prof:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    shown = {k: v for k, v in st.items() if "listings" in k or k == "seconds" or k.startswith(("whole", "keys"))}
    print(f"{name}: {w:.2f}s wall {c:.2f} cpu", shown)
    derive(con)
    res[name] = {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in
                 ("credential_sources", "credential_links", "listing_match_keys")}
    con.close()
for t in res["full"]:
    print(t, "same" if res["full"][t] == res["incremental"][t] else "DIFFERENT", len(res["full"][t]))
print("load", os.getloadavg())
