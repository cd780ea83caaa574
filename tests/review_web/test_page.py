"""The review page in a real browser: Debian's chromium driven by Playwright for Python (launched by
path; no browser is downloaded). The README's walkthrough data: 81 site items, 75 linked
automatically, 6 waiting (PSL, ENG-BRK, SMOOTHIE, GIFT-500, MUG, DELIVERY). What the page does is
checked in mapping.toml, read back with tomllib."""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterator

import pytest

from tests.support.review import Review, prepare, served

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def review(cli_env: Any) -> Iterator[Review]:
    prepare(cli_env)
    with served(cli_env) as (review, _):
        yield review


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    ctx = chromium.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    ctx.set_default_timeout(WAIT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(context: Any, review: Review) -> Any:
    """A tab signed in with the one-time key (the first tab of a context spends it)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if review.access.spent:
        page.goto(review.base + "/")
    else:
        page.goto(f"{review.base}/?key={review.access.key}")
    page.wait_for_selector(".item.focused .detail")
    page.errors = errors
    return page


def focused(page: Any) -> str:
    return str(page.get_attribute(".item.focused", "data-id"))


def wait_until(page: Any, check: Callable[[], bool], what: str, timeout: float = WAIT_MS / 1000) -> None:
    """Poll ``check``, letting Playwright run meanwhile (its events, a dialog say, are handled only
    inside its own calls: a plain sleep would hold them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {what}")


def status_in_file(review: Review, local_id: str) -> str:
    return str(review.entries()[local_id]["status"])


def test_it_opens_on_the_first_item_waiting_and_1_chooses_the_best(context: Any, review: Review) -> None:
    page = open_page(context, review)
    assert page.url == review.base + "/"  # the key left the address bar
    assert focused(page) == "PSL"
    assert "Гарбузовий лате (сезонний)" in page.inner_text(".item.focused .cand >> nth=0")
    assert "hidden" in page.inner_text(".item.focused .cand >> nth=0")
    page.keyboard.press("1")
    wait_until(page, lambda: focused(page) == "ENG-BRK", "the next item waiting")
    psl = review.entries()["PSL"]
    assert (psl["status"], psl["product_id"]) == ("confirmed", 110)
    assert page.inner_text("#open-count").split()[0] == "5"
    assert not page.errors


def test_search_the_whole_menu_and_choose_a_result(context: Any, review: Review) -> None:
    page = open_page(context, review)
    page.keyboard.press("/")
    page.keyboard.type("лате 400")
    page.keyboard.press("Enter")
    page.wait_for_selector(".item.focused .searching")
    names = page.locator(".item.focused .cand .cname").all_inner_texts()
    n = names.index("Лате / 400 мл") + 1
    page.keyboard.press(str(n))
    wait_until(page, lambda: status_in_file(review, "PSL") == "confirmed", "PSL confirmed")
    psl = review.entries()["PSL"]
    assert (psl["product_id"], psl["modificator_id"], psl["poster_name"]) == (105, 1006, "Лате / 400 мл")


def test_no_counterpart_then_undo(context: Any, review: Review) -> None:
    page = open_page(context, review)
    before = review.mapping_path.read_bytes()
    page.keyboard.press("n")
    wait_until(page, lambda: focused(page) == "ENG-BRK", "the next item waiting")
    assert status_in_file(review, "PSL") == "ignored"
    page.keyboard.press("s")  # skip ENG-BRK: nothing written
    wait_until(page, lambda: focused(page) == "SMOOTHIE", "the item after the skipped one")
    page.keyboard.press("u")  # undo the skip: back on ENG-BRK
    wait_until(page, lambda: focused(page) == "ENG-BRK", "back on the skipped item")
    page.keyboard.press("u")  # undo "no counterpart"
    wait_until(page, lambda: focused(page) == "PSL", "back on PSL")
    assert page.get_attribute(".item.focused", "data-status") == "unmatched"
    assert review.mapping_path.read_bytes() == before


def test_bulk_accept_above_a_score(context: Any, review: Review) -> None:
    page = open_page(context, review)
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.fill("#bulk-min", "85")
    page.click("#bulk-go")
    wait_until(page, lambda: status_in_file(review, "ENG-BRK") == "confirmed", "ENG-BRK accepted")
    assert dialogs == ["Accept the best candidate for 1 items?"]
    eng = review.entries()["ENG-BRK"]
    assert eng["poster_name"] == "Англійський сніданок / Пашот" and eng["score"] >= 85
    # the others score lower (or their best is hidden) and still wait for a person
    for other in ("PSL", "SMOOTHIE", "GIFT-500", "MUG", "DELIVERY"):
        assert status_in_file(review, other) == "unmatched"
    wait_until(page, lambda: page.inner_text("#open-count").split()[0] == "5", "the count of items waiting")


def test_a_reload_shows_what_was_saved(context: Any, review: Review) -> None:
    page = open_page(context, review)
    page.keyboard.press("n")
    wait_until(page, lambda: focused(page) == "ENG-BRK", "the next item waiting")
    page.reload()
    page.wait_for_selector(".item.focused .detail")
    assert focused(page) == "ENG-BRK"
    assert page.get_attribute('.item[data-id="PSL"]', "data-status") == "ignored"
    page.keyboard.press("u")  # the undo history survives the reload
    wait_until(page, lambda: status_in_file(review, "PSL") == "unmatched", "PSL back to unmatched")


def test_without_the_key_the_page_is_refused(chromium: Any, review: Review) -> None:
    ctx = chromium.new_context()
    try:
        page = ctx.new_page()
        answer = page.goto(review.base + "/")
        assert answer is not None and answer.status == 401
        assert "No access" in page.inner_text("body")
        wrong = page.goto(f"{review.base}/?key=not-the-key")
        assert wrong is not None and wrong.status == 403
        right = page.goto(f"{review.base}/?key={review.access.key}")  # spends it
        assert right is not None and right.status == 200
    finally:
        ctx.close()
    other = chromium.new_context()  # another browser with the same link: refused
    try:
        late = other.new_page().goto(f"{review.base}/?key={review.access.key}")
        assert late is not None and late.status == 403
    finally:
        other.close()


def test_two_tabs_keep_each_others_decisions(context: Any, review: Review) -> None:
    a = open_page(context, review)
    b = open_page(context, review)
    assert focused(a) == focused(b) == "PSL"
    a.keyboard.press("1")
    wait_until(a, lambda: focused(a) == "ENG-BRK", "tab A moving on")
    b.keyboard.press("n")  # tab B still shows PSL as it was: refused, and B shows what A chose
    b.wait_for_selector("#message.error")
    wait_until(b, lambda: b.get_attribute('.item[data-id="PSL"]', "data-status") == "confirmed", "tab B refreshed")
    assert status_in_file(review, "PSL") == "confirmed"
    b.select_option("#status", "unmatched")  # only the items waiting: MUG is on the first page then
    b.click('.item[data-id="MUG"] .head')
    b.keyboard.press("n")
    wait_until(b, lambda: status_in_file(review, "MUG") == "ignored", "MUG saved from tab B")
    # tab A sees B's decision without a reload: 6 waiting, less PSL (A) and MUG (B)
    wait_until(a, lambda: a.inner_text("#open-count").split()[0] == "4", "tab A refreshed")
    entries = review.entries()
    assert (entries["PSL"]["status"], entries["MUG"]["status"]) == ("confirmed", "ignored")


def test_ukrainian_labels_and_a_phone_screen(chromium: Any, review: Review) -> None:
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, locale="uk-UA", is_mobile=True)
    ctx.set_default_timeout(WAIT_MS)
    try:
        page = open_page(ctx, review)
        assert "Немає відповідника" in page.inner_text(".item.focused .actions")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.click("#lang")
        assert "No counterpart" in page.inner_text(".item.focused .actions")
    finally:
        ctx.close()


def test_j_and_k_move_through_the_pages_and_a_category_filter_narrows_the_list(context: Any, review: Review) -> None:
    page = open_page(context, review)
    assert page.inner_text("#pageinfo") == "page 1 of 2"  # 81 items, 50 a page
    last_on_first = page.get_attribute(".item >> nth=49", "data-id")
    page.click(f'.item[data-id="{last_on_first}"] .head')
    page.keyboard.press("j")
    wait_until(page, lambda: page.inner_text("#pageinfo") == "page 2 of 2", "the second page")
    assert page.get_attribute(".item >> nth=0", "data-id") == focused(page)
    page.keyboard.press("k")
    wait_until(page, lambda: focused(page) == last_on_first, "back on the first page's last item")
    page.select_option("#category", "Tea")
    wait_until(page, lambda: page.locator(".item").count() == len(review.entries_in("Tea")), "the tea items")
    assert page.locator(".item .head .meta").all_inner_texts() == [
        " · ".join(x for x in (local_id, "Tea", price) if x) for local_id, price in review.entries_in("Tea")
    ]
