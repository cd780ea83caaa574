"""A corpus of bad user files (``tests/fixtures/bad/``): each gives exit 2 and one line naming the
file (and the line where there is one), never a traceback, and changes nothing already saved.
Order batches with some bad rows give exit 3: the valid orders are still sent, each bad row is
reported. Random bytes as a catalogue or an order file never give a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.cli import assert_one_line
from tests.support.paths import FIXTURES

BAD = FIXTURES / "bad"

# file, command ({f} = the file), words the one error line must hold besides the file name
UNUSABLE = [
    ("catalogue-utf16-no-bom.csv", "match {f}", ["no id column"]),
    ("catalogue-no-name-column.csv", "match {f}", ["no name column", "--name-col"]),
    ("catalogue-duplicate-ids.csv", "match {f}", [":4:", "'ESP' appears again", "line 2"]),
    ("catalogue-bad-price.csv", "match {f}", [":3:", "'seventy'"]),
    ("catalogue-empty.csv", "match {f}", ["empty"]),
    ("catalogue-binary.csv", "match {f}", [":2:", "neither UTF-8 nor cp1251", "0x98"]),
    ("catalogue-png.csv", "match {f}", ["no id column"]),
    ("catalogue-not-a-list.json", "match {f}", ["expected a list"]),
    ("catalogue-items-not-objects.json", "match {f}", ["items[0]"]),
    ("catalogue-broken.json", "match {f}", [":3:", "not valid JSON"]),
    ("catalogue-shopify-bad-price.csv", "match {f}", [":3:", "read as Shopify product CSV", "'LAT-L'", "'abc'"]),
    ("catalogue-feed-broken.xml", "match {f}", [":4:", "read as YML feed", "not well-formed"]),
    ("catalogue-utf8-one-cp1251-row.csv", "match {f}", [":3:", "not UTF-8 while the rest of the file is"]),
    ("catalogue-ambiguous-prices.csv", "match {f}", ["'1,190' (line 3)", "thousands or decimals"]),
    ("mapping-not-toml.toml", "mapping check --mapping {f}", ["line 2", "TOML"]),
    ("mapping-not-toml.toml", "match site.csv --mapping {f}", ["line 2", "TOML"]),
    ("mapping-bad-status.toml", "mapping show --mapping {f}", ["'maybe'"]),
    ("mapping-bad-status.toml", "match site.csv --mapping {f}", ["'maybe'"]),
    ("mapping-missing-product-id.toml", "mapping check --mapping {f}", ["needs a product_id"]),
    (
        "mapping-missing-product-id.toml",
        "order send -i ESP --phone +380501234567 --mapping {f} --dry-run",
        ["needs a product_id"],
    ),
    ("mapping-product-id-text.toml", "mapping push --dry-run --mapping {f}", ["product_id", "'one-oh-one'"]),
    ("orders-no-item-column.csv", "order batch {f}", [":1:", "no item column"]),
    ("orders-empty.csv", "order batch {f}", ["empty"]),
    ("orders-binary.csv", "order batch {f}", ["not valid UTF-16"]),  # it starts with a UTF-16 BOM
    ("orders-not-a-list.json", "order batch {f}", ["expected a list of orders"]),
    ("orders-broken.json", "order batch {f}", [":3:", "not valid JSON"]),
    ("snapshot-not-json.json", "menu show --menu {f}", [":1:", "not valid JSON"]),
    ("snapshot-not-json.json", "match site.csv --menu {f}", [":1:", "not valid JSON"]),
    ("snapshot-wrong-shape.json", "mapping check --menu {f}", ["neither a menu snapshot"]),
    ("snapshot-product-not-object.json", "menu show --menu {f}", ["not an object"]),
    ("snapshot-bad-product-id.json", "menu show --menu {f}", ["'abc'"]),
    ("config-bad-value.toml", "--config {f} pull", ["rate_limit", "'fast'"]),
    ("config-not-toml.toml", "--config {f} pull", ["line 1", "TOML"]),
    ("config-unknown-key.toml", "--config {f} sync", ["'tokn'"]),
    ("config-spot-not-whole.toml", "--config {f} pull", ["spot_id", "1.5"]),
    ("config-api-url-no-scheme.toml", "--config {f} pull", ["api_url", "http://"]),
]
# what the config files set must not be hidden by the test environment
CONFIG_ENV = {"POSTER_RATE_LIMIT": None, "POSTER_SPOT_ID": None, "POSTER_API_URL": None}


def saved_files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file()}


@pytest.mark.parametrize(
    "name,command,words", UNUSABLE, ids=lambda v: v if isinstance(v, str) and "." in v[-6:] else ""
)
def test_an_unusable_file_is_exit_2_one_line_naming_it_and_nothing_saved_changes(
    cafe: Any, name: str, command: str, words: list[str]
) -> None:
    target = Path(name)
    shutil.copy(BAD / name, target)
    if command.startswith("order"):  # a journal with an order in it, to see it stays as it was
        assert (
            cafe.run(
                "order", "send", "-i", "ESP", "--phone", "+380501234567", "--order-id", "EARLIER", "--yes"
            ).exit_code
            == 0
        )
    before = saved_files(cafe.data_dir)
    args = [a.replace("{f}", str(target)) for a in command.split()]
    result = cafe.run(*args, env=CONFIG_ENV if name.startswith("config-") else None)
    assert_one_line(result, 2, f"{name}", *words)
    assert result.stdout == ""
    assert saved_files(cafe.data_dir) == before  # mapping, snapshot, journal byte-identical
    assert target.read_bytes() == (BAD / name).read_bytes()  # the user's file is never rewritten


# file, the orders that are still sent, "file:line: reason" fragments reported
PARTLY_BAD = [
    ("orders-bad-counts.csv", ["O-1"], [":3: count 'two' is not a number", ":4: ESP: count -1", ":5: ESP: count 0"]),
    (
        "orders-unknown-items.csv",
        ["O-1"],
        [":3: unknown item 'Expresso'; did you mean 'Espresso' (ESP)", ":4: poster:99999: no product 99999"],
    ),
    ("orders-missing-phone.csv", ["O-1"], [":3: no phone and no client id", ":4: phone '12' has 2 digits"]),
    ("orders-bad-items.json", ["J-1"], [" orders[1]: items must be a non-empty list"]),
]


@pytest.mark.parametrize("name,sent,problems", PARTLY_BAD, ids=lambda v: v if isinstance(v, str) else "")
def test_an_order_batch_with_bad_rows_sends_the_valid_orders_and_reports_each_bad_one(
    cafe: Any, name: str, sent: list[str], problems: list[str]
) -> None:
    shutil.copy(BAD / name, name)
    result = cafe.run("order", "batch", name, "--json")
    assert result.exit_code == 3, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in problems:
        assert f"error: {name}{fragment}" in result.stderr
    doc = json.loads(result.stdout)
    assert [s["order_id"] for s in doc["sent"]] == sent
    assert len(doc["failed"]) == len(problems)
    assert len(cafe.sandbox.state.doc["orders"]) == len(sent)


def test_a_failed_match_leaves_an_existing_mapping_byte_identical(cafe: Any) -> None:
    mapping = cafe.data_dir / "mapping.toml"
    before = mapping.read_bytes()
    for name in ("catalogue-duplicate-ids.csv", "catalogue-bad-price.csv", "catalogue-binary.csv"):
        assert cafe.run("match", str(BAD / name)).exit_code == 2
        assert cafe.run("match", "site.csv", "--menu", str(BAD / "snapshot-wrong-shape.json")).exit_code == 2
    assert mapping.read_bytes() == before


def test_a_broken_mapping_is_never_overwritten_by_match(cafe: Any) -> None:
    mapping = cafe.data_dir / "mapping.toml"
    shutil.copy(BAD / "mapping-not-toml.toml", mapping)
    assert cafe.run("match", "site.csv").exit_code == 2
    assert cafe.run("sync").exit_code == 2
    assert mapping.read_bytes() == (BAD / "mapping-not-toml.toml").read_bytes()


def test_control_characters_from_a_file_never_reach_the_terminal(cafe: Any) -> None:
    Path("evil.csv").write_bytes(b"id\x1b[31m,\x00name\rprice\n1,x,2\n")
    result = cafe.run("order", "batch", "evil.csv")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x00" not in result.stderr and "\r" not in result.stderr


# -- property tests: whatever the bytes, a clear answer and never a traceback ---------------

PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
csv_text = st.text(
    alphabet=st.sampled_from(list("id,name;price\t\"'\n\r 0123456789.-:LatteЕспресо\x00\ufeff")), max_size=120
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "name", "price", "items", "order_id", "phone", "count", "item"]), inner, max_size=5
        )
    ),
    max_leaves=12,
)


def no_traceback(result: Any, name: str) -> None:
    """Random input has no known answer, but each possible one has its shape: refused (2) is one
    line naming the file; done (0) prints no error; 3 is a report with items or orders left for a
    person (each bad order on its own line)."""
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    if result.exit_code == 2:
        assert_one_line(result, 2, name)
    elif result.exit_code == 0:
        assert "error:" not in result.stderr
    else:
        assert result.exit_code == 3, (result.exit_code, result.stderr)


@PROPERTY
@given(data=st.binary(max_size=300) | csv_text.map(lambda t: ("id,name,price\n" + t).encode("utf-8")))
def test_any_bytes_as_a_catalogue_never_give_a_traceback(cafe: Any, data: bytes) -> None:
    Path("random.csv").write_bytes(data)
    no_traceback(cafe.run("match", "random.csv", "--mapping", "random.toml"), "random.csv")


@PROPERTY
@given(data=st.binary(max_size=300) | csv_text.map(lambda t: ("order_id,phone,item,count\n" + t).encode("utf-8")))
def test_any_bytes_as_an_order_file_never_give_a_traceback(cafe: Any, data: bytes) -> None:
    Path("random.csv").write_bytes(data)
    no_traceback(cafe.run("order", "batch", "random.csv", "--dry-run"), "random.csv")


@PROPERTY
@given(value=json_values)
def test_any_json_as_a_catalogue_or_order_file_never_gives_a_traceback(cafe: Any, value: Any) -> None:
    Path("random.json").write_text(json.dumps(value), encoding="utf-8")
    match = cafe.run("match", "random.json", "--mapping", "random.toml")
    batch = cafe.run("order", "batch", "random.json", "--dry-run")
    if not isinstance(value, (dict, list)):  # a bare number, string, true or null is neither file
        assert_one_line(match, 2, "random.json")
        assert_one_line(batch, 2, "random.json")
    no_traceback(match, "random.json")
    no_traceback(batch, "random.json")
