"""A catalogue's bytes become text strictly: UTF-16 and UTF-8 with their byte-order marks, cp1251
when no line is UTF-8, and otherwise one error naming the line (and the byte) that is wrong."""

from __future__ import annotations

import pytest

from poster_cli.catalogue import decode
from poster_cli.errors import InputFileError

TEXT = "id;name;price\nA;Лате;70\n"


def test_utf16_little_and_big_endian_with_their_marks() -> None:
    assert decode(b"\xff\xfe" + TEXT.encode("utf-16-le")) == TEXT
    assert decode(b"\xfe\xff" + TEXT.encode("utf-16-be")) == TEXT


def test_utf16_cut_short_names_the_byte() -> None:
    with pytest.raises(InputFileError) as info:
        decode(b"\xff\xfeA\x00B", "site.csv")
    assert str(info.value) == "site.csv: not valid UTF-16 at byte 4"


def test_utf8_with_and_without_its_mark() -> None:
    assert decode(b"\xef\xbb\xbf" + TEXT.encode()) == TEXT
    assert decode(TEXT.encode()) == TEXT


def test_cp1251_when_no_line_is_utf8() -> None:
    assert decode(TEXT.encode("cp1251")) == TEXT


def test_one_cp1251_line_in_a_utf8_file_is_named_with_its_text() -> None:
    data = "\nid;name\nA;Лате\n".encode() + "B;Чай\n".encode("cp1251") + "C;Кава\n".encode()
    with pytest.raises(InputFileError) as info:
        decode(data, "site.csv")
    assert info.value.line == 4
    assert str(info.value) == (
        "site.csv:4: this line is not UTF-8 while the rest of the file is ('B;\ufffd\ufffd\ufffd')"
        " (save the whole file as UTF-8)"
    )


def test_a_long_bad_line_is_clipped_to_sixty_characters() -> None:
    long_line = "B;" + "x" * 70 + "Ж"
    data = "A;Лате\n".encode() + long_line.encode("cp1251") + b"\n"
    with pytest.raises(InputFileError) as info:
        decode(data)
    assert info.value.problem == f"this line is not UTF-8 while the rest of the file is ('B;{'x' * 57}…')"
    assert str(info.value).startswith("<catalogue>:2: ")


def test_a_bad_line_of_exactly_sixty_characters_is_not_clipped() -> None:
    line = "B;" + "x" * 57 + "Ж"  # 60 characters
    data = "A;Лате\n".encode() + line.encode("cp1251") + b"\n"
    with pytest.raises(InputFileError) as info:
        decode(data)
    assert info.value.problem == f"this line is not UTF-8 while the rest of the file is ('B;{'x' * 57}\ufffd')"


def test_a_byte_cp1251_does_not_define_names_its_line_and_value() -> None:
    data = b"\nid;name\nA;\xc0\n" + b"B;\x98\n"  # 0x98 is the one byte cp1251 leaves undefined
    with pytest.raises(InputFileError) as info:
        decode(data, "site.csv")
    assert str(info.value) == "site.csv:4: neither UTF-8 nor cp1251 (byte 0x98) (save it as UTF-8)"
    assert info.value.line == 4 and info.value.exit_code == 2
