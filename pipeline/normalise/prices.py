"""Prices: the text providers publish -> a tuple of offers (kind, amount, ISO 4217 currency, period).

Kinds (:data:`KINDS`, the `cost_kind` vocabulary): free, audit, certificate_fee, subscription, programme_fee, exam_fee, unknown.

Accepted: ``$49``, ``USD 49.00``, ``49 €``, ``49,90 €``, ``£1,299``, ``1.299,00 EUR``, ``₹ 3,499``,
``Free``, ``Free (audit)``, ``Free to audit; certificate $99``, ``$59/month``, ``FREE-Add a Verified Certificate
for $49 USD`` (edX), ``Kostenlos``, ``gratuit``, ``Paid`` (kind unknown, no amount), ``Exam fee`` (a kind and
no amount), and a bare number with a ``currency=`` hint (Udemy's ``200``).

Rules (also in ``docs/normalisation.md``):

- the text is split into clauses at ``;``, ``|``, `` + ``, `` or `` and line breaks; each clause's keywords
  give the kind of its amounts: subscription (``/month``, ``per year``, ``subscription``) > exam_fee >
  programme_fee (programme, Specialization, MicroMasters, degree) > certificate_fee (certificate, verified,
  upgrade) > ``default_kind`` (``unknown``);
- an amount of 0 or a "free" word is a ``free`` offer; it becomes ``audit`` when the clause says audit, or
  when the same text also sells a certificate (edX's "FREE-Add a Verified Certificate": the free track is an
  audit track);
- ``$`` alone is read as USD (``C$``/``CA$``, ``A$``/``AU$``, ``NZ$``, ``HK$``, ``S$``, ``R$``, ``MX$`` are
  not); ``kr`` is ambiguous and gives no currency; an amount with no currency takes ``currency=``;
- numbers followed by a time unit (``7-day trial``, ``3 months``) or ``%`` are not amounts; when any amount
  has a currency, amounts without one are ignored;
- :attr:`PriceResult.primary` is the first paid offer with an amount (the price of the credential), else a paid
  offer with no amount (its price unknown, never the audit's 0), else the first offer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, parse_number, to_text

KINDS = ("free", "audit", "certificate_fee", "subscription", "programme_fee", "exam_fee", "unknown")
PAID_KINDS = ("certificate_fee", "subscription", "programme_fee", "exam_fee", "unknown")
MAX_AMOUNT = 10_000_000.0

# Symbols and words -> ISO 4217. Longest first in the regex. None = ambiguous.
_SYMBOLS: dict[str, str | None] = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD",
    "S$": "SGD", "SG$": "SGD", "R$": "BRL", "MX$": "MXN", "CN¥": "CNY", "JP¥": "JPY", "€": "EUR", "£": "GBP",
    "¥": "JPY", "￥": "JPY", "元": "CNY", "₹": "INR", "Rs.": "INR", "Rs": "INR", "₩": "KRW", "₽": "RUB",
    "₺": "TRY", "₪": "ILS", "₫": "VND", "₱": "PHP", "₦": "NGN", "₴": "UAH", "฿": "THB", "zł": "PLN",
    "Kč": "CZK", "Fr.": "CHF", "kr": None, "kr.": None, "$": "USD", "RMB": "CNY",
}
_WORDS: dict[str, str] = {
    "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "us dollars": "USD", "pound": "GBP",
    "pounds": "GBP", "rupee": "INR", "rupees": "INR", "yen": "JPY", "yuan": "CNY", "franken": "CHF",
}
_SYM_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_WORD_RE = "|".join(sorted(_WORDS, key=len, reverse=True))
_CUR = rf"(?:{_SYM_RE}|(?<![A-Za-z])[A-Za-z]{{3}}(?![A-Za-z])|\b(?i:{_WORD_RE})\b)"
_NUM = r"(?:\d{1,3}(?:[,.'’]\d{3})+(?:[.,]\d{1,2})?|\d{1,9}(?:[.,]\d{1,2})?)(?![\d])"
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CUR})\s?)?(?P<num>{_NUM})(?:[.,]-)?(?:\s?(?P<post>{_CUR}))?"
)
_NOT_AMOUNT = re.compile(
    r"\s?-?\s?(?:%|percent|days?|weeks?|months?|years?|hours?|hrs?|mins?|minutes?|tage?|wochen?|monate?|jahre?|"
    r"stunden?|jours?|semaines?|mois|ans?|dias?|semanas?|meses|anos?|courses?|modules?|ects|credits?)\b"
)
_SPLIT = re.compile(r"\s*(?:;|\||\s\+\s|\bor\b|\boder\b|\bou\b|\n)\s*")
_PERIOD = re.compile(
    r"(?:/\s?|\bper\s|\ba\s|\bpro\s|\bpar\s|\bal\s)(?P<p>mo|mth|month|monat|mois|mes|yr|year|jahr|an|ano|week|woche)\b"
    r"|\b(?P<w>monthly|yearly|annually|annual|monatlich|mensuel|mensual|weekly)\b"
)
_SUBSCRIPTION = re.compile(r"\b(?:subscription|subscribe|abo|abonnement|suscripcion|membership|coursera plus)\b")
_EXAM = re.compile(r"\b(?:exam|exams|prufung|prufungsgebuhr|examen|esame|voucher|proctored|test fee|"
                   r"assessment ?fees?|standalone ?assessment)\b")  # CTDL directCostType AssessmentFee
_PROGRAMME = re.compile(
    r"\b(?:program|programme|programm|programa|specialization|specialisation|micromasters|microbachelors|"
    r"degree|nanodegree|expert ?track|bundle|full (?:program|programme|track|course series)|tuition(?: ?fees?)?|"
    r"studiengebuhren?|frais de scolarite)\b"
)
_CERT = re.compile(
    r"(?:certificat|zertifikat|certificado|certificato|\bverified\b|\bupgrade\b|statement of accomplishment|"
    r"record of achievement|\bbadge\b|leistungsnachweis)"
)
_AUDIT = re.compile(r"\b(?:audit|auditing|gasthorer|auditar|auditeur|oyente)\b")
_FREE = re.compile(
    r"\b(?:free|gratis|kostenlos|kostenfrei|gebuhrenfrei|gratuit|gratuite|gratuito|gratuita|no cost|no charge|"
    r"ohne kosten|sin costo|sans frais|complimentary|free of charge)\b"
)
_TRIAL = re.compile(r"\b(?:trial|probemonat|testphase|essai|prueba)\b")
_PAID = re.compile(r"\b(?:paid|kostenpflichtig|payant|de pago|a pagamento)\b")
_FEE = re.compile(r"\b(?:fee|fees|price|gebuhr|gebuhren|frais|tarifa|costo)\b")  # with a kind: "Exam fee"
_PERIOD_NAMES = {
    "mo": "month", "mth": "month", "month": "month", "monat": "month", "mois": "month", "mes": "month",
    "monthly": "month", "monatlich": "month", "mensuel": "month", "mensual": "month", "yr": "year",
    "year": "year", "jahr": "year", "an": "year", "ano": "year", "yearly": "year", "annually": "year",
    "annual": "year", "week": "week", "woche": "week", "weekly": "week",
}


def _iso_codes() -> frozenset[str]:
    try:
        from babel.numbers import list_currencies

        return frozenset(list_currencies())
    except Exception:  # noqa: BLE001 - babel missing: fall back to the common codes
        return frozenset(
            "USD EUR GBP JPY CNY INR CAD AUD NZD CHF SEK NOK DKK PLN CZK HUF RUB TRY BRL MXN ARS CLP COP PEN "
            "ZAR NGN KES EGP AED SAR ILS SGD HKD KRW TWD THB VND PHP IDR MYR PKR BDT UAH RON BGN".split()
        )


ISO_4217 = _iso_codes()


@dataclass(frozen=True, slots=True)
class Offer:
    kind: str
    amount: float | None = None
    currency: str | None = None
    period: str | None = None  # "month", "year" or "week" for subscriptions

    def as_dict(self) -> dict:
        return {"kind": self.kind, "amount": self.amount, "currency": self.currency, "period": self.period}


@dataclass(frozen=True, slots=True)
class PriceResult:
    raw: str | None
    offers: tuple[Offer, ...] = ()
    note: str | None = None
    reason: str | None = None

    @property
    def primary(self) -> Offer | None:
        """The first paid offer with an amount (what the credential costs), else a paid offer whose amount is
        not stated (so an unknown price is never the free audit's 0), else the first offer."""
        for o in self.offers:
            if o.kind in PAID_KINDS and o.amount is not None and o.amount > 0:
                return o
        for o in self.offers:
            if o.kind in PAID_KINDS and o.amount is None:
                return o
        return self.offers[0] if self.offers else None


def _currency(token: str | None) -> tuple[str | None, bool]:
    """(ISO code or None, recognised) for a currency token."""
    if token is None:
        return None, False
    if token in _SYMBOLS:
        return _SYMBOLS[token], True
    low = token.lower()
    if low in _WORDS:
        return _WORDS[low], True
    up = token.upper()
    if len(token) == 3 and up in ISO_4217 and (token.isupper() or up in _COMMON_LOWER):
        return up, True
    return None, False


_COMMON_LOWER = frozenset({"USD", "EUR", "GBP", "INR", "CHF", "CAD", "AUD", "JPY", "CNY"})


def _kind_of(clause_folded: str) -> str | None:
    if _SUBSCRIPTION.search(clause_folded) or _PERIOD.search(clause_folded):
        return "subscription"
    if _EXAM.search(clause_folded):
        return "exam_fee"
    if _PROGRAMME.search(clause_folded):
        return "programme_fee"
    if _CERT.search(clause_folded):
        return "certificate_fee"
    return None


def _amounts(clause: str, hint: str | None):
    """[(amount, currency, has_currency)] in a clause of cleaned (not folded) text."""
    out = []
    for m in _AMOUNT.finditer(clause):
        pre, post = m.group("pre"), m.group("post")
        cur_pre, ok_pre = _currency(pre)
        cur_post, ok_post = _currency(post)
        if not (ok_pre or ok_post) and _NOT_AMOUNT.match(clause, m.end("num")):
            continue
        value = parse_number(m.group("num"), dot_groups_of_three=True)
        if value is None or not math.isfinite(value):
            continue
        has_cur = ok_pre or ok_post
        currency = cur_pre if ok_pre and cur_pre else (cur_post if ok_post else None)
        if ok_pre and ok_post and cur_pre and cur_post and cur_pre != cur_post and pre == "$":
            currency = cur_post  # "$49 CAD"
        if not has_cur:
            currency = hint
        out.append((value, currency, has_cur, (ok_pre and _SYMBOLS.get(pre, "") is None)
                    or (ok_post and _SYMBOLS.get(post, "") is None)))
    return out


@lru_cache(maxsize=65536)
def _parse(raw: str, currency_hint: str | None, default_kind: str) -> PriceResult:
    text = clean(raw)
    if not text:
        return PriceResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return PriceResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    clauses = [c for c in _SPLIT.split(text) if c]
    whole = fold(text)
    sells_certificate = bool(_CERT.search(whole)) and bool(_AMOUNT.search(text))
    offers: list[Offer] = []
    notes: list[str] = []
    parsed = [(c, fold(c), _amounts(c, currency_hint)) for c in clauses]
    any_currency = any(a[2] for _, _, amounts in parsed for a in amounts)
    for _clause, folded, amounts in parsed:
        if any_currency:
            amounts = [a for a in amounts if a[2]]
        kind = _kind_of(folded)
        is_free = bool(_FREE.search(folded))
        is_audit = bool(_AUDIT.search(folded))
        emitted_free = False
        start = len(offers)
        for value, cur, _, ambiguous in amounts:
            if value > MAX_AMOUNT:
                return PriceResult(raw, reason=f"out_of_range: amount above {MAX_AMOUNT:g}")
            if ambiguous:
                notes.append("ambiguous currency symbol (kr)")
            if value == 0:
                offers.append(Offer("audit" if is_audit else "free", 0.0, cur))
                emitted_free = True
                continue
            k = kind or default_kind
            period = None
            if k == "subscription":
                pm = _PERIOD.search(folded)
                if pm:
                    period = _PERIOD_NAMES.get(pm.group("p") or pm.group("w"))
            offers.append(Offer(k, value, cur, period))
        if is_free and not is_audit and _TRIAL.search(folded):
            notes.append("free trial is not a free offer")
            is_free = False
        if (is_free or is_audit) and not emitted_free:
            free_kind = "audit" if is_audit or (sells_certificate and is_free) else "free"
            offers.insert(start, Offer(free_kind, 0.0, None))
        elif not amounts and (_PAID.search(folded) or (kind and _FEE.search(folded))):
            offers.append(Offer(kind or default_kind, None, None))
            notes.append("paid, amount not stated")
    if not offers:
        return PriceResult(raw, reason="unparsed: no amount and no free/paid statement")
    if any(o.currency == "USD" for o in offers) and "$" in text and "USD" not in text.upper().replace("US$", "USD"):
        notes.append("$ read as USD")
    seen = set()
    unique = []
    for o in offers:
        if o not in seen:
            seen.add(o)
            unique.append(o)
    return PriceResult(raw, tuple(unique), "; ".join(dict.fromkeys(notes)) or None)


def parse_price(text: object, *, currency: str | None = None, default_kind: str = "unknown") -> PriceResult:
    """Parse a published price into offers. Never raises; junk gives no offers and a ``reason``.

    ``currency`` is the ISO 4217 code to assume for amounts that state none (a source-level fact);
    ``default_kind`` the kind for a paid amount whose clause names none (e.g. ``"certificate_fee"`` for a
    field the source documents as the certificate price).
    """
    raw = to_text(text)
    if raw is None:
        return PriceResult(None, reason="missing: no value")
    if default_kind not in KINDS:
        return PriceResult(raw, reason=f"bad_argument: default_kind {default_kind!r}")
    try:
        return _parse(raw, currency.upper() if currency else None, default_kind)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return PriceResult(raw, reason=f"error: {type(exc).__name__}")


# -- the price to EARN the credential -------------------------------------------------------------------------
WEEKS_PER_MONTH = 365.25 / 12 / 7  # as the duration rules count months (docs/normalisation.md)


@dataclass(frozen=True, slots=True)
class PriceToEarn:
    """What a learner pays to hold the credential (not to audit it), in the offers' own currency.

    ``amount`` is ``None`` when it cannot be known (a paid certificate with no amount, a subscription with no
    expected length); 0.0 only when the source says it is free. ``rule`` says how it was obtained;
    ``amount_min`` is a lower bound where only that is known (one subscription period)."""

    amount: float | None
    currency: str | None = None
    rule: str | None = None
    amount_min: float | None = None
    periods: int | None = None
    reason: str | None = None


def _as_offer(o) -> Offer | None:
    if isinstance(o, Offer):
        return o
    if isinstance(o, dict) and o.get("kind") in KINDS:
        amount = o.get("amount")
        return Offer(o["kind"], float(amount) if isinstance(amount, (int, float)) else None, o.get("currency"),
                     o.get("period"))
    return None


def _cheapest(offers: list[Offer]) -> Offer | None:
    priced = [o for o in offers if o.amount is not None]
    return min(priced, key=lambda o: o.amount) if priced else None


def expected_weeks(workload_hours: float | None, hours_per_week: float | None,
                   length_weeks: float | None) -> tuple[float | None, str | None]:
    """Expected calendar weeks to earn it: the stated length, else workload / weekly pace."""
    if length_weeks is not None and length_weeks > 0:
        return length_weeks, "stated length"
    if workload_hours and hours_per_week:
        return workload_hours / hours_per_week, "workload / weekly pace"
    return None, None


def price_to_earn(offers, *, workload_hours: float | None = None, hours_per_week: float | None = None,
                  length_weeks: float | None = None) -> PriceToEarn:
    """The price to earn from every offer (``cost_offers``): the programme fee; else the certificate fee plus
    an exam fee; else a subscription times the periods the expected length needs (rounded up, at least one);
    else a paid offer of unknown kind; 0 when every offer is free (not audit-only); unknown otherwise."""
    items = [x for x in (_as_offer(o) for o in (offers or [])) if x is not None]
    if not items:
        return PriceToEarn(None, reason="missing: no offers")
    by: dict[str, list[Offer]] = {}
    for o in items:
        by.setdefault(o.kind, []).append(o)
    if "programme_fee" in by:
        if (o := _cheapest(by["programme_fee"])) is not None:
            return PriceToEarn(o.amount, o.currency, "programme fee")
        return PriceToEarn(None, reason="unknown: programme fee not stated")
    cert, exam = by.get("certificate_fee", []), by.get("exam_fee", [])
    if cert or exam:
        parts = [p for p in (_cheapest(cert), _cheapest(exam)) if p is not None]
        if len(parts) < bool(cert) + bool(exam):
            named = " and ".join(k for k, v in (("certificate fee", cert), ("exam fee", exam)) if v and not _cheapest(v))
            return PriceToEarn(None, amount_min=sum(p.amount for p in parts) if parts else None,
                               currency=parts[0].currency if parts else None,
                               reason=f"unknown: {named} not stated")
        currencies = {p.currency for p in parts}
        if len(currencies) > 1:
            return PriceToEarn(None, reason="unknown: certificate and exam fees in different currencies")
        rule = " + ".join(n for n, v in (("certificate fee", cert), ("exam fee", exam)) if v)
        return PriceToEarn(sum(p.amount for p in parts), parts[0].currency, rule)
    if "subscription" in by:
        o = _cheapest(by["subscription"])
        if o is None:
            return PriceToEarn(None, reason="unknown: subscription price not stated")
        weeks, how = expected_weeks(workload_hours, hours_per_week, length_weeks)
        period_weeks = {"month": WEEKS_PER_MONTH, "year": 52.1775, "week": 1.0}.get(o.period or "")
        if period_weeks is None:
            return PriceToEarn(None, o.currency, amount_min=o.amount, reason="unknown: subscription period not stated")
        if weeks is None:
            return PriceToEarn(None, o.currency, amount_min=o.amount, periods=None,
                               reason="unknown: subscription, expected length unknown (no length, no weekly pace)")
        periods = max(1, math.ceil(round(weeks / period_weeks, 6)))
        return PriceToEarn(round(o.amount * periods, 2), o.currency,
                           f"subscription {o.amount:g} {o.currency or ''}/{o.period} x {periods} ({how}: "
                           f"{weeks:.1f} weeks)".replace("  ", " "), o.amount, periods)
    if "unknown" in by:
        if (o := _cheapest(by["unknown"])) is not None:
            return PriceToEarn(o.amount, o.currency, "the paid offer (kind not stated)")
        return PriceToEarn(None, reason="unknown: paid, amount not stated")
    if "free" in by:
        return PriceToEarn(0.0, None, "free")
    return PriceToEarn(None, reason="unknown: only an audit track is priced")
