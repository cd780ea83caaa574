"""The mapping file's edges: a local_id twice, a key twice in one item, and the fast line reader
agreeing with the TOML library on every file it accepts. Files are written here as text, the way
a person (or our writer) would."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.errors import ConfigError, InputFileError
from poster_cli.mapping import load_mapping, read_own_toml

ITEM_A = '[[items]]\nlocal_id = "A"\nlocal_name = "Latte"\nstatus = "confirmed"\nproduct_id = 10\n'
ITEM_B = '[[items]]\nlocal_id = "B"\nlocal_name = "Tea"\nstatus = "auto"\nproduct_id = 11\nscore = 91.5\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["version = 1\n\n", ""])
def test_a_local_id_twice_is_refused_naming_it(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, header + ITEM_A + "\n" + ITEM_A.replace("Latte", "Latte again"))
    with pytest.raises(InputFileError) as info:
        load_mapping(path)
    assert str(info.value) == f"{path}: local_id 'A' appears twice"
    assert info.value.exit_code == 2


def test_a_numeric_local_id_twice_is_the_same_id(tmp_path: Path) -> None:
    path = write(tmp_path, ITEM_A.replace('"A"', "7") + ITEM_A.replace('"A"', '"7"'))
    with pytest.raises(InputFileError, match="local_id '7' appears twice"):
        load_mapping(path)


def test_a_key_twice_in_one_item_is_a_toml_error_naming_the_line(tmp_path: Path) -> None:
    text = "version = 1\n\n" + ITEM_A + "product_id = 12\n"
    assert read_own_toml(text) is None  # the fast reader gives up, so the TOML library decides
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert str(info.value).startswith(f"{path}, line 8: not valid TOML")
    assert info.value.exit_code == 2


def test_items_written_as_a_key_and_a_table_are_refused(tmp_path: Path) -> None:
    text = "version = 1\nitems = []\n\n" + ITEM_A
    assert read_own_toml(text) is None
    with pytest.raises(ConfigError, match="line 4: not valid TOML"):
        load_mapping(write(tmp_path, text))


@pytest.mark.parametrize(
    "text",
    [
        "version = 1\n\n" + ITEM_A + "\n" + ITEM_B,
        ITEM_B,
        'version = 1\n\n[[items]]\nlocal_id = "Q"\nlocal_name = "say \\"hi\\"\\n"\nstatus = "unmatched"\n',
        (
            'version = 1\n\n[[items]]\nlocal_id = "S"\nlocal_name = "Syrnyky"\nstatus = "manual"\nproduct_id = 141\n'
            "dish_modifications = [{ m = 2002, a = 1 }, { m = 2004, a = 2 }]\n"
        ),
        "version = 1\n",
        (
            'version = 1\n\n[[items]]\nlocal_id = "A\\u0001\\t"\nstatus = "auto"\nproduct_id = -3\nscore = -2.5\n'
            'poster_name = "\\\\"\n'
        ),
        (
            'version = 1\n\n[[items]]\nlocal_id = "A"\nstatus = "unmatched"\nscore = true\n\n[[items]]\nlocal_id = "B"\n'
            'status = "unmatched"\nscore = false\n'
        ),
        'version = 1\n\n[[items]]\nlocal_id = "A"\nlocal_name = "x = y"\nstatus = "unmatched"\n',
    ],
    ids=["two items", "no version", "escapes", "dish modifications", "empty", "numbers", "booleans", "equals"],
)
def test_the_fast_reader_reads_what_tomllib_reads(text: str) -> None:
    import tomllib

    assert read_own_toml(text) == tomllib.loads(text)


def test_what_is_read_back(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, "version = 1\n\n" + ITEM_A + "\n" + ITEM_B))
    a, b = mapping.get("A"), mapping.get("B")
    assert a is not None and b is not None
    assert (a.local_name, a.status, a.product_id, a.score) == ("Latte", "confirmed", 10, None)
    assert (b.local_name, b.status, b.product_id, b.score) == ("Tea", "auto", 11, 91.5)


@pytest.mark.parametrize("status", ["unmatched", "ignored"])
def test_an_entry_without_a_link_writes_no_product(tmp_path: Path, status: str) -> None:
    from dataclasses import replace

    from poster_cli.mapping import Mapping, MappingEntry, save_mapping

    linked = MappingEntry(local_id="A", local_name="Latte", status="auto", product_id=10, modificator_id=3)
    mapping = Mapping()
    mapping.set(replace(linked, status=status))  # a person unlinks it; the old ids must not linger in the file
    path = tmp_path / "mapping.toml"
    save_mapping(mapping, path)
    assert path.read_text(encoding="utf-8") == (
        f'version = 1\n\n[[items]]\nlocal_id = "A"\nlocal_name = "Latte"\nstatus = "{status}"\n'
    )


def test_a_machine_result_is_set_unless_a_person_decided(tmp_path: Path) -> None:
    from poster_cli.mapping import Mapping, MappingEntry

    mapping = Mapping()
    guess = MappingEntry(local_id="A", local_name="Latte", status="auto", product_id=10)
    assert mapping.merge_auto(guess) is True and mapping.get("A") == guess
    better = MappingEntry(local_id="A", local_name="Latte", status="auto", product_id=11)
    assert mapping.merge_auto(better) is True and mapping.get("A") == better
    mapping.set(MappingEntry(local_id="A", local_name="Latte", status="ignored"))
    assert mapping.merge_auto(guess) is False and mapping.get("A").status == "ignored"  # type: ignore[union-attr]


def test_counts_are_per_status_with_every_status_named() -> None:
    from poster_cli.mapping import Mapping, MappingEntry

    mapping = Mapping()
    for lid, status, pid in [("A", "auto", 1), ("B", "auto", 2), ("C", "auto", 3), ("D", "ignored", None)]:
        mapping.set(MappingEntry(local_id=lid, local_name=lid, status=status, product_id=pid))
    assert mapping.counts() == {"auto": 3, "confirmed": 0, "manual": 0, "unmatched": 0, "ignored": 1}


@pytest.mark.parametrize(
    "value",
    [True, False, 0.5, -2.25, float("inf"), float("-inf"), 7, -3, 'a "quoted"\\ line\n\ttab\x01\x7f', "Лате", []],
)
def test_each_value_the_writer_knows_reads_back_with_tomllib(value: object) -> None:
    import tomllib

    from poster_cli.mapping import toml_value

    assert tomllib.loads(f"x = {toml_value(value)}\n") == {"x": value}


def test_nan_and_a_list_of_choices_read_back_with_tomllib() -> None:
    import math
    import tomllib

    from poster_cli.mapping import toml_value

    assert math.isnan(tomllib.loads(f"x = {toml_value(float('nan'))}\n")["x"])
    choices = [{"m": 2002, "a": 1}, {"m": 2004, "a": 2}]
    assert tomllib.loads(f"x = {toml_value(choices)}\n") == {"x": choices}


def test_a_value_the_file_cannot_hold_is_refused_by_its_type() -> None:
    from poster_cli.mapping import toml_value

    with pytest.raises(TypeError, match="^cannot write tuple to the mapping file$"):
        toml_value((1, 2))


def test_the_kept_texts_are_the_files_entries_in_order() -> None:
    from poster_cli.mapping import Mapping, MappingEntry, dump_mapping

    mapping = Mapping()
    mapping.set(MappingEntry(local_id="A", local_name="Latte", status="auto", product_id=10, score=90.0))
    mapping.set(MappingEntry(local_id="B", local_name="Tea", status="unmatched"))
    kept: dict[MappingEntry, str] = {}
    text = dump_mapping(mapping, kept)
    assert text == "version = 1\n" + "".join(kept[e] for e in mapping)
    assert kept[mapping.entries["B"]] == '\n[[items]]\nlocal_id = "B"\nlocal_name = "Tea"\nstatus = "unmatched"\n'


@pytest.mark.parametrize(
    "text",
    [
        "version = 1\nversion = 1\n",
        "version = 1\n\n" + ITEM_A + "comment = 1\n",
        "version = 1\n\n" + ITEM_A.replace('local_id = "A"', 'local_id="A"'),
        "version = 1\n\n" + ITEM_A + "score = \n",
        "version = 1\n\n" + ITEM_A + "score = 1e3\n",
        "version = 1\n\n" + ITEM_A + "local_name = 'single'\n",
        "version = 1\n\n" + ITEM_A + "dish_modifications = [{m=1,a=1}]\n",
        "version = 1\n\n[[ items ]]\n" + ITEM_A.partition("\n")[2],
    ],
    ids=[
        "top key twice",
        "unknown key",
        "no spaces",
        "empty value",
        "exponent",
        "literal string",
        "tight table",
        "spaced header",
    ],
)
def test_the_fast_reader_gives_up_on_any_other_form(text: str) -> None:
    assert read_own_toml(text) is None
