"""``docs/poster-assumptions.md`` and the ``Inferred [id]`` notes in the code stay in step: every
note's id has an entry in the document, every entry is noted where the code relies on it, each
entry says what, why, where and what if wrong, and the README links to it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "poster-assumptions.md"
PACKAGE = ROOT / "poster_cli"
NOTE = re.compile(r"Inferred \[([a-z0-9-]+)\]")
ENTRY = re.compile(r"^### `([a-z0-9-]+)`\s*$", re.M)


def code_notes(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for note in NOTE.findall(path.read_text("utf-8")):
            found.setdefault(note, set()).add(str(path.relative_to(ROOT)))
    return found


def doc_entries() -> dict[str, str]:
    text = DOC.read_text("utf-8")
    heads = list(ENTRY.finditer(text))
    return {
        m.group(1): text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        for i, m in enumerate(heads)
    }


def test_every_inferred_note_in_the_code_has_an_entry():
    missing = sorted(set(code_notes(PACKAGE)) - set(doc_entries()))
    assert missing == [], f"noted in the code but not in {DOC.name}: {missing}"


def test_every_entry_is_noted_where_the_code_relies_on_it():
    unnoted = sorted(set(doc_entries()) - set(code_notes(PACKAGE)))
    assert unnoted == [], f"in {DOC.name} but no 'Inferred [id]' note in poster_cli: {unnoted}"


def test_the_sandbox_has_notes_and_says_inferred_only_with_an_id():
    assert len(code_notes(PACKAGE / "sandbox")) >= 20
    for path in sorted((PACKAGE / "sandbox").glob("*.py")):
        text = path.read_text("utf-8")
        for m in re.finditer(r"\b[Ii]nferred\b", text):
            tail = text[m.end() : m.end() + 40]
            assert tail.startswith(" [") or tail.startswith(" notes"), (
                f"{path.name}: untagged '{text[m.start() : m.end() + 40]}'"
            )


def test_each_entry_says_what_why_where_and_what_if_wrong():
    for name, body in doc_entries().items():
        for part in ("**What**", "**Why**", "**Where**", "**If wrong**", "**Probe**"):
            assert part in body, f"{name}: no {part}"


def test_no_entry_is_listed_twice():
    heads = ENTRY.findall(DOC.read_text("utf-8"))
    assert len(heads) == len(set(heads))


def test_the_readme_links_to_the_document():
    assert "docs/poster-assumptions.md" in (ROOT / "README.md").read_text("utf-8")
