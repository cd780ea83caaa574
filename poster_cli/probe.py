"""`poster-cli doctor --probe`: check, on the user's own account, the Poster behaviours we had to
infer (``docs/poster-assumptions.md``). Each check says ``holds``, ``does not hold`` or
``could not check``, with what it saw.

Read-only by default: a few reads, and a short paced burst of one cheap read. With ``write=True``
it also sets one harmless extras key on one product, reads it back and removes it again (sets it
to an empty string, the only removal the API offers). It never sends an order.

The findings are saved to ``<data>/probe.json`` (no token), so that commands which rely on an
inference can say what the probe found (``mapping pull`` when extras do not come back).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

from poster_cli import __version__
from poster_cli.poster.errors import PosterAuthError, PosterError, PosterRateLimited, PosterTransportError

HOLDS = "holds"
FAILS = "does not hold"
UNKNOWN = "could not check"

PROBE_KEY = "poster_cli_probe"
FINDINGS_FILE = "probe.json"
# The order lookup before a resend reaches this far either side of UTC (orders/send.py).
LOOKUP_REACH = timedelta(hours=14, minutes=30)
BURST_CALLS = 10
BURST_RATE = 5.0  # requests a second: about two seconds in all

CORE_READS = ("access.getSpots", "menu.getCategories", "menu.getProducts", "settings.getCurrency")
OPTIONAL_READS = ("storage.getStorageLeftovers", "incomingOrders.getIncomingOrders", "settings.getAllSettings")


@dataclass
class Finding:
    """One check: ``result`` is HOLDS, FAILS or UNKNOWN; ``assumption`` its id in the document."""

    name: str
    checks: str
    result: str
    detail: str
    assumption: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProbeReport:
    api_url: str
    probed_at: str
    write: bool
    findings: list[Finding]
    version: str = __version__

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.result == FAILS]

    def finding(self, name: str) -> Finding | None:
        return next((f for f in self.findings if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "poster_cli": self.version,
            "api_url": self.api_url,
            "probed_at": self.probed_at,
            "write": self.write,
            "summary": {r: sum(1 for f in self.findings if f.result == r) for r in (HOLDS, FAILS, UNKNOWN)},
            "findings": [
                {
                    "name": f.name,
                    "result": f.result,
                    "assumption": f.assumption,
                    "checks": f.checks,
                    "detail": f.detail,
                    "data": f.data,
                }
                for f in self.findings
            ],
        }


def _refusal(err: Exception) -> str:
    if isinstance(err, PosterError):
        return f"error {err.code}"
    if isinstance(err, PosterTransportError):
        return err.reason
    return type(err).__name__


async def _try(call: Awaitable[Any]) -> tuple[Any, Exception | None]:
    try:
        return await call, None
    except PosterAuthError:
        raise
    except (PosterError, PosterTransportError) as err:
        return None, err


def _poster_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


async def _token_scope(api: Any, now: datetime) -> tuple[Finding, dict[str, Any]]:
    answers: dict[str, Any] = {}
    refused: dict[str, str] = {}
    window = {"date_from": _poster_time(now - timedelta(days=1)), "date_to": _poster_time(now + timedelta(days=1))}
    for method in CORE_READS + OPTIONAL_READS:
        params = window if method == "incomingOrders.getIncomingOrders" else None
        answer, err = await _try(api.call(method, params))
        if isinstance(err, PosterTransportError) and not answers:
            raise err  # Poster cannot be reached at all: nothing can be checked
        if err is None:
            answers[method] = answer
        else:
            refused[method] = _refusal(err)
    core_refused = [m for m in CORE_READS if m in refused]
    allowed = [m for m in CORE_READS + OPTIONAL_READS if m in answers]
    detail = f"may call {', '.join(allowed) or 'nothing'}"
    if refused:
        detail += "; refused " + ", ".join(f"{m} ({why})" for m, why in refused.items())
    finding = Finding(
        "token scope",
        "the token may call every read the tool needs (spots, categories, products, currency), and which "
        "optional ones (stock, online orders, settings)",
        FAILS if core_refused else HOLDS,
        detail,
        data={"allowed": allowed, "refused": refused},
    )
    return finding, answers


def _spots(answers: dict[str, Any], spot_id: int | None) -> Finding:
    checks = "the configured spot_id is one of the account's spots (or the account has exactly one)"
    spots = answers.get("access.getSpots")
    if not isinstance(spots, list):
        return Finding("spots", checks, UNKNOWN, "access.getSpots did not answer")
    ids = [str(s.get("spot_id")) for s in spots if isinstance(s, dict)]
    names = ", ".join(f"{s.get('spot_id')} {s.get('spot_name', '')}".strip() for s in spots if isinstance(s, dict))
    data = {"spot_ids": ids, "configured": spot_id}
    if spot_id is None:
        result = HOLDS if len(ids) == 1 else FAILS
        return Finding("spots", checks, result, f"{len(ids)} spot(s): {names}; no spot_id configured", data=data)
    if str(spot_id) in ids:
        return Finding("spots", checks, HOLDS, f"spot {spot_id} is among {names}", data=data)
    return Finding("spots", checks, FAILS, f"spot {spot_id} is not among {names}", data=data)


def _currency(answers: dict[str, Any]) -> Finding:
    checks = "settings.getCurrency gives an ISO code, which prepaid orders must send as payment.currency"
    cur = answers.get("settings.getCurrency")
    code = str(cur.get("currency_code_iso") or "") if isinstance(cur, dict) else ""
    if not isinstance(cur, dict):
        return Finding("currency", checks, UNKNOWN, "settings.getCurrency did not answer")
    ok = len(code) == 3 and code.isalpha() and code.isupper()
    return Finding("currency", checks, HOLDS if ok else FAILS, f"currency_code_iso {code!r}", data={"iso": code})


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _receipt_offset(receipts: Any) -> tuple[timedelta, str] | None:
    """The offset between a closed receipt's ``date_close_date`` (Poster's ``Y-m-d H:i:s``) and
    its ``date_close`` (unix ms) — the zone Poster writes its times in — and the receipt's id."""
    closed = [
        r
        for r in receipts or []
        if isinstance(r, dict) and str(r.get("date_close") or "0").isdigit() and int(str(r.get("date_close"))) > 0
    ]
    for r in sorted(closed, key=lambda r: int(str(r["date_close"])), reverse=True):
        try:
            written = datetime.strptime(str(r.get("date_close_date")), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        moment = datetime.fromtimestamp(int(str(r["date_close"])) / 1000, timezone.utc).replace(tzinfo=None)
        quarters = round((written - moment).total_seconds() / 900)
        return timedelta(minutes=15 * quarters), str(r.get("transaction_id"))
    return None


async def _time_zone(api: Any, answers: dict[str, Any], now: datetime) -> Finding:
    checks = (
        "Poster writes its Y-m-d H:i:s times in the account's time zone (settings.getAllSettings timezones): "
        "a closed receipt's date_close_date against its date_close, and that the order lookup window "
        "(±14:30 around UTC) covers that zone"
    )
    settings = answers.get("settings.getAllSettings")
    name = str(settings.get("timezones") or "") if isinstance(settings, dict) else ""
    month = {"dateFrom": (now - timedelta(days=30)).strftime("%Y%m%d"), "dateTo": now.strftime("%Y%m%d"), "status": 2}
    receipts, err = await _try(api.call("dash.getTransactions", month))
    seen = _receipt_offset(receipts) if err is None else None
    ours = now.astimezone().utcoffset() or timedelta(0)
    data: dict[str, Any] = {"zone": name or None, "local_offset": _offset_text(ours)}
    if seen is not None:
        data.update(receipt_offset=_offset_text(seen[0]), receipt=seen[1])
    if not name:
        detail = "settings.getAllSettings gave no time zone"
        if seen is not None:
            detail += f"; receipt {seen[1]} was written in {_offset_text(seen[0])}"
        return Finding("time zone", checks, UNKNOWN, detail, "time-zone", data)
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return Finding("time zone", checks, UNKNOWN, f"unknown time zone {name!r}", "time-zone", data)
    theirs = now.astimezone(zone).utcoffset() or timedelta(0)
    hours = (theirs - ours).total_seconds() / 3600
    data.update(account_offset=_offset_text(theirs), hours=hours)
    apart = (
        "the same offset as this machine"
        if not hours
        else f"{abs(hours):g} h {'ahead of' if hours > 0 else 'behind'} this machine"
    )
    detail = f"account {name} ({_offset_text(theirs)}, {apart})"
    if abs(theirs) > LOOKUP_REACH:
        return Finding("time zone", checks, FAILS, detail + ": beyond the order lookup window", "time-zone", data)
    if seen is None:
        why = f"dash.getTransactions refused ({_refusal(err)})" if err is not None else "no closed receipt this month"
        return Finding(
            "time zone", checks, UNKNOWN, detail + f"; {why} to compare Poster's times with", "time-zone", data
        )
    offset, receipt = seen
    closed_at = datetime.fromtimestamp(0, timezone.utc)  # the zone's offset when that receipt closed
    for r in receipts or []:
        if isinstance(r, dict) and str(r.get("transaction_id")) == receipt:
            closed_at = datetime.fromtimestamp(int(str(r["date_close"])) / 1000, timezone.utc)
    expected = closed_at.astimezone(zone).utcoffset() or timedelta(0)
    if offset == expected:
        return Finding(
            "time zone", checks, HOLDS, detail + f"; receipt {receipt} was written in that zone", "time-zone", data
        )
    return Finding(
        "time zone",
        checks,
        FAILS,
        detail + f"; but receipt {receipt} was written in {_offset_text(offset)}, not {_offset_text(expected)}",
        "time-zone",
        data,
    )


async def _own_orders(api: Any, now: datetime) -> Finding:
    checks = "this token may call incomingOrders.getOwnIncomingOrders (else lookups use getIncomingOrders)"
    window = {"date_from": _poster_time(now - timedelta(days=1)), "date_to": _poster_time(now + timedelta(days=1))}
    answer, err = await _try(api.call("incomingOrders.getOwnIncomingOrders", window))
    if err is None:
        count = len(answer) if isinstance(answer, list) else 0
        return Finding(
            "own orders", checks, HOLDS, f"answered ({count} order(s) of this application today)", "own-orders-scope"
        )
    if isinstance(err, PosterError):
        return Finding(
            "own orders",
            checks,
            FAILS,
            f"refused ({_refusal(err)}): order lookups after a lost answer use getIncomingOrders",
            "own-orders-scope",
            {"refused": _refusal(err)},
        )
    return Finding("own orders", checks, UNKNOWN, f"no answer: {_refusal(err)}", "own-orders-scope")


def _extras_seen(answers: dict[str, Any]) -> Finding:
    checks = "menu.getProducts shows product extras (mapping pull reads the links back from them)"
    products = answers.get("menu.getProducts")
    if not isinstance(products, list):
        return Finding("extras", checks, UNKNOWN, "menu.getProducts did not answer", "extras-echo")
    showing = [p for p in products if isinstance(p, dict) and "extras" in p]
    if showing:
        return Finding(
            "extras",
            checks,
            HOLDS,
            f"{len(showing)} of {len(products)} products show an extras field",
            "extras-echo",
            {"products_with_extras": len(showing)},
        )
    return Finding(
        "extras",
        checks,
        UNKNOWN,
        f"none of {len(products)} products shows extras: nothing stored yet, or the account does not return "
        "them; --write checks",
        "extras-echo",
        {"products_with_extras": 0},
    )


async def _rate_limit(make_burst_client: Callable[[], Any], calls: int, rate: float) -> Finding:
    checks = f"{calls} reads paced at {rate:g}/s answer without error 700 (the limit is not published)"
    answered = 0
    limited_at: int | None = None
    started = time.monotonic()
    async with make_burst_client() as burst:
        for i in range(calls):
            try:
                await burst.call("access.getSpots")
                answered += 1
            except PosterRateLimited:
                limited_at = i + 1
                break
            except PosterAuthError:
                raise
            except (PosterError, PosterTransportError) as err:
                return Finding("rate limit", checks, UNKNOWN, f"call {i + 1} failed: {_refusal(err)}", "rate-limit")
    took = time.monotonic() - started
    data = {"calls": calls, "rate": rate, "answered": answered, "seconds": round(took, 2)}
    if limited_at is not None:
        detail = f"error 700 at call {limited_at} of {calls} at {rate:g}/s: set rate_limit below {rate:g}"
        return Finding("rate limit", checks, FAILS, detail, "rate-limit", {**data, "limited_at": limited_at})
    detail = f"{answered} calls in {took:.1f} s without error 700: at least {rate:g} requests/s of headroom"
    return Finding("rate limit", checks, HOLDS, detail, "rate-limit", data)


def _pick_product(answers: dict[str, Any]) -> dict[str, Any] | None:
    products = [p for p in answers.get("menu.getProducts") or [] if isinstance(p, dict)]
    visible = [p for p in products if str(p.get("hidden", "0")) != "1"]
    pool = visible or products
    return min(pool, key=lambda p: int(str(p.get("product_id") or 0)), default=None) if pool else None


def _extras_of(product: Any) -> dict[str, Any] | None:
    extras = product.get("extras") if isinstance(product, dict) else None
    return extras if isinstance(extras, dict) else None


async def _extras_write(api: Any, answers: dict[str, Any], stamp: str) -> list[Finding]:
    checks = "a key set with application.setEntityExtras on one product comes back in menu.getProduct"
    merge_checks = "setting one key keeps the product's other extras (the push sends both of its keys anyway)"
    product = _pick_product(answers)
    if product is None:
        return [Finding("extras write", checks, UNKNOWN, "no product to try it on", "extras-echo")]
    pid = int(str(product["product_id"]))
    before, err = await _try(api.call("menu.getProduct", {"product_id": pid}))
    if err is not None:
        return [Finding("extras write", checks, UNKNOWN, f"menu.getProduct refused ({_refusal(err)})", "extras-echo")]
    had = {k: v for k, v in (_extras_of(before) or {}).items() if k != PROBE_KEY}  # a past probe's empty key aside
    body = {"entity_type": "product", "entity_id": pid, "extras": {PROBE_KEY: stamp}}
    _, err = await _try(api.call("application.setEntityExtras", body=body, idempotent=True))
    if err is not None:
        return [
            Finding(
                "extras write",
                checks,
                UNKNOWN,
                f"application.setEntityExtras refused ({_refusal(err)}): mapping push cannot work with this token",
                "extras-echo",
                {"product_id": pid},
            )
        ]
    after, err = await _try(api.call("menu.getProduct", {"product_id": pid}))
    shown = _extras_of(after) if err is None else None
    back = bool(shown) and str(shown.get(PROBE_KEY)) == stamp  # type: ignore[union-attr]
    # remove it again: the API has no delete, an empty value is the documented way to clear
    clear = {"entity_type": "product", "entity_id": pid, "extras": {PROBE_KEY: ""}}
    _, clear_err = await _try(api.call("application.setEntityExtras", body=clear, idempotent=True))
    removed = "removed again" if clear_err is None else f"NOT removed ({_refusal(clear_err)}): key {PROBE_KEY} is left"
    data = {"product_id": pid, "key": PROBE_KEY, "came_back": back, "removed": clear_err is None}
    findings = [
        Finding(
            "extras write",
            checks,
            HOLDS if back else FAILS,
            f"product {pid}: key {PROBE_KEY} "
            + ("came back" if back else "was accepted but menu.getProduct does not show it; mapping pull cannot work")
            + f"; {removed}",
            "extras-echo",
            data,
        )
    ]
    if back and had:
        kept = all(str(shown.get(k)) == str(v) for k, v in had.items())  # type: ignore[union-attr]
        findings.append(
            Finding(
                "extras merge",
                merge_checks,
                HOLDS if kept else FAILS,
                f"product {pid}: its other {len(had)} key(s) " + ("were kept" if kept else "were dropped"),
                "extras-merge",
                {"product_id": pid, "kept": kept},
            )
        )
    elif back:
        findings.append(
            Finding("extras merge", merge_checks, UNKNOWN, f"product {pid} had no other keys", "extras-merge")
        )
    return findings


async def run_probe(
    api: Any,
    make_burst_client: Callable[[], Any],
    *,
    api_url: str,
    spot_id: int | None,
    write: bool = False,
    burst_calls: int = BURST_CALLS,
    burst_rate: float = BURST_RATE,
    now: datetime | None = None,
) -> ProbeReport:
    """Run every check against ``api`` (a PosterClient); ``make_burst_client`` gives a client with
    no retries, paced at ``burst_rate``, for the rate-limit burst. A refused token raises
    :class:`PosterAuthError`, an unreachable API :class:`PosterTransportError` (nothing could be
    checked)."""
    moment = now or datetime.now(timezone.utc)
    scope, answers = await _token_scope(api, moment)
    findings = [scope, _spots(answers, spot_id), _currency(answers), await _time_zone(api, answers, moment)]
    findings.append(await _own_orders(api, moment))
    findings.append(_extras_seen(answers))
    findings.append(await _rate_limit(make_burst_client, max(1, min(burst_calls, 30)), max(0.5, min(burst_rate, 10))))
    if write:
        findings += await _extras_write(api, answers, moment.strftime("%Y%m%dT%H%M%SZ"))
        written = next(f for f in findings if f.name == "extras write")
        seen = next(f for f in findings if f.name == "extras")
        if seen.result == UNKNOWN and written.result in (HOLDS, FAILS):
            seen.result = written.result
            seen.detail += f"; the write check says it {written.result}"
    return ProbeReport(api_url=api_url, probed_at=moment.isoformat(timespec="seconds"), write=write, findings=findings)


def save_findings(report: ProbeReport, data_dir: Path) -> Path:
    """Keep the report in ``<data>/probe.json`` for the commands that rely on an inference."""
    from poster_cli.config import write_atomic

    path = data_dir / FINDINGS_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return path


def extras_note(data_dir: Path) -> str:
    """What the last probe found about extras, as a phrase ('' when it found nothing against them)."""
    try:
        saved = json.loads((data_dir / FINDINGS_FILE).read_text("utf-8"))
        findings = {f["name"]: f for f in saved["findings"]}
        extras = findings.get("extras") or {}
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    if extras.get("result") != FAILS:
        return ""
    return f"`doctor --probe --write` on {str(saved.get('probed_at', ''))[:10]} found it does not"
