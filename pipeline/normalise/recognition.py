"""Recognition: the bodies other than the awarding body that stand behind a credential, and the type of
quality assurance that follows from their roles.

The feed's ``recognition`` is a JSON list of ``{role, name, id}`` (``spiders/record.py``): CTDL
``accreditedBy``/``approvedBy``/``recognizedBy``/``regulatedBy``, schema.org ``recognizedBy``, Open Badges
endorsements. They are never the awarding body (``organisation``). The type of quality assurance, an EU
2022/C 243/02 element, is derived from the strongest role named:

- ``accredited_by``, ``approved_by``, ``regulated_by`` -> ``external_accreditation``;
- ``recognized_by`` -> ``external_recognition``;
- ``endorsed_by`` -> ``endorsement``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import clean, to_text
from pipeline.normalise.organisations import resolve_organisation

ROLES = ("accredited_by", "approved_by", "regulated_by", "recognized_by", "endorsed_by")
_QA_OF_ROLE = {"accredited_by": "external_accreditation", "approved_by": "external_accreditation",
               "regulated_by": "external_accreditation", "recognized_by": "external_recognition",
               "endorsed_by": "endorsement"}
QA_RANK = ("external_accreditation", "external_recognition", "endorsement")
_ALIASES = {"accreditedby": "accredited_by", "approvedby": "approved_by", "regulatedby": "regulated_by",
            "recognizedby": "recognized_by", "recognisedby": "recognized_by", "recognised_by": "recognized_by",
            "endorsedby": "endorsed_by", "endorsement": "endorsed_by"}


@dataclass(frozen=True, slots=True)
class RecognitionResult:
    raw: str | None
    bodies: tuple[dict, ...] = ()  # {role, name, id, key}: name canonical after alias resolution
    quality_assurance: str | None = None
    rule: str | None = None
    reason: str | None = None


def _role(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("ceterms:", "").replace("-", "_")
    key = _ALIASES.get(key.replace("_", ""), key) if key not in ROLES else key
    return key if key in ROLES else None


@lru_cache(maxsize=16384)
def _parse(raw: str) -> RecognitionResult:
    try:
        items = json.loads(raw)
    except ValueError:
        return RecognitionResult(raw, reason="unparsed: recognition is not JSON")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return RecognitionResult(raw, reason="unparsed: recognition is not a list")
    if not items:
        return RecognitionResult(raw, reason="empty: no recognising body")
    bodies, skipped = [], []
    for item in items:
        role = _role(item.get("role")) if isinstance(item, dict) else None
        name = clean(item["name"]) if role and isinstance(item.get("name"), str) and item["name"].strip() else None
        ident = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        if role is None or not (name or ident):
            skipped.append(str(item)[:80])
            continue
        org = resolve_organisation(name) if name else None
        body = {"role": role, "name": org.name if org else None, "id": ident, "key": org.key if org else None}
        if body not in bodies:
            bodies.append(body)
    if not bodies:
        return RecognitionResult(raw, reason="unparsed: no body with a known role and a name or id")
    roles = {b["role"] for b in bodies}
    qa = next(q for q in QA_RANK if any(_QA_OF_ROLE[r] == q for r in roles))
    strongest = next(r for r in ROLES if r in roles and _QA_OF_ROLE[r] == qa)
    return RecognitionResult(raw, tuple(bodies), qa, f"recognition role {strongest} -> {qa}",
                             f"skipped: {len(skipped)} item(s) without a known role or a name" if skipped else None)


def parse_recognition(value: object) -> RecognitionResult:
    """The recognising bodies (JSON text or a list of ``{role, name, id}``) and the quality assurance type."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    raw = to_text(value)
    if raw is None:
        return RecognitionResult(None, reason="missing: no value")
    try:
        return _parse(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return RecognitionResult(raw, reason=f"error: {type(exc).__name__}")
