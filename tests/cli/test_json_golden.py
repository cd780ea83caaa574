"""Golden files for the ``--json`` output of every reporting command: the machine contract scripts
rely on. Each story runs real commands against the in-process sandbox with fixed inputs and
compares each document with ``tests/golden/<name>.json`` after :func:`normalise`.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/cli/test_json_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

from tests.support.cli import PHONE
from tests.support.paths import GOLDEN

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# Fields that change from run to run, and nothing else: clock readings, and what is derived from
# them (the webhook signature covers the event time; snapshot archives are named by time).
TIME_KEYS = {
    "pulled_at",
    "previous_pulled_at",
    "created_at",
    "updated_at",
    "received_at",
    "processed_at",
    "time",
    "sent_at",
    "accepted_at",
    "closed_at",
    "attempted_at",
}
DERIVED_KEYS = {"verify"}
ARCHIVE_NAME = re.compile(r"menu-\d{8}T\d{6,12}Z\.json")


def normalise(doc: Any, tmp_root: Path) -> Any:
    """The document with volatile values replaced by placeholders: temp paths -> ``<tmp>``,
    clock readings -> ``<time>``, signatures -> ``<signature>``, archive names -> ``menu-<time>.json``."""
    if isinstance(doc, dict):
        out = {}
        for key, value in doc.items():
            if key in TIME_KEYS and value is not None:
                out[key] = "<time>"
            elif key in DERIVED_KEYS and value is not None:
                out[key] = "<signature>"
            else:
                out[key] = normalise(value, tmp_root)
        return out
    if isinstance(doc, list):
        return [normalise(v, tmp_root) for v in doc]
    if isinstance(doc, str):
        return ARCHIVE_NAME.sub("menu-<time>.json", doc.replace(str(tmp_root), "<tmp>"))
    return doc


def check(name: str, result: Any, tmp_root: Path, *, code: int = 0) -> Any:
    """The command exited ``code`` and printed exactly one JSON document equal to the golden file."""
    assert result.exit_code == code, f"{name}: exit {result.exit_code}: {result.stderr}"
    doc = normalise(json.loads(result.stdout), tmp_root)
    path = GOLDEN / f"{name}.json"
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert json.loads(path.read_text(encoding="utf-8")) == doc, (
        f"`{name}` --json differs from {path.name} (UPDATE_GOLDEN=1 to accept)"
    )
    return doc


SITE = "id,name,price,category\nESP,Espresso,45,Coffee\nLAT-L,Latte 400 ml,85,Coffee\nCROIS,Croissant classic,60,Bakery\nGIFT,Gift card,500,Other\n"


def test_menu_commands(cafe: Any, tmp_path: Path) -> None:
    check("pull", cafe.run("pull", "--json"), tmp_path)
    check("doctor", cafe.run("doctor", "--json"), tmp_path)
    check("menu-show", cafe.run("menu", "show", "--search", "Лате", "--json"), tmp_path)
    check("sync-first", cafe.run("sync", "--json"), tmp_path, code=3)  # GIFT is unmatched in the mapping
    (cafe.data_dir / "before.json").write_bytes((cafe.data_dir / "menu.json").read_bytes())
    check("sandbox-trigger", cafe.run("sandbox", "trigger", "product.price", "101", "50", "--json"), tmp_path)
    cafe.sandbox.trigger("product.removed", "102")
    cafe.sandbox.trigger("product.added", "Фільтр кава", "55")
    check("sync-drift", cafe.run("sync", "--json"), tmp_path, code=3)
    diff = cafe.run("menu", "diff", str(cafe.data_dir / "before.json"), str(cafe.data_dir / "menu.json"), "--json")
    check("menu-diff", diff, tmp_path, code=3)
    check("sandbox-faults", cafe.run("sandbox", "faults", "--latency-ms", "0", "--json"), tmp_path)


def test_mapping_commands(cafe: Any, tmp_path: Path) -> None:
    Path("site.csv").write_text(SITE, encoding="utf-8")
    check("match", cafe.run("match", "site.csv", "--mapping", "site.toml", "--json"), tmp_path, code=3)
    check("mapping-show", cafe.run("mapping", "show", "--json"), tmp_path)
    check("mapping-push-dry-run", cafe.run("mapping", "push", "--dry-run", "--json"), tmp_path)
    check("mapping-push", cafe.run("mapping", "push", "--yes", "--json"), tmp_path)
    assert cafe.run("pull").exit_code == 0
    check("mapping-pull", cafe.run("mapping", "pull", "--mapping", "from-extras.toml", "--json"), tmp_path)
    cafe.sandbox.trigger("product.removed", "101")
    assert cafe.run("pull").exit_code == 0
    check("mapping-check", cafe.run("mapping", "check", "--json"), tmp_path, code=3)


BATCH = f"order_id,phone,item,count,paid\nB-1,{PHONE},ESP,2,yes\nB-1,,SYR,1,\nB-2,{PHONE},LAT-L,1,no\nB-3,{PHONE},Expresso,1,\n"


def test_order_commands(cafe: Any, tmp_path: Path) -> None:
    Path("orders.csv").write_text(BATCH, encoding="utf-8")
    send = [
        "order",
        "send",
        "-i",
        "ESP:2",
        "-i",
        "AMER-S",
        "--phone",
        PHONE,
        "--paid",
        "--order-id",
        "W-1",
        "--comment",
        "no sugar",
    ]
    check("order-send-dry-run", cafe.run(*send, "--dry-run", "--json"), tmp_path)
    check("order-send", cafe.run(*send, "--yes", "--json"), tmp_path)
    check("order-batch-dry-run", cafe.run("order", "batch", "orders.csv", "--dry-run", "--json"), tmp_path, code=3)
    check(
        "order-batch", cafe.run("order", "batch", "orders.csv", "--concurrency", "1", "--json"), tmp_path, code=3
    )  # ids in file order
    first = cafe.sandbox.state.doc["orders"][0]["incoming_order_id"]
    cafe.sandbox.trigger("order.accepted", str(first))
    check("order-status", cafe.run("order", "status", "W-1", "--json"), tmp_path)
    check("order-list", cafe.run("order", "list", "--json"), tmp_path)
    for order in cafe.sandbox.state.doc["orders"][1:]:
        cafe.sandbox.trigger("order.declined", str(order["incoming_order_id"]))
    check("order-watch", cafe.run("order", "watch", "--timeout", "5", "--json"), tmp_path, code=3)


def test_webhook_commands(cafe: Any, tmp_path: Path) -> None:
    """`webhooks test` signs an event for a real receiver app (in-process) that asks the sandbox
    about it; then the stored events are listed and replayed."""
    from poster_cli.cli import common
    from poster_cli.webhooks.app import ReceiverConfig, create_app
    from poster_cli.webhooks.processor import EventProcessor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    assert cafe.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "H-1", "--yes").exit_code == 0
    poster_id = cafe.sandbox.state.doc["orders"][0]["incoming_order_id"]
    cafe.sandbox.trigger("order.accepted", str(poster_id))
    data = cafe.data_dir
    processor = EventProcessor(
        cafe.sandbox.client(),
        menu_path=data / "menu.json",
        mapping_path=data / "mapping.toml",
        journal_path=data / "orders.sqlite",
        spot_id=1,
    )
    app = create_app(
        ReceiverConfig(secret=cafe.sandbox.app_secret, store_path=data / "webhooks.sqlite"),
        processor,
        log=lambda _line: None,
    )
    secret = {"POSTER_APP_SECRET": cafe.sandbox.app_secret}
    with TestClient(app) as receiver:
        common.TRANSPORT["sync_transport"] = receiver._transport
        try:
            sent = cafe.run(
                "webhooks",
                "test",
                "--object-id",
                str(poster_id),
                "--account",
                cafe.sandbox.state.doc["account"],
                "--json",
                env=secret,
            )
        finally:
            common.TRANSPORT.pop("sync_transport", None)
        receiver.portal.call(app.state.receiver.idle)
    check("webhooks-test", sent, tmp_path)
    check("webhooks-list", cafe.run("webhooks", "list", "--json"), tmp_path)
    check("webhooks-replay", cafe.run("webhooks", "replay", "--json"), tmp_path)


def test_every_golden_file_is_used() -> None:
    """A golden file nobody checks any more is a stale promise."""
    source = Path(__file__).read_text(encoding="utf-8")
    names = {p.stem for p in GOLDEN.glob("*.json")}
    checked = set(re.findall(r'check\(\s*"([^"]+)"', source))
    unused = names - checked
    assert not unused, f"golden files no test checks: {sorted(unused)}"


def test_normalise_touches_only_volatile_fields(tmp_path: Path) -> None:
    doc = {
        "pulled_at": "2026-01-01T00:00:00+00:00",
        "snapshot": f"{tmp_path}/data/snapshots/menu-20260101T000000123456Z.json",
        "verify": "abc",
        "total": 9000,
        "items": [{"created_at": None, "name": "time"}],
    }
    assert normalise(doc, tmp_path) == {
        "pulled_at": "<time>",
        "snapshot": "<tmp>/data/snapshots/menu-<time>.json",
        "verify": "<signature>",
        "total": 9000,
        "items": [{"created_at": None, "name": "time"}],
    }
