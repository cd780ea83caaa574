"""What a hand-edited mapping file reads as: each field's default and type, and for each mistake one
message naming the item (its index in the file, and the key) that is wrong. Files are written here
as text, the way a person edits them."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_cli.errors import ConfigError, InputFileError
from poster_cli.mapping import DishModifierChoice, MappingEntry, load_mapping

GOOD = '[[items]]\nlocal_id = "A"\nlocal_name = "Latte"\nstatus = "confirmed"\nproduct_id = 10\n\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, problem",
    [
        ("version = 2\n", "mapping version 2 is not supported (expected 1)"),
        ("items = 5\n", "items must be an array of tables ([[items]])"),
        ("items = [1]\n", "items[0] is not a table"),
        (GOOD + "[[items]]\nlocal_name = 'Tea'\nstatus = 'unmatched'\n", "items[1] has no local_id"),
        (GOOD + "[[items]]\nlocal_id = ''\nstatus = 'unmatched'\n", "items[1] has no local_id"),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'maybe'\n",
            "items[1] (B): status 'maybe' is not one of auto, confirmed, manual, unmatched, ignored",
        ),
        (GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\n", "items[1] (B): status auto needs a product_id"),
        (GOOD + "[[items]]\nlocal_id = 'B'\n", "items[1] (B): status manual needs a product_id"),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = '10'\n",
            "items[1].product_id must be a whole number, got '10'",
        ),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = true\n",
            "items[1].product_id must be a whole number, got True",
        ),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = 3\nmodificator_id = 1.5\n",
            "items[1].modificator_id must be a whole number, got 1.5",
        ),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = 3\ndish_modifications = [1]\n",
            "items[1].dish_modifications[0] must be { m = ID, a = AMOUNT }",
        ),
        (
            GOOD + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = 3\ndish_modifications = [{ a = 1 }]\n",
            "items[1].dish_modifications[0] must be { m = ID, a = AMOUNT }",
        ),
        (
            GOOD
            + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = 3\n"
            + "dish_modifications = [{ m = 1, a = 1 }, { m = 2, a = 0 }]\n",
            "items[1].dish_modifications[1].a must be a whole number >= 1",
        ),
        (
            GOOD
            + "[[items]]\nlocal_id = 'B'\nstatus = 'auto'\nproduct_id = 3\ndish_modifications = [{ m = 1, a = '2' }]\n",
            "items[1].dish_modifications[0].a must be a whole number >= 1",
        ),
        (GOOD + GOOD.replace("Latte", "Latte again"), "local_id 'A' appears twice"),
    ],
)
def test_each_mistake_is_one_line_naming_the_item(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as info:
        load_mapping(path)
    assert str(info.value) == f"{path}: {problem}"
    assert info.value.exit_code == 2


def test_defaults_and_types_of_a_hand_written_item(tmp_path: Path) -> None:
    text = (
        "[[items]]\nlocal_id = 7\nproduct_id = 140\ndish_modifications = [{ m = 2002 }, { m = 2004, a = 1 }]\n"
        "score = 90\nposter_name = 5\n\n"
        "[[items]]\nlocal_id = 'B'\nstatus = 'unmatched'\nproduct_id = 11\nmodificator_id = 4\nscore = true\n\n"
        "[[items]]\nlocal_id = 'C'\nlocal_name = 'Cake'\nstatus = 'ignored'\nproduct_id = 12\nscore = 'high'\n"
    )
    assert list(load_mapping(write(tmp_path, text))) == [
        MappingEntry(
            local_id="7",
            local_name="",
            status="manual",
            product_id=140,
            dish_modifications=(DishModifierChoice(m=2002, a=1), DishModifierChoice(m=2004, a=1)),
            score=90.0,
            poster_name="5",
        ),
        MappingEntry(local_id="B", local_name="", status="unmatched", modificator_id=4),
        MappingEntry(local_id="C", local_name="Cake", status="ignored"),
    ]


def test_a_missing_file_is_an_empty_mapping_unless_one_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    assert len(load_mapping(path)) == 0
    with pytest.raises(InputFileError) as info:
        load_mapping(path, missing_ok=False)
    assert info.value.message == f"{path}: no mapping file"
    assert info.value.hint == "run `poster-cli match CATALOGUE` first"


def test_a_file_with_comments_is_read_by_the_toml_library(tmp_path: Path) -> None:
    path = write(tmp_path, "# kept by hand\nversion = 1\n\n" + GOOD)
    [entry] = load_mapping(path)
    assert entry == MappingEntry(local_id="A", local_name="Latte", status="confirmed", product_id=10)


def test_a_file_that_is_not_utf8_or_not_toml_says_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_bytes(GOOD.replace("Latte", "Лате").encode("cp1251"))
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert str(info.value) == f"{path}: not UTF-8 text (save the file as UTF-8)"
    path.write_text(GOOD + "status = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert info.value.hint == "fix the file, or pass --mapping FILE"
    assert info.value.message.startswith(f"{path}, line 7: not valid TOML")
