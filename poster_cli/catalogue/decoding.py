"""Text from a catalogue file's bytes, decoded strictly: a wrong guess is reported, never garbled.

UTF-16 with a BOM and UTF-8 (with or without a BOM) are read as such. A file that is not UTF-8 is
taken for cp1251 (Excel's CSV in Ukraine and Russia) only when none of its lines is UTF-8: a UTF-8
file with one cp1251 row is a broken file, and the error names that row's line rather than
decoding the whole file in the wrong encoding. Bytes cp1251 does not define are an error too.
"""

from __future__ import annotations

from pathlib import Path

from poster_cli.errors import InputFileError


def decode(data: bytes, path: Path | str = "<catalogue>") -> str:
    """The file's text; :class:`InputFileError` naming the first line that is not in its encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFileError(path, f"not valid UTF-16 at byte {exc.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lines = data.split(b"\n")
    bad_line = data.count(b"\n", 0, first_bad) + 1
    if any(not raw.isascii() and _is_utf8(raw) for raw in lines):
        text = lines[bad_line - 1].decode("utf-8", errors="replace").strip()
        raise InputFileError(
            path,
            f"this line is not UTF-8 while the rest of the file is ({_clip(text)!r})",
            line=bad_line,
            hint="save the whole file as UTF-8",
        )
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            path, f"neither UTF-8 nor cp1251 (byte 0x{data[exc.start]:02x})", line=line, hint="save it as UTF-8"
        ) from None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
