"""The webhook receiver: what Poster (or an attacker) gets back, what is stored, what runs.

Signatures here are computed with hashlib straight from the documented formula
(md5 of ``account;object;object_id;action;[data;]time;secret``), not with the code under test.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings

import pytest

from poster_cli.webhooks.app import ReceiverConfig, create_app
from poster_cli.webhooks.events import DeliveryRejected, check_delivery
from poster_cli.webhooks.hook import HookPolicy
from poster_cli.webhooks.processor import Outcome
from poster_cli.webhooks.store import EventStore
from tests.support.webhooks import RecordingProcessor, stored, wait_for

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"


def signed(fields: dict, secret: str = SECRET) -> dict:
    """The event with ``verify`` computed by hand from the documented formula."""
    parts = [fields["account"], fields["object"], str(fields["object_id"]), fields["action"]]
    if "data" in fields:
        parts.append(fields["data"])
    parts += [fields["time"], secret]
    return {**fields, "verify": hashlib.md5(";".join(parts).encode()).hexdigest()}


def order_event(object_id: int = 42, *, action: str = "changed", sent_at: int | None = None) -> dict:
    return signed(
        {
            "account": "api-demo",
            "account_number": "203941",
            "object": "incoming_order",
            "object_id": object_id,
            "action": action,
            "time": str(int(time.time()) if sent_at is None else sent_at),
        }
    )


class Logs(list):
    def __call__(self, line: str) -> None:
        self.append(line)


@pytest.fixture
def receiver(tmp_path):
    """Start a receiver (in-process, lifespan running); returns (client, processor, logs, db path)."""
    running = []

    def start(processor=None, **config):
        processor = processor or RecordingProcessor()
        logs = Logs()
        db = tmp_path / "webhooks.sqlite"
        app = create_app(ReceiverConfig(secret=SECRET, store_path=db, **config), processor, log=logs)
        client = TestClient(app)
        client.__enter__()
        running.append(client)
        return client, processor, logs, db

    yield start
    for client in running:
        client.__exit__(None, None, None)


# -- signature vectors ------------------------------------------------------------------------


def test_a_hand_signed_event_without_data_is_accepted():
    now = 1518794257
    event = signed(
        {"account": "api-demo", "object": "transaction", "object_id": 1, "action": "added", "time": str(now)}
    )
    assert event["verify"] == hashlib.md5(b"api-demo;transaction;1;added;1518794257;" + SECRET.encode()).hexdigest()
    checked = check_delivery(event, SECRET, now=now)
    assert checked.key == ("api-demo", "transaction", "1", "added", "1518794257")
    assert checked.data is None


def test_a_hand_signed_event_with_data_is_accepted_and_data_is_part_of_the_signature():
    now = 1518794257
    data = '{"value_relative":"100","value_absolute":"1500"}'
    event = signed(
        {
            "account": "api-demo",
            "object": "client_ewallet",
            "object_id": 7,
            "action": "changed",
            "time": str(now),
            "data": data,
        }
    )
    expected = hashlib.md5(f"api-demo;client_ewallet;7;changed;{data};{now};{SECRET}".encode()).hexdigest()
    assert event["verify"] == expected
    assert check_delivery(event, SECRET, now=now).data == data
    with pytest.raises(DeliveryRejected) as err:
        check_delivery({**event, "data": data.replace("100", "900")}, SECRET, now=now)
    assert err.value.status == 401


@pytest.mark.parametrize(
    "change, status, reason",
    [
        ({"object_id": 43}, 401, "bad signature"),
        ({"action": "removed"}, 401, "bad signature"),
        ({"verify": None}, 401, "unsigned"),
        ({"verify": ""}, 401, "unsigned"),
        ({"time": str(int(time.time()) - 3 * 86400)}, 401, "stale"),
        ({"time": str(int(time.time()) + 3 * 86400)}, 401, "stale"),
        ({"account": None}, 400, "missing account"),
        ({"time": "yesterday"}, 400, "time"),
    ],
    ids=["tampered-id", "tampered-action", "unsigned", "empty-verify", "stale", "future", "no-account", "bad-time"],
)
def test_bad_deliveries_are_refused(change, status, reason):
    event = order_event()
    event.update(change)
    if "time" in change and change["time"] != "yesterday":
        event = signed({k: v for k, v in event.items() if k != "verify"})  # correctly signed, but old
    event = {k: v for k, v in event.items() if v is not None}
    with pytest.raises(DeliveryRejected) as err:
        check_delivery(event, SECRET)
    assert err.value.status == status
    assert reason in err.value.reason


def test_a_wrong_secret_is_refused_and_max_age_zero_accepts_old_events():
    old = order_event(sent_at=1_000_000_000)
    with pytest.raises(DeliveryRejected):
        check_delivery(old, "another-secret", max_age=0)
    assert check_delivery(old, SECRET, max_age=0).object_id == "42"


# -- the HTTP answers ---------------------------------------------------------------------------


def test_a_valid_event_is_acknowledged_stored_and_processed(receiver):
    client, processor, logs, db = receiver()
    resp = client.post("/webhook", json=order_event())
    assert resp.status_code == 200
    assert resp.json() == {"status": "accept"}
    wait_for(lambda: stored(db)[0].state == "done", "processing")
    row = stored(db)[0]
    assert (row.event.object, row.event.object_id, row.outcome) == ("incoming_order", "42", "seen 42")
    assert any("incoming_order 42 changed: seen 42" in line for line in logs)


def test_form_encoded_events_are_accepted(receiver):
    client, _, _, db = receiver()
    event = {k: str(v) for k, v in order_event().items()}
    resp = client.post("/webhook", data=event)
    assert resp.status_code == 200
    assert stored(db)[0].event.object_id == "42"


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"<xml/>", "application/xml", 400),
        (json.dumps({"object": "product"}).encode(), "application/json", 400),
        (json.dumps({**order_event(), "verify": "0" * 32}).encode(), "application/json", 401),
        (json.dumps({k: v for k, v in order_event().items() if k != "verify"}).encode(), "application/json", 401),
    ],
    ids=["not-json", "not-object", "not-utf8", "xml", "missing-fields", "tampered", "unsigned"],
)
def test_rejected_requests_get_the_right_status_and_store_nothing(receiver, body, content_type, status):
    client, processor, logs, db = receiver()
    resp = client.post("/webhook", content=body, headers={"content-type": content_type})
    assert resp.status_code == status
    assert resp.json()["status"] == "rejected"
    assert stored(db) == []
    assert processor.seen == []
    assert any(f"rejected ({status})" in line for line in logs)


def test_oversized_bodies_are_refused_by_declared_length_and_by_actual_size(receiver):
    client, _, _, db = receiver()
    big = json.dumps({**order_event(), "data": "x" * (70 * 1024)}).encode()
    assert client.post("/webhook", content=big, headers={"content-type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: the size is only known while reading
        for _ in range(70):
            yield b"x" * 1024

    resp = client.post("/webhook", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert stored(db) == []


def test_the_secret_never_appears_in_answers_or_logs(receiver):
    client, _, logs, _ = receiver()
    bad = {**order_event(), "verify": "0" * 32}
    resp = client.post("/webhook", json=bad)
    client.post("/webhook", json=order_event())
    assert SECRET not in resp.text
    assert all(SECRET not in line for line in logs)


def test_healthz_answers(receiver):
    client, _, _, _ = receiver()
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json()["status"] == "ok"


# -- dedupe, latency, recovery ------------------------------------------------------------------


def test_a_redelivery_is_acknowledged_but_processed_and_hooked_once(receiver, tmp_path):
    out = tmp_path / "hook.out"
    client, processor, logs, db = receiver(hook=HookPolicy(f"cat >> {out}; echo >> {out}", attempts=1))
    event = order_event()
    for _ in range(3):
        assert client.post("/webhook", json=event).json() == {"status": "accept"}
    wait_for(lambda: stored(db)[0].hook_state == "done", "the hook")
    receiver_state = client.app.state.receiver
    client.portal.call(receiver_state.idle)
    rows = stored(db)
    assert len(rows) == 1 and rows[0].deliveries == 3
    assert set(processor.seen) == {event_key(event)}
    assert len(out.read_text().strip().splitlines()) == 1
    assert sum("redelivery" in line for line in logs) == 2


class ChangingProcessor(RecordingProcessor):
    """Poster's answer changes between two deliveries of one key (accepted, then closed)."""

    async def process(self, event):
        self.seen.append(event.key)
        status = ["accepted", "closed"][min(len(self.seen), 2) - 1]
        return Outcome(status, {"order_status": status})


def test_two_changes_sharing_a_key_are_both_told_to_the_command(receiver, tmp_path):
    out = tmp_path / "hook.out"
    client, _, _, db = receiver(ChangingProcessor(), hook=HookPolicy(f"cat >> {out}; echo >> {out}", attempts=1))
    event = order_event()
    client.post("/webhook", json=event)
    wait_for(lambda: stored(db)[0].hook_state == "done", "the first hook")
    client.post("/webhook", json=event)  # same second, same key: the order was closed meanwhile
    wait_for(lambda: out.read_text().count("order_status") == 2, "the second hook")
    client.portal.call(client.app.state.receiver.idle)
    statuses = [json.loads(line)["order_status"] for line in out.read_text().splitlines() if line.strip()]
    assert statuses == ["accepted", "closed"]
    assert stored(db)[0].outcome == "closed"


def event_key(event: dict) -> tuple:
    return (event["account"], event["object"], str(event["object_id"]), event["action"], event["time"])


def test_the_ack_does_not_wait_for_processing(receiver):
    processor = RecordingProcessor()
    processor.gate.clear()  # Poster "hangs": processing cannot finish
    client, _, _, db = receiver(processor)
    resp = client.post("/webhook", json=order_event())
    assert resp.status_code == 200  # answered while processing is still blocked
    assert stored(db)[0].state == "pending"
    assert processor.seen == []
    processor.gate.set()
    wait_for(lambda: stored(db)[0].state == "done", "processing after release")


def test_a_slow_on_event_command_delays_neither_acks_nor_processing(receiver, tmp_path):
    go = tmp_path / "go"
    hook = HookPolicy(f"while [ ! -e {go} ]; do sleep 0.02; done", timeout=60, attempts=1)
    client, processor, _, db = receiver(hook=hook)
    assert client.post("/webhook", json=order_event(1)).status_code == 200
    wait_for(lambda: stored(db)[0].state == "done", "first event processed")
    assert client.post("/webhook", json=order_event(2)).status_code == 200
    wait_for(lambda: len(stored(db)) == 2 and stored(db)[1].state == "done", "second event processed")
    assert [r.hook_state for r in stored(db)] == ["pending", "pending"]  # the command is still stuck
    go.touch()
    wait_for(lambda: [r.hook_state for r in stored(db)] == ["done", "done"], "hooks")


def test_events_stored_before_a_crash_are_processed_at_the_next_start(receiver, tmp_path):
    db = tmp_path / "webhooks.sqlite"
    out = tmp_path / "hook.out"
    # A receiver acknowledged these, then died before processing them (or before their hook ran).
    with EventStore(db) as store:
        store.add(check_delivery(order_event(7), SECRET), with_hook=True)
        store.add(check_delivery(order_event(8), SECRET), with_hook=True)
        done_id, _ = store.add(check_delivery(order_event(9), SECRET), with_hook=True)
        store.finish(done_id, state="done", outcome="accepted", details={"order_status": "accepted"})
    client, processor, logs, _ = receiver(hook=HookPolicy(f"cat >> {out}; echo >> {out}", attempts=1))
    wait_for(lambda: all(r.hook_state == "done" for r in stored(db)), "recovery")
    assert [key[2] for key in processor.seen] == ["7", "8"]  # 9 was processed already
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    assert sorted(p["object_id"] for p in lines) == ["7", "8", "9"]
    assert any("resuming: 2 event(s) to process, 1 on-event run(s)" in line for line in logs)


def test_processing_that_failed_is_kept_and_retried_at_the_next_start(receiver, tmp_path):
    client, processor, logs, db = receiver(RecordingProcessor(fail_times=1))
    client.post("/webhook", json=order_event())
    wait_for(lambda: stored(db)[0].state == "error", "the failure")
    assert "Poster unreachable" in stored(db)[0].outcome
    assert any("failed: Poster unreachable" in line for line in logs)
    client.__exit__(None, None, None)
    _, again, _, _ = receiver()
    wait_for(lambda: stored(db)[0].state == "done", "the retry")
    assert len(again.seen) == 1


# -- the on-event command -------------------------------------------------------------------------


def test_the_on_event_command_gets_the_enriched_event_without_secrets(receiver, tmp_path, monkeypatch):
    monkeypatch.setenv("POSTER_TOKEN", "424242:00000000000000000000000000000000")
    monkeypatch.setenv("POSTER_APP_SECRET", SECRET)
    out = tmp_path / "payload.json"
    env_out = tmp_path / "env.txt"
    command = f'cat > {out}; echo "$POSTER_EVENT_OBJECT/$POSTER_EVENT_ACTION/${{POSTER_TOKEN:-none}}/${{POSTER_APP_SECRET:-none}}" > {env_out}'
    client, _, _, db = receiver(hook=HookPolicy(command, attempts=1))
    client.post("/webhook", json=order_event())
    wait_for(lambda: stored(db)[0].hook_state == "done", "the hook")
    payload = json.loads(out.read_text())
    assert payload["object"] == "incoming_order" and payload["object_id"] == "42"
    assert payload["order_status"] == "accepted" and payload["site_order_id"] == "A-17"
    assert payload["outcome"] == "seen 42"
    assert "verify" not in payload
    assert env_out.read_text().strip() == "incoming_order/changed/none/none"


def test_a_failing_on_event_command_is_retried_logged_and_does_not_block(receiver, tmp_path):
    count = tmp_path / "runs"
    hook = HookPolicy(f"echo run >> {count}; echo 'SMTP refused' >&2; exit 3", attempts=3, backoff=0.01)
    client, _, logs, db = receiver(hook=hook)
    assert client.post("/webhook", json=order_event(1)).status_code == 200
    assert client.post("/webhook", json=order_event(2)).status_code == 200
    wait_for(lambda: [r.hook_state for r in stored(db)] == ["failed", "failed"], "both hooks to give up")
    rows = stored(db)
    assert [r.state for r in rows] == ["done", "done"]
    assert rows[0].hook_attempts == 3 and "exit status 3: SMTP refused" in rows[0].hook_error
    assert len(count.read_text().splitlines()) == 6
    failures = [line for line in logs if "on-event command failed for incoming_order 1 changed" in line]
    assert [f.split("(run ")[1][:3] for f in failures] == ["1/3", "2/3", "3/3"]
    assert any("gave up after 3 run(s)" in line for line in logs)


def test_an_on_event_command_that_hangs_is_killed_at_its_timeout(receiver):
    hook = HookPolicy("sleep 30", timeout=0.3, attempts=2, backoff=0.01)
    client, _, logs, db = receiver(hook=hook)
    client.post("/webhook", json=order_event())
    wait_for(lambda: stored(db)[0].hook_state == "failed", "the timeout")
    assert "timed out after 0.3s" in stored(db)[0].hook_error
