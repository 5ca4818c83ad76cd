"""Credential profiles: what each credential states about rigour, recognition, workload, level and cost, with
the evidence for each element, and `credcat show` / `credcat compare` over them.

- :func:`build_profile_prices` is the build step behind ``seed_profile_prices``: the price to *earn* each
  credential from every offer it lists (``pipeline.normalise.prices.price_to_earn``) in the reference currency
  at the ECB rate of the day the price was seen (``pipeline.normalise.currency``). ``sql/marts/
  credential_profiles.sql`` shapes the published table from it and ``credentials``.
- :func:`coverage` counts, per provider, how often each element is stated / derived / unknown; the README table
  and the Dagster metadata of ``credential_profiles`` come from it.
- :func:`show` and :func:`compare` read a published catalogue. Nothing is scored: each element is printed with
  its provenance mark, ``=`` stated by the source, ``~`` derived (the rule is given), ``?`` unknown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import duckdb
import pandas as pd

from pipeline.normalise.currency import convert, reference_currency
from pipeline.normalise.prices import price_to_earn

# Elements of a profile, with the column that holds the value and the one that holds its provenance.
ELEMENTS: dict[str, tuple[str, str]] = {
    "awarding_body": ("awarding_body", "awarding_body_provenance"),
    "country": ("issuer_country", "issuer_country_provenance"),
    "recognition": ("recognised_by", "recognition_provenance"),
    "quality_assurance": ("quality_assurance", "quality_assurance_provenance"),
    "credits": ("credits", "credits_provenance"),
    "ects": ("ects", "ects_provenance"),
    "level": ("level", "level_provenance"),
    "eqf_level": ("eqf_level", "eqf_provenance"),
    "learning_outcomes": ("learning_outcomes", "learning_outcomes_provenance"),
    "prerequisites": ("prerequisites", "prerequisites_provenance"),
    "assessment": ("assessment_type", "assessment_provenance"),
    "supervision": ("supervised", "supervision_provenance"),
    "participation": ("participation", "participation_provenance"),
    "workload": ("workload_hours", "workload_provenance"),
    "price_to_earn": ("price_to_earn", "price_provenance"),
}
MARKS = {"stated": "=", "derived": "~", "unknown": "?", None: "?"}

PRICE_COLUMNS = {
    "uid": "VARCHAR", "price_to_earn": "DOUBLE", "price_to_earn_currency": "VARCHAR", "price_rate_date": "DATE",
    "price_rate": "DOUBLE", "price_to_earn_original": "DOUBLE", "price_to_earn_original_currency": "VARCHAR",
    "price_to_earn_min": "DOUBLE", "price_rule": "VARCHAR", "price_provenance": "VARCHAR",
    "price_reason": "VARCHAR", "offers": "JSON",
}
_STATED_RULES = ("programme fee", "certificate fee", "exam fee", "the paid offer (kind not stated)", "free")


def _day(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and value != value) else float(value)


def profile_price(offers, *, workload_hours=None, hours_per_week=None, length_weeks=None, seen=None,
                  reference: str | None = None) -> dict:
    """The price-to-earn columns of one credential (see :data:`PRICE_COLUMNS`); every offer is kept, each with
    its reference-currency value."""
    ref = reference_currency(reference)
    if isinstance(offers, str):
        offers = json.loads(offers)
    offers = offers or []
    day = _day(seen)
    p = price_to_earn(offers, workload_hours=_num(workload_hours), hours_per_week=_num(hours_per_week),
                      length_weeks=_num(length_weeks))
    kept = []
    for o in offers:
        conv = convert(o.get("amount"), o.get("currency"), day, ref) if o.get("amount") else None
        kept.append({**o, "amount_reference": 0.0 if o.get("amount") == 0 else (conv.amount if conv else None),
                     "reference_currency": ref, "rate_date": conv.rate_date.isoformat() if conv and conv.rate_date
                     else None})
    row = {"price_to_earn": None, "price_to_earn_currency": ref, "price_rate_date": None, "price_rate": None,
           "price_to_earn_original": p.amount, "price_to_earn_original_currency": p.currency,
           "price_to_earn_min": None, "price_rule": p.rule, "price_provenance": "unknown", "price_reason": p.reason,
           "offers": json.dumps(kept, ensure_ascii=False) if kept else None}
    if p.amount == 0:  # free: nothing to convert
        row.update(price_to_earn=0.0, price_provenance="stated")
    elif p.amount is not None:
        conv = convert(p.amount, p.currency, day, ref)
        if conv.amount is None:
            row.update(price_reason=conv.reason)
        else:
            row.update(price_to_earn=conv.amount, price_rate_date=conv.rate_date, price_rate=conv.rate,
                       price_provenance="stated" if p.rule in _STATED_RULES else "derived")
    if p.amount_min:
        conv = convert(p.amount_min, p.currency, day, ref)
        row["price_to_earn_min"] = conv.amount
        if row["price_rate_date"] is None and conv.rate_date is not None:
            row.update(price_rate_date=conv.rate_date, price_rate=conv.rate)
    return row


def build_profile_prices(con: duckdb.DuckDBPyConnection) -> dict:
    """``seed_profile_prices``: the price to earn of every credential in the reference currency.

    The price depends only on the offers, the three workload figures and the day the price was seen, and many
    credentials share them: each distinct combination is priced once (in Python) and joined back in SQL."""
    ref = reference_currency()
    keys = con.execute(
        "select distinct cost_offers::varchar, workload_hours, duration_hours_per_week, length_weeks, "
        "last_seen::date from credentials").fetchall()
    rows = []
    for offers, hours, per_week, weeks, day in keys:
        rows.append({"offers_key": offers, "workload_hours": hours, "hours_per_week": per_week,
                     "length_weeks": weeks, "seen_day": day,
                     **profile_price(offers, workload_hours=hours, hours_per_week=per_week, length_weeks=weeks,
                                     seen=day, reference=ref)})
    cols = ", ".join(f'"{c}" {t}' for c, t in PRICE_COLUMNS.items())
    con.execute(f"create or replace table seed_profile_prices ({cols})")
    if rows:
        key_types = {"offers_key": "VARCHAR", "workload_hours": "DOUBLE", "hours_per_week": "DOUBLE",
                     "length_weeks": "DOUBLE", "seen_day": "DATE"}
        priced = [c for c in PRICE_COLUMNS if c != "uid"]
        frame = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in [*key_types, *priced]})
        con.register("price_frame", frame)
        try:
            casts = ", ".join(f'cast(p."{c}" as {PRICE_COLUMNS[c]})' for c in priced)
            on = " and ".join(f'{expr} is not distinct from cast(p."{k}" as {key_types[k]})' for expr, k in zip(
                ("c.cost_offers::varchar", "c.workload_hours", "c.duration_hours_per_week", "c.length_weeks",
                 "c.last_seen::date"), key_types))
            con.execute(f"insert into seed_profile_prices select c.uid, {casts} from credentials c "
                        f"join price_frame p on {on}")
        finally:
            con.unregister("price_frame")
    known, total = con.execute("select count(price_to_earn), count(*) from seed_profile_prices").fetchone()
    return {"reference_currency": ref, "credentials": total, "price_known": known, "price_unknown": total - known}


# -- coverage -------------------------------------------------------------------------------------------------
def coverage(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per provider and element: credentials, and how many state it, derive it or leave it unknown; plus the
    mean EU Annex I completeness."""
    out = []
    for element, (_, prov) in ELEMENTS.items():
        for source, n, stated, derived in con.execute(
                f"select source, count(*), count(*) filter (where {prov} = 'stated'), "
                f"count(*) filter (where {prov} = 'derived') from credential_profiles group by 1 order by 1").fetchall():
            out.append({"provider": source, "element": element, "credentials": n, "stated": stated,
                        "derived": derived, "unknown": n - stated - derived})
    for source, n, mean in con.execute("select source, count(*), round(avg(eu_completeness), 3) "
                                       "from credential_profiles group by 1 order by 1").fetchall():
        out.append({"provider": source, "element": "eu_completeness", "credentials": n, "mean": mean})
    return out


def coverage_markdown(rows: list[dict]) -> str:
    """The coverage as a Markdown table: one line per element, one column per provider; each cell is the share
    stated, with the share derived after a ``+`` where there is one."""
    providers = sorted({r["provider"] for r in rows})
    cells: dict[tuple[str, str], str] = {}
    for r in rows:
        if r["element"] == "eu_completeness":
            cells[(r["element"], r["provider"])] = f"{r['mean']:.2f}"
            continue
        s = f"{100 * r['stated'] / r['credentials']:.0f}%"
        if r["derived"]:
            s += f" +{100 * r['derived'] / r['credentials']:.0f}% derived"
        cells[(r["element"], r["provider"])] = s
    elements = [*ELEMENTS, "eu_completeness"]
    lines = ["| element | " + " | ".join(providers) + " |", "|---" * (len(providers) + 1) + "|"]
    lines += ["| " + e + " | " + " | ".join(cells.get((e, p), "") for p in providers) + " |" for e in elements]
    return "\n".join(lines)


# -- show / compare -------------------------------------------------------------------------------------------
class ProfileNotFound(KeyError):
    pass


def _fetch(con, uids: Sequence[str]) -> list[dict]:
    cur = con.execute("select * from credential_profiles where uid in (select unnest(?::varchar[]))", [list(uids)])
    cols = [d[0] for d in cur.description]
    found = {r[0]: dict(zip(cols, r)) for r in cur.fetchall()}
    missing = [u for u in uids if u not in found]
    if missing:
        hints = []
        for u in missing:
            near = con.execute("select uid from credential_profiles order by jaro_winkler_similarity(uid, ?) desc "
                               "limit 3", [u]).fetchall()
            hints.append(f"{u} (did you mean {', '.join(n for (n,) in near)}?)" if near else u)
        raise ProfileNotFound("no credential " + "; ".join(hints))
    rows = [found[u] for u in uids]
    for r in rows:
        for k, v in r.items():
            if isinstance(v, str) and k in JSON_COLUMNS:
                r[k] = json.loads(v)
    return rows


JSON_COLUMNS = {"recognised_by", "credits", "audience_level", "assessment_types", "offers"}


def _extras(con, uid: str) -> dict:
    """What it stacks into and its central skills (tables of other lanes; absent tables give nothing)."""
    out = {"stacks_into": [], "skills": []}
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    if "stack_edges" in tables:
        out["stacks_into"] = [{"uid": p, "relation": r, "title": t} for p, r, t in con.execute(
            "select e.parent, e.relation, c.title from stack_edges e left join credentials c on c.uid = e.parent "
            "where e.child = ? and not e.inferred order by 1", [uid]).fetchall()]
    if "credential_skills" in tables and "skills" in tables:
        out["skills"] = [s for (s,) in con.execute(
            "select distinct coalesce(k.label, cs.raw) from credential_skills cs left join skills k using (skill_id) "
            "where cs.uid = ? order by 1 limit 12", [uid]).fetchall()]
    return out


def _fmt(value) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "; ".join(_fmt_item(v) for v in value) or "unknown"
    return str(value)


def _fmt_item(v) -> str:
    if isinstance(v, dict):
        if "system" in v:
            return f"{v['value']:g} {v['system']}"
        if "role" in v:
            return f"{v.get('name') or v.get('id')} ({v['role']})"
        if "kind" in v:
            amount = "?" if v.get("amount") is None else f"{v['currency'] or ''} {v['amount']:g}".strip()
            return f"{v['kind']}: {amount}" + (f"/{v['period']}" if v.get("period") else "")
    return str(v)


def lines(p: dict) -> list[tuple[str, str, str]]:
    """(element, mark + value, evidence) rows of one profile, in reading order."""
    def row(name, value, prov, evidence=""):
        return (name, f"{MARKS.get(prov, '?')} {_fmt(value)}", evidence or "")

    price = None
    if p["price_to_earn"] is not None:
        price = f"{p['price_to_earn']:.2f} {p['price_to_earn_currency']}"
        if p["price_to_earn_original_currency"] and p["price_to_earn_original_currency"] != p["price_to_earn_currency"]:
            price += f" ({p['price_to_earn_original']:g} {p['price_to_earn_original_currency']})"
    elif p["price_to_earn_min"] is not None:
        price = f"unknown (at least {p['price_to_earn_min']:.2f} {p['price_to_earn_currency']})"
    rate = f"; ECB rate of {p['price_rate_date']}" if p["price_rate_date"] else ""
    supervision = None if p["supervised"] is None else (
        ("supervised" if p["supervised"] else "unsupervised")
        + (", identity verified" if p["identity_verified"] else ", no identity check"))
    level = " / ".join(x for x in (p["level"], ", ".join(p["audience_level"] or [])) if x) or None
    eqf = None if p["eqf_level"] is None else f"EQF {p['eqf_level']}" + (
        f" ({p['level_framework']})" if p["level_framework"] and not p["level_framework"].startswith("EQF") else "")
    return [
        row("title", p["title"], "stated", p["uid"]),
        row("type", p["credential_type"], "stated"),
        row("awarded by", p["awarding_body"], p["awarding_body_provenance"]),
        row("country", p["issuer_country"], p["issuer_country_provenance"]),
        row("recognised by", p["recognised_by"], p["recognition_provenance"]),
        row("quality assurance", p["quality_assurance"], p["quality_assurance_provenance"],
            p["quality_assurance_rule"]),
        row("credits", p["credits"], p["credits_provenance"]),
        row("ECTS", p["ects"], p["ects_provenance"], p["ects_rule"]),
        row("EQF level", eqf, p["eqf_provenance"], p["eqf_rule"]),
        row("level", level, p["level_provenance"]),
        row("workload (hours)", None if p["workload_hours"] is None else round(p["workload_hours"], 2),
            p["workload_provenance"], p["workload_rule"]),
        row("length (weeks)", None if p["length_weeks"] is None else round(p["length_weeks"], 2),
            "stated" if p["length_weeks"] is not None else "unknown"),
        row("assessment", ", ".join(p["assessment_types"] or []) or p["assessment_type"], p["assessment_provenance"],
            p["assessment_source"]),
        row("supervision", supervision, p["supervision_provenance"], p["supervision_source"]),
        row("participation", p["participation"], p["participation_provenance"]),
        row("prerequisites", p["prerequisites"], p["prerequisites_provenance"]),
        row("learning outcomes", len(p["learning_outcomes"] or []) or None, p["learning_outcomes_provenance"]),
        row("price to earn", price, p["price_provenance"], (p["price_rule"] or p["price_reason"] or "") + rate),
        row("offers", p["offers"], "stated" if p["offers"] else "unknown"),
        row("EU elements", f"{p['eu_completeness']:.0%} present", "stated",
            f"stated: {', '.join(p['eu_stated'])}; derived: {', '.join(p['eu_derived']) or '-'}; "
            f"missing: {', '.join(p['eu_missing']) or '-'}"),
    ]


def show(con, uid: str) -> dict:
    """One profile with what it stacks into and its skills."""
    (p,) = _fetch(con, [uid])
    return {**p, **_extras(con, uid)}


def compare(con, uids: Sequence[str]) -> list[dict]:
    return [show(con, u) for u in uids]


def render_show(p: dict) -> str:
    width = max(len(n) for n, _, _ in lines(p))
    out = [f"{n.ljust(width)}  {v}" + (f"   [{e}]" if e else "") for n, v, e in lines(p)]
    out.append(f"{'stacks into'.ljust(width)}  " + ("; ".join(f"{s['title'] or s['uid']} ({s['relation']})"
                                                          for s in p["stacks_into"]) or "nothing stated"))
    out.append(f"{'skills'.ljust(width)}  " + (", ".join(p["skills"]) or "none mapped"))
    out.append("marks: = stated by the source, ~ derived (rule in brackets), ? unknown")
    return "\n".join(out)


def render_compare(profiles: list[dict]) -> str:
    table = [lines(p) for p in profiles]
    names = [n for n, _, _ in table[0]]
    cols = [[v for _, v, _ in t] for t in table]
    width = max(len(n) for n in names)
    col_w = [min(48, max(len(v) for v in c)) for c in cols]
    out = []
    for i, n in enumerate(names):
        cells = [(c[i] if len(c[i]) <= 48 else c[i][:45] + "...").ljust(w) for c, w in zip(cols, col_w)]
        out.append(f"{n.ljust(width)}  " + "  | ".join(cells).rstrip())
    out.append("marks: = stated by the source, ~ derived (see `credcat show UID` for each rule), ? unknown; "
               "no score: unknown is never read as favourable")
    return "\n".join(out)


def to_json(value) -> str:
    return json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v),
                      ensure_ascii=False, indent=2)
