"""Words a person taught the matcher: learnt from the links they chose, kept in ``<data>/aliases.toml``.

When a person links "Pork mtsvadi on vine twigs" to "Мцваді на виноградній лозі / Свинина", the
words left over on each side once the shared ones are set aside ("vine twigs" / "виноградній
лозі") are taken to mean the same: every other site name with those words is then compared as if
it said the menu's words. The file is plain TOML the person may edit or empty::

    [words]
    "vine twigs" = "виноградній лозі"

Only a short, clean leftover is learnt (as many words on each side, one to three, no number and no
explanation in parentheses): a choice that shares nothing with its target, or differs in many
words, teaches nothing. An alias only changes how a name is read; the accept rules stay the same.
A pair set to "" is never used (delete a line and a link in the mapping may teach it again; set it
to "" to stop it).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Callable, Iterable

from poster_cli.matching.normalize import NormalName, concept, normalise

ALIASES_FILE = "aliases.toml"
MAX_WORDS = 3
HEADER = (
    "# Words poster-cli learnt from the links you chose: the site's words = the menu's words.\n"
    "# `poster-cli match` compares site names as if they said the menu's words. Edit freely;\n"
    '# set a pair to "" to stop it (a deleted pair may be learnt again from a link you made).\n'
)
_WORD = re.compile(r"[^\W\d_][\w'’ʼ`-]*", re.UNICODE)

Alias = tuple[tuple[str, ...], tuple[str, ...]]  # site tokens -> menu tokens (normalised)
Similarity = Callable[[str, str], float]  # two different words -> 0..1 (the engine's word similarity)


def _words_for(name: str, tokens: Iterable[str]) -> str:
    """The name's own words (as written) that normalise to ``tokens``, in the name's order."""
    wanted = set(tokens)
    found: list[str] = []
    for word in _WORD.findall(name.replace("/", " ")):
        tok = concept(word.lower())
        if tok in wanted:
            found.append(word.lower())
            wanted.discard(tok)
    return " ".join(found) if not wanted else ""


def learn(site_name: str, menu_name: str, similar: Similarity | None = None) -> tuple[str, str] | None:
    """The word pair a person's link of ``site_name`` to ``menu_name`` teaches, as written on each
    side ("vine twigs", "виноградній лозі"), or None when it teaches nothing."""
    site, menu = normalise(site_name), normalise(menu_name)
    site_only = tuple(tok for tok in _leftover(site, menu, similar) if tok not in site.glossed)
    menu_only = tuple(tok for tok in _leftover(menu, site, similar) if tok not in menu.glossed)
    if not site_only or len(site_only) != len(menu_only) or len(site_only) > MAX_WORDS:
        return None  # (word for word only: "golden latte" / "золоте" would teach a wrong pair)
    if len(site_only) == len(site.tokens):  # nothing shared: no way to tell which words mean which
        return None
    left, right = _words_for(site_name, site_only), _words_for(menu_name, menu_only)
    if not left or not right:
        return None
    return left, right


def _leftover(a: NormalName, b: NormalName, similar: Similarity | None) -> tuple[str, ...]:
    """The tokens of ``a`` that ``b`` has neither as such nor as a similar word, no digits."""
    mine = set(b.tokens) | {str(v) for v in b.sizes.values()}
    left = []
    for tok in dict.fromkeys(a.tokens):
        if tok in mine or tok.isdigit():
            continue
        if similar is not None and any(similar(tok, u) > 0 for u in b.tokens if u != tok):
            continue
        left.append(tok)
    return tuple(left)


def compile_aliases(words: dict[str, str]) -> list[Alias]:
    """The file's word pairs as token sequences (pairs that normalise to nothing are dropped)."""
    result: list[Alias] = []
    for left, right in words.items():
        a, b = normalise(left).tokens, normalise(right).tokens if right.strip() else ()
        if a and b and a != b:
            result.append((a, b))
    return result


def apply_aliases(norm: NormalName, aliases: list[Alias]) -> NormalName:
    """``norm`` with each alias whose site words it has all read as the menu's words."""
    tokens = list(norm.tokens)
    changed = False
    glossed = set(norm.glossed)
    for left, right in aliases:
        if not set(left).issubset(tokens):
            continue
        at = tokens.index(left[0])
        was_gloss = all(tok in norm.glossed for tok in left)
        tokens = [tok for tok in tokens if tok not in left]
        new = [tok for tok in right if tok not in tokens]
        tokens[at:at] = new
        if was_gloss:
            glossed.update(new)
        changed = True
    if not changed:
        return norm
    return NormalName(tokens=tuple(tokens), sizes=norm.sizes, letter=norm.letter, glossed=frozenset(glossed))


def load_aliases(path: Path) -> dict[str, str]:
    """The word pairs in ``path`` (empty when there is no file). A file that is not the TOML this
    module writes is an input error naming the file."""
    from poster_cli.errors import InputFileError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(path, f"not valid TOML ({exc})") from None
    words = data.get("words", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise InputFileError(path, '[words] must hold lines like "site words" = "menu words"')
    return {str(k): v for k, v in words.items()}


def save_aliases(path: Path, words: dict[str, str]) -> None:
    """Write the word pairs (atomically), sorted, under a comment saying what they are."""
    import tomli_w

    from poster_cli.config import write_atomic

    body = tomli_w.dumps({"words": dict(sorted(words.items()))})
    write_atomic(path, (HEADER + "\n" + body).encode("utf-8"))
