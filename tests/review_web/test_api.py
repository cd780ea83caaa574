"""The review page's server on a loopback port, through httpx: who gets in, what each decision
writes to mapping.toml (read back with tomllib), compare-and-set between tabs, undo, bulk accept,
and the data folder's lock held by another process."""

from __future__ import annotations

import csv
import subprocess
import sys
from typing import Any, Iterator

import httpx
import pytest

from tests.support.review import CATALOGUE, ROOT, Review, prepare, served

OPEN_IN_FILE_ORDER = ["PSL", "ENG-BRK", "SMOOTHIE", "GIFT-500", "MUG", "DELIVERY"]


@pytest.fixture
def review(cli_env: Any) -> Iterator[Review]:
    prepare(cli_env)
    with served(cli_env) as (review, _):
        yield review


def browser(review: Review) -> httpx.Client:
    """A client of the served review that keeps cookies like a browser."""
    client = httpx.Client(base_url=review.base, follow_redirects=False, timeout=10)
    CLIENTS.append(client)
    return client


CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while CLIENTS:
        CLIENTS.pop().close()


def signed_in(review: Review) -> httpx.Client:
    client = browser(review)
    answer = client.get("/", params={"key": review.access.key})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    return client


def item(client: httpx.Client, local_id: str) -> dict[str, Any]:
    answer = client.get("/api/item", params={"id": local_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["item"]


def decide(client: httpx.Client, local_id: str, action: str, n: int = 1, tag: str | None = None) -> Any:
    shown = item(client, local_id)
    body: dict[str, Any] = {"local_id": local_id, "action": action, "tag": shown["tag"] if tag is None else tag}
    if action == "choose":
        body["candidate"] = shown["candidates"][n - 1]["key"]
    return client.post("/api/decide", json=body)


# -- access ----------------------------------------------------------------------------------


def test_without_the_key_nothing_is_served(review: Review) -> None:
    stranger = browser(review)
    assert stranger.get("/").status_code == 401
    assert stranger.get("/api/items").status_code == 401
    assert stranger.get("/static/review.js").status_code == 401
    assert stranger.post("/api/decide", json={"local_id": "PSL", "action": "none", "tag": "none"}).status_code == 401
    assert stranger.get("/", params={"key": review.access.key + "x"}).status_code == 403
    port = review.base.rsplit(":", 1)[1]
    stranger.cookies.set(f"poster_review_{port}", "guess")
    assert stranger.get("/api/items").status_code == 403
    assert "mapping.toml" not in stranger.get("/").text


def test_the_key_is_exchanged_once_for_a_strict_http_only_cookie(review: Review) -> None:
    client = browser(review)
    answer = client.get("/", params={"key": review.access.key})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and review.access.key.lower() not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "/static/review.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/api/items").status_code == 200
    # the same link opened elsewhere later is refused: the key was spent
    late = browser(review)
    assert late.get("/", params={"key": review.access.key}).status_code == 403
    # while the browser that used it may open it again
    assert client.get("/", params={"key": review.access.key}).status_code == 303


def test_a_request_from_another_site_is_refused(review: Review) -> None:
    client = signed_in(review)
    before = review.mapping_path.read_bytes()
    shown = item(client, "PSL")
    answer = client.post(
        "/api/decide",
        json={"local_id": "PSL", "action": "none", "tag": shown["tag"]},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status_code == 403
    assert review.mapping_path.read_bytes() == before


# -- what the page lists ---------------------------------------------------------------------


def test_the_page_opens_on_the_first_item_needing_a_decision(review: Review) -> None:
    client = signed_in(review)
    page = client.get("/api/items", params={"focus": "open", "size": 10}).json()
    assert page["focus"] == "PSL"
    assert page["counts"]["unmatched"] == 6 and page["counts"]["auto"] == 75 and page["counts"]["all"] == 81
    psl = next(i for i in page["items"] if i["local_id"] == "PSL")
    best = psl["candidates"][0]
    assert (best["name"], best["price"], best["hidden"]) == ("Гарбузовий лате (сезонний)", 9500, True)
    assert "same price" in best["reason"] and best["category"] == "Кава"
    assert len(page["items"]) == 10


def test_filters_by_status_and_category(review: Review) -> None:
    client = signed_in(review)
    page = client.get("/api/items", params={"status": "unmatched", "size": 100}).json()
    assert [i["local_id"] for i in page["items"]] == OPEN_IN_FILE_ORDER
    with open(CATALOGUE, encoding="utf-8") as fh:
        teas = [row["sku"] for row in csv.DictReader(fh) if row["category"] == "Tea"]
    tea = client.get("/api/items", params={"category": "Tea", "size": 100}).json()
    assert [i["local_id"] for i in tea["items"]] == teas and len(teas) > 1
    assert client.get("/api/items", params={"status": "maybe"}).status_code == 400


# -- decisions -------------------------------------------------------------------------------


def test_choosing_writes_a_confirmed_link_at_once(review: Review) -> None:
    client = signed_in(review)
    answer = decide(client, "PSL", "choose", 1)
    assert answer.status_code == 200, answer.text
    psl = review.entries()["PSL"]
    assert (psl["status"], psl["product_id"], psl["poster_name"]) == ("confirmed", 110, "Гарбузовий лате (сезонний)")
    assert answer.json()["counts"]["unmatched"] == 5
    # the rest of the file is as it was
    assert review.entries()["ESP-01"]["status"] == "auto"


def test_no_counterpart_is_ignored_and_undo_restores_the_file(review: Review) -> None:
    client = signed_in(review)
    before = review.mapping_path.read_bytes()
    answer = decide(client, "GIFT-500", "none")
    assert answer.status_code == 200
    gift = review.entries()["GIFT-500"]
    assert gift["status"] == "ignored" and "product_id" not in gift
    undone = client.post("/api/undo", json={"decision": answer.json()["decision"]})
    assert undone.status_code == 200 and undone.json()["item"]["status"] == "unmatched"
    assert review.mapping_path.read_bytes() == before
    assert client.post("/api/undo", json={"decision": answer.json()["decision"]}).status_code == 404


def test_a_stale_tab_cannot_overwrite_a_newer_decision(review: Review) -> None:
    tab_a = signed_in(review)
    tab_b = another_tab(tab_a, review)
    seen_by_b = item(tab_b, "PSL")
    assert decide(tab_a, "PSL", "choose", 1).status_code == 200
    late = tab_b.post("/api/decide", json={"local_id": "PSL", "action": "none", "tag": seen_by_b["tag"]})
    assert late.status_code == 409
    assert late.json()["item"]["status"] == "confirmed"  # what the tab shows after refreshing
    assert review.entries()["PSL"]["status"] == "confirmed"
    # decisions on different items from both tabs are all kept
    assert decide(tab_b, "MUG", "none").status_code == 200
    assert decide(tab_a, "DELIVERY", "none").status_code == 200
    entries = review.entries()
    assert (entries["PSL"]["status"], entries["MUG"]["status"], entries["DELIVERY"]["status"]) == (
        "confirmed",
        "ignored",
        "ignored",
    )


def another_tab(client: httpx.Client, review: Review) -> httpx.Client:
    """A second tab of the same browser: the same cookie."""
    tab = browser(review)
    for name, value in client.cookies.items():
        tab.cookies.set(name, value)
    return tab


def test_a_search_result_can_be_chosen_and_is_scored_for_the_item(review: Review) -> None:
    client = signed_in(review)
    found = client.get("/api/search", params={"id": "MUG", "q": "чашка"}).json()["candidates"]
    names = [c["name"] for c in found]
    assert names, "the menu search found nothing"
    shown = item(client, "MUG")
    answer = client.post(
        "/api/decide", json={"local_id": "MUG", "action": "choose", "tag": shown["tag"], "candidate": found[0]["key"]}
    )
    assert answer.status_code == 200
    mug = review.entries()["MUG"]
    assert mug["status"] == "confirmed" and mug["poster_name"] == names[0]
    assert (
        client.post(
            "/api/decide", json={"local_id": "PSL", "action": "choose", "tag": "none", "candidate": [999999, None, []]}
        ).status_code
        == 404
    )  # the unknown product is refused before the tag is compared


def test_bulk_accept_takes_items_at_or_above_the_score_and_undoes_as_one(review: Review) -> None:
    client = signed_in(review)
    before = review.mapping_path.read_bytes()
    scores = {
        i["local_id"]: (i["candidates"][0]["score"] if i["candidates"] else 0)
        for i in client.get("/api/items", params={"status": "unmatched"}).json()["items"]
    }
    cut = sorted(scores.values())[-2]  # the two best-scoring open items, unless they share a target
    plan = client.post("/api/bulk", json={"min_score": cut, "dry_run": True}).json()
    expected = sorted(k for k, v in scores.items() if v >= cut)
    assert plan["count"] >= 1 and set(plan["local_ids"]) <= set(expected)
    assert review.mapping_path.read_bytes() == before  # a dry run writes nothing
    done = client.post("/api/bulk", json={"min_score": cut})
    assert done.status_code == 200 and done.json()["written"] == plan["count"]
    entries = review.entries()
    assert sorted(k for k in scores if entries[k]["status"] == "confirmed") == sorted(plan["local_ids"])
    assert all(entries[k]["status"] == "unmatched" for k in scores if k not in plan["local_ids"])
    assert client.post("/api/undo", json={"decision": done.json()["decision"]}).status_code == 200
    assert review.mapping_path.read_bytes() == before


def test_the_revision_changes_when_anyone_writes_the_file(review: Review) -> None:
    client = signed_in(review)
    first = client.get("/api/revision").json()
    assert client.get("/api/revision").json() == first
    # the terminal review, say, in another process: the page sees it at its next look
    done = subprocess.run([sys.executable, "-c", DECIDE_MUG, str(review.mapping_path)], cwd=ROOT, timeout=60)
    assert done.returncode == 0
    assert client.get("/api/revision").json() != first
    assert item(client, "MUG")["status"] == "ignored"


DECIDE_MUG = """
import sys
from pathlib import Path
from poster_cli.decisions import Decision, apply_decisions, no_counterpart
from poster_cli.mapping import load_mapping
path = Path(sys.argv[1])
seen = load_mapping(path).get("MUG")
assert apply_decisions(path, path.parent, [Decision("MUG", seen, no_counterpart("MUG", "Zerno branded mug"))]).done
"""


# -- the lock ---------------------------------------------------------------------------------

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, f"{os.getpid()} sync\\n".encode(), 0)
print("held", flush=True)
sys.stdin.readline()
"""


def test_a_decision_waits_for_the_lock_another_process_holds(cli_env: Any) -> None:
    prepare(cli_env)
    with served(cli_env, lock_timeout=0.5) as (review, _):
        decisions_wait_for_the_lock(review)


def decisions_wait_for_the_lock(review: Review) -> None:
    client = signed_in(review)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(review.data_dir / ".sync.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = review.mapping_path.read_bytes()
        refused = decide(client, "PSL", "none")
        assert refused.status_code == 503 and "sync" in refused.json()["error"]
        assert review.mapping_path.read_bytes() == before
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
    assert decide(client, "PSL", "none").status_code == 200
    assert review.entries()["PSL"]["status"] == "ignored"
