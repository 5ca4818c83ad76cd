"""Vectorised entry points: parse each DISTINCT raw value once, then broadcast the results to every row.

Two ways in:

- :func:`normalise_frame` takes a DataFrame of raw listing fields (any subset of :data:`INPUT_COLUMNS`) and
  returns it with the parsed columns added beside the raw ones;
- :func:`parse_distinct` takes one column of distinct raw values (as DuckDB returns them from
  ``SELECT DISTINCT duration_text FROM ...``) and returns a table keyed by the raw value(s), to register in
  DuckDB and join back on the raw text::

      distinct = con.execute("SELECT DISTINCT duration_text, length_text FROM stg_listings").df()
      con.register("parsed_durations", parse_distinct("duration", distinct))
      con.execute('''CREATE TABLE ... AS SELECT s.*, p.* EXCLUDE (duration_text, length_text)
                     FROM stg_listings s LEFT JOIN parsed_durations p
                     ON s.duration_text IS NOT DISTINCT FROM p.duration_text
                    AND s.length_text IS NOT DISTINCT FROM p.length_text''')

Values are factorised (``pandas.factorize``), each distinct value is parsed once (the parsers also keep an
LRU cache across calls), and each output column is built with one ``numpy.take``: the cost is per distinct
value, not per row. Output strings are plain ``object`` columns (``None`` for missing) so DuckDB scans them
with any pandas string default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.normalise.credits import ects_from_hours, ects_in_text, hours_from_ects, parse_credits, parse_ects
from pipeline.normalise.countries import parse_country
from pipeline.normalise.dates import parse_date
from pipeline.normalise.durations import parse_duration
from pipeline.normalise.languages import parse_language
from pipeline.normalise.levels import audience_levels, parse_eqf, parse_level
from pipeline.normalise.organisations import resolve_organisation
from pipeline.normalise.prices import parse_price
from pipeline.normalise.recognition import parse_recognition
from pipeline.normalise.vocab import classify

F, S, B, I, L = "float", "str", "bool", "int", "list"  # output column types


@dataclass(frozen=True)
class Kind:
    """One parser as the frame layer sees it: its inputs, its options, and its flat output columns."""

    name: str
    parse: Callable[..., Any]
    columns: tuple[tuple[str, str, Callable[[Any], Any]], ...]  # (output name, type, getter)
    inputs: int = 1


def _offers(r):
    return [o.as_dict() for o in r.offers] or None


def _primary(attr):
    def get(r):
        p = r.primary
        return None if p is None else getattr(p, attr)

    return get


KINDS: dict[str, Kind] = {
    "duration": Kind(
        "duration",
        parse_duration,
        (
            ("duration_hours", F, lambda r: r.hours),
            ("duration_hours_min", F, lambda r: r.hours_min),
            ("duration_hours_max", F, lambda r: r.hours_max),
            ("duration_hours_per_week", F, lambda r: r.hours_per_week),
            ("duration_rule", S, lambda r: r.rule),
            ("length_weeks", F, lambda r: r.weeks),
            ("length_days", F, lambda r: r.days),
            ("duration_estimated", B, lambda r: r.estimated),
            ("duration_note", S, lambda r: r.note),
            ("duration_reason", S, lambda r: r.reason),
            # the one ECTS estimate from workload (credits.ects_from_hours): labelled derived wherever it is used
            ("ects_estimate", F, lambda r: ects_from_hours(r.hours).ects),
            ("ects_estimate_max", F, lambda r: ects_from_hours(r.hours).ects_max),
            ("ects_estimate_rule", S, lambda r: ects_from_hours(r.hours).note),
        ),
        inputs=2,
    ),
    "price": Kind(
        "price",
        parse_price,
        (
            ("cost_kind", S, _primary("kind")),
            ("cost_amount", F, _primary("amount")),
            ("cost_currency", S, _primary("currency")),
            ("cost_period", S, _primary("period")),
            ("cost_offers", L, _offers),
            ("price_note", S, lambda r: r.note),
            ("price_reason", S, lambda r: r.reason),
        ),
    ),
    "level": Kind("level", parse_level, (("level", S, lambda r: r.level), ("level_reason", S, lambda r: r.reason))),
    "eqf": Kind("eqf", parse_eqf, (
        ("eqf_level", I, lambda r: r.eqf),
        ("eqf_stated", B, lambda r: r.stated),
        ("eqf_rule", S, lambda r: r.note),
        ("eqf_framework", S, lambda r: r.framework),
        ("eqf_reason", S, lambda r: r.reason),
    )),
    "audience": Kind("audience", audience_levels, (("audience_level", L, lambda r: list(r) or None),)),
    "ects": Kind(
        "ects",
        parse_ects,
        (("ects_stated", F, lambda r: r.ects), ("ects_reason", S, lambda r: r.reason)),
    ),
    "credits": Kind(
        "credits",
        parse_credits,
        (
            ("credits", L, lambda r: [c.as_dict() for c in r.credits] or None),
            ("credit_system", S, lambda r: r.system),
            ("credits_ects", F, lambda r: r.ects),
            ("credits_ects_stated", B, lambda r: r.ects_stated),
            ("credits_ects_rule", S, lambda r: r.ects_rule),
            ("credits_hours", F, lambda r: r.hours if r.hours is not None else hours_from_ects(r.ects)[0]),
            ("credits_hours_stated", B, lambda r: r.hours_stated),
            ("credits_hours_rule", S, lambda r: r.hours_rule if r.hours is not None else hours_from_ects(r.ects)[1]),
            ("credits_reason", S, lambda r: r.reason),
        ),
    ),
    "text_ects": Kind(
        "text_ects",
        ects_in_text,
        (
            ("text_ects", F, lambda r: r.ects),
            ("text_ects_hours", F, lambda r: hours_from_ects(r.ects)[0]),
            ("text_ects_hours_rule", S, lambda r: hours_from_ects(r.ects)[1]),
        ),
    ),
    "recognition": Kind(
        "recognition",
        parse_recognition,
        (
            ("recognition_bodies", L, lambda r: list(r.bodies) or None),
            ("recognition_quality_assurance", S, lambda r: r.quality_assurance),
            ("recognition_rule", S, lambda r: r.rule),
            ("recognition_reason", S, lambda r: r.reason),
        ),
    ),
    "language": Kind(
        "language",
        parse_language,
        (
            ("language", S, lambda r: r.tag),
            ("languages", L, lambda r: list(r.tags) or None),
            ("language_reason", S, lambda r: r.reason),
        ),
    ),
    "date": Kind(
        "date",
        parse_date,
        (
            ("date_utc", S, lambda r: r.iso),
            ("date_only", B, lambda r: r.date_only),
            ("date_reason", S, lambda r: r.reason),
        ),
    ),
    "organisation": Kind(
        "organisation",
        resolve_organisation,
        (
            ("organisation_name", S, lambda r: r.name),
            ("organisation_key", S, lambda r: r.key),
            ("organisation_country", S, lambda r: r.country),
            ("organisation_known", B, lambda r: r.known),
            ("organisation_members", L, lambda r: list(r.members) or None),
            ("organisation_reason", S, lambda r: r.reason),
        ),
    ),
    "country": Kind(
        "country", parse_country, (("issuer_country", S, lambda r: r.code), ("country_reason", S, lambda r: r.reason))
    ),
}
for _vocab in ("participation", "pacing", "assessment", "supervision", "quality_assurance", "stackability",
               "credential_type"):
    KINDS[_vocab] = Kind(
        _vocab,
        (lambda v: lambda text: classify(v, text))(_vocab),
        (
            (_vocab, S, lambda r: r.value),
            (f"{_vocab}_values", L, lambda r: list(r.values) or None),
            (f"{_vocab}_reason", S, lambda r: r.reason),
        ),
    )

# Default raw input column(s) of normalise_frame for each kind (the raw text stays beside the parsed columns).
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation",),
    "country": ("country_text",),
    "duration": ("duration_text", "length_text"),
    "price": ("price_text",),
    "level": ("level_text",),
    "eqf": ("eqf_text",),
    "ects": ("ects_text",),
    "credits": ("credits_text",),
    "text_ects": ("description",),
    "audience": ("level_text",),
    "recognition": ("recognition",),
    "language": ("language_text",),
    "date": ("date_text",),
    "participation": ("participation_text",),
    "pacing": ("pacing_text",),
    "assessment": ("assessment_text",),
    "supervision": ("supervision_text",),
    "quality_assurance": ("quality_assurance_text",),
    "stackability": ("stackability_text",),
    "credential_type": ("credential_type_text",),
}


def _factorize(columns: Sequence[pd.Series]) -> tuple[np.ndarray, list[tuple]]:
    """Row codes and the distinct tuples of raw values (``None`` for missing) over one or more columns."""
    codes, uniques = pd.factorize(columns[0], use_na_sentinel=True)
    if len(columns) == 1:
        values = [(None if _isna(u) else u,) for u in uniques]
        values.append((None,))
        return np.where(codes < 0, len(uniques), codes), values
    parts = [(codes, list(uniques))]
    for col in columns[1:]:
        c, u = pd.factorize(col, use_na_sentinel=True)
        parts.append((c, list(u)))
    combined = np.zeros(len(codes), dtype=np.int64)
    for c, u in parts:
        combined = combined * (len(u) + 1) + np.where(c < 0, len(u), c)
    row_codes, first = pd.factorize(combined)
    # decode each distinct combined code back to its tuple of raw values
    decoded = []
    for code in first:
        values = []
        for _, u in reversed(parts):
            base = len(u) + 1
            code, idx = divmod(int(code), base)
            values.append(None if idx == len(u) or _isna(u[idx]) else u[idx])
        decoded.append(tuple(reversed(values)))
    return row_codes, decoded


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA


def _column(values: list, kind: str, codes: np.ndarray):
    if kind == F:
        arr = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        return arr.take(codes)
    if kind == B:
        return np.array([bool(v) for v in values], dtype=bool).take(codes)
    if kind == I:
        return pd.array(values, dtype="Int16").take(codes)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    # an explicit object Series: pandas 3 would otherwise infer its "str" dtype and turn None into NaN
    return pd.Series(arr.take(codes), dtype=object, copy=False)


def _apply(kind: Kind, columns: Sequence[pd.Series], options: dict | None, prefix: str = "") -> dict[str, Any]:
    codes, distinct = _factorize(columns)
    opts = options or {}
    results = [kind.parse(*vals, **opts) for vals in distinct]
    out = {}
    for name, typ, get in kind.columns:
        out[prefix + name] = _column([get(r) for r in results], typ, codes)
    return out


def parse_distinct(kind: str, values, **options) -> pd.DataFrame:
    """Parse distinct raw values of one kind; returns the raw column(s) followed by the parsed columns.

    ``values`` is a Series (or list) of raw values, or a DataFrame whose columns are the parser's
    positional inputs (``duration``: effort text, then length text). ``options`` go to the parser
    (``unit="minutes"`` for durations, ``currency="EUR"`` for prices, ``dayfirst=True`` for dates).
    Duplicates are allowed (each distinct value is still parsed once) and kept in input order.
    """
    k = KINDS[kind]
    if isinstance(values, pd.DataFrame):
        cols = [values[c].reset_index(drop=True) for c in values.columns[: k.inputs]]
    else:
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        cols = [series.rename(series.name or "raw").reset_index(drop=True)]
    data: dict[str, Any] = {c.name: pd.Series(_as_object(c), dtype=object) for c in cols}
    for name, col in _apply(k, cols, options).items():
        data[name] = col
    return pd.DataFrame(data)


def _as_object(series: pd.Series) -> np.ndarray:
    arr = np.empty(len(series), dtype=object)
    arr[:] = [None if _isna(v) else v for v in series.tolist()]
    return arr


def _with_object_strings(df: pd.DataFrame, *kinds: Kind) -> pd.DataFrame:
    # pandas 3 may infer its "str" dtype for object arrays: keep strings as object for DuckDB's scanner.
    for k in kinds:
        for name, typ, _ in k.columns:
            if typ in (S, L) and name in df.columns and df[name].dtype != object:
                df[name] = pd.Series(_as_object(df[name]), index=df.index, dtype=object)
    return df


def normalise_frame(
    df: pd.DataFrame,
    *,
    columns: dict[str, tuple[str, ...] | str] | None = None,
    options: dict[str, dict] | None = None,
    ects: bool = True,
) -> pd.DataFrame:
    """Return ``df`` with parsed columns added for every kind whose raw input column is present.

    ``columns`` overrides :data:`INPUT_COLUMNS` per kind (e.g. ``{"date": "source_modified_text"}``);
    ``options`` passes parser options per kind (e.g. ``{"duration": {"unit": "minutes"}}``) and applies to
    the whole frame, so call it per source when sources differ.

    With ``ects`` (default), ``ects`` / ``ects_estimated`` are filled: the stated ECTS where an ``ects_text``
    column states one, else an estimate from ``duration_hours`` at 1 ECTS = 30 h (``ects_estimated`` True,
    ``ects_max`` at 25 h), else missing.
    """
    mapping = dict(INPUT_COLUMNS)
    for k, v in (columns or {}).items():
        mapping[k] = (v,) if isinstance(v, str) else tuple(v)
    options = options or {}
    out = df.copy()
    new: dict[str, Any] = {}
    used: list[Kind] = []
    for name, cols in mapping.items():
        present = [c for c in cols if c in df.columns]
        if not present or present[0] != cols[0]:
            continue
        kind = KINDS[name]
        new.update(_apply(kind, [df[c] for c in present], options.get(name)))
        used.append(kind)
    for name, col in new.items():
        out[name] = col.set_axis(out.index) if isinstance(col, pd.Series) else col
    if ects and "ects_estimate" in out.columns:
        estimate = out["ects_estimate"].to_numpy(dtype=np.float64, na_value=np.nan)
        stated = out["ects_stated"].to_numpy(dtype=np.float64, na_value=np.nan) if "ects_stated" in out else None
        if stated is not None:
            out["ects"] = np.where(np.isnan(stated), estimate, stated)
            out["ects_estimated"] = np.isnan(stated) & ~np.isnan(estimate)
        else:
            out["ects"] = estimate
            out["ects_estimated"] = ~np.isnan(estimate)
        out["ects_max"] = np.where(out["ects_estimated"], out["ects_estimate_max"].to_numpy(dtype=np.float64),
                                   out["ects"])
    return _with_object_strings(out, *used)
