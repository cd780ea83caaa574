"""Names to comparable keys: tokens in one Latin spelling, with sizes pulled out.

``Лате 0,4 л`` and ``Latte 400ml`` both become tokens ``["lat"]`` and size ``{"ml": 400}``:

* case, punctuation, quotes, emoji and marketing noise ("NEW", "хіт") go; accented Latin letters
  are plain ones (Piña); letters with dots are one word ("V.S.O.P"); "0.0" means alcohol-free;
* Ukrainian and Russian are transliterated (х as "kh", so п+х is not ф), then Latin spellings are
  simplified the same way on both sides (``cappuccino`` and ``капучіно`` meet at ``kapuchino``),
  doubled letters collapse, common Slavic and English endings are cut;
* general menu words are translated to one concept (:mod:`.vocabulary`); a vocabulary word as
  written wins over a stem it shares with another word ("cocoa" is not "coconut");
* words in parentheses, or after a spaced en dash, are a gloss ("Medovyk (honey cake)", "Lobiani –
  bean-stuffed bread"): kept, but marked, so they count less;
* sizes and units become one form: ``0,5 л = 500 мл = 500ml = 0.5L`` -> ``ml 500``; ``30 см =
  30cm`` -> ``cm 30``; ``8 шт = 8 pcs``; ``S/M/L/XL`` and words like "large", "великий" are kept as a
  size letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Sequence

from poster_cli.matching.parallel import parallel_map
from poster_cli.matching.vocabulary import CONCEPTS, KINDS, PHRASES, SIZE_WORDS, STOPWORDS

_CYR = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "'": "",
    "’": "",
    "ʼ": "",
    "`": "",
    "‘": "",
}
# Latin letters with accents are their plain letters (Piña, Jägermeister, crème brûlée, Café)
_LATIN = {
    ch: base
    for ch, base in ((chr(c), unicodedata.normalize("NFD", chr(c))[0]) for c in range(0xC0, 0x250))
    if base.isascii() and base.isalpha()
}
_LATIN.update({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d"})
_TRANSLIT = str.maketrans({**_LATIN, **_CYR})

# Latin spelling variants -> one form, applied in order to the whole (lower-case) string. The
# sounds sh/ch/zh are held as upper-case letters meanwhile, so the rules for c and h leave them be.
# English spellings of sounds a Cyrillic name writes otherwise fold too: brown/браун, show/шоу,
# brew/брю, brownie/брауні, cheese/чіз; Italian ones: gnocchi/ньокі, lasagna/лазанья; s and z are
# one letter (rosemary/розмарин, basil/базилік). Last, a soft vowel after a consonant loses its
# softness (салямі/salami, картопля/kartoplia/kartopla).
_SPELLING = (
    ("dzh", "j"),
    ("dj", "j"),
    ("cch", "k"),
    ("gn", "n"),
    ("tch", "C"),
    ("sch", "S"),
    ("cz", "C"),
    ("cci", "Ci"),
    ("cce", "Ce"),
    ("sh", "S"),
    ("ch", "C"),
    ("zh", "Z"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "h"),
    ("own", "aun"),
    ("ow", "ou"),
    ("ew", "iu"),
    ("wh", "v"),
    ("w", "v"),
    ("qu", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("zz", "ts"),
    ("tz", "ts"),
    ("z", "s"),
    ("ee", "i"),
    ("ie", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("y", "i"),
    ("ae", "e"),
    ("ce", "tse"),
    ("ci", "tsi"),
    ("c", "k"),
    ("h", "g"),
    ("S", "sh"),
    ("C", "ch"),
    ("Z", "j"),
)
_DOUBLE = re.compile(r"(.)\1+")
_SOFT = re.compile(r"(?<=[b-df-hj-np-tv-z])i(?=[au])")
_ENDINGS = (
    "omu",
    "ogo",
    "imi",
    "iami",
    "ami",
    "ih",
    "ah",
    "ii",
    "oi",
    "ei",
    "ia",
    "iu",
    "ov",
    "ev",
    "iv",
    "om",
    "em",
    "im",
    "oe",
    "a",
    "o",
    "u",
    "e",
    "i",
    "s",
)

_NUM = r"(\d+(?:[.,]\d+)?)"
_UNITS: dict[str, tuple[str, int | Decimal]] = {
    "мл": ("ml", 1),
    "ml": ("ml", 1),
    "л": ("ml", 1000),
    "l": ("ml", 1000),
    "lt": ("ml", 1000),
    "ltr": ("ml", 1000),
    "літр": ("ml", 1000),
    "литр": ("ml", 1000),
    "літра": ("ml", 1000),
    "литра": ("ml", 1000),
    "cl": ("ml", 10),
    "oz": ("ml", Decimal("29.5735")),
    "г": ("g", 1),
    "гр": ("g", 1),
    "g": ("g", 1),
    "gr": ("g", 1),
    "кг": ("g", 1000),
    "kg": ("g", 1000),
    "см": ("cm", 1),
    "cm": ("cm", 1),
    "шт": ("pcs", 1),
    "pcs": ("pcs", 1),
    "pc": ("pcs", 1),
    "штук": ("pcs", 1),
    "штуки": ("pcs", 1),
    "шматків": ("pcs", 1),
    "кусочков": ("pcs", 1),
}
# a number, then perhaps a unit word: "0,5 л", "500ml", "30 см", "8 шт."
_SIZE_RE = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*([a-zа-яіїєґё]*)\.?")
# A bare "0,5" or "1.5" on a menu is litres.
_BARE_LITRES = re.compile(r"[0-2][.,]\d{1,3}")
_LETTERS = {"xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_MARKS = re.compile(r"[^\w\s.,'’ʼ`‘-]", re.UNICODE)  # emoji, symbols, quotes of every kind (not apostrophes)
_DOTTED = re.compile(r"(?<![\w.])([^\W\d_](?:\.[^\W\d_])+)\.?(?!\w)")  # letters with dots: "V.S.O.P", "y.o."


@dataclass(frozen=True)
class NormalName:
    """A name ready to compare: concept tokens, sizes by dimension and a size letter."""

    tokens: tuple[str, ...]
    sizes: dict[str, int] = field(default_factory=dict)
    letter: str | None = None
    glossed: frozenset[str] = frozenset()  # tokens found only in parentheses

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    def size_label(self) -> str:
        parts = [f"{v} {d}" for d, v in self.sizes.items()]
        if self.letter:
            parts.append(self.letter)
        return ", ".join(parts)


def spell(text: str) -> str:
    """Transliterate and simplify spelling (lower-case input)."""
    text = text.translate(_TRANSLIT)
    for old, new in _SPELLING:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", _SOFT.sub("", text))


_ENDINGS_BY_LAST: dict[str, list[str]] = {}
for _e in _ENDINGS:  # only endings with the token's last letter can match; their order is kept
    _ENDINGS_BY_LAST.setdefault(_e[-1], []).append(_e)


def stem(token: str) -> str:
    """Cut one common ending (Slavic case endings, an English plural), keeping 3 letters."""
    if len(token) < 4 or token.isdigit():
        return token
    for ending in _ENDINGS_BY_LAST.get(token[-1], ()):
        if token.endswith(ending) and len(token) - len(ending) >= (3 if len(ending) < 3 else 4):
            return token[: -len(ending)]
    return token


def _word_key(word: str) -> str:
    return stem(_NON_WORD.sub("", spell(word.lower())))


def _build_concepts() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    concepts: dict[str, str] = {}  # stem of each word -> its concept
    exact: dict[str, str] = {}  # each word as spelled, unstemmed -> its concept
    letters: dict[str, str] = {}
    lines = [line.split() for line in CONCEPTS.splitlines()]
    # every word spelled in one pass (no spelling rule reaches across a line break): start-up time
    spelled = iter(spell("\n".join(w.lower() for words in lines for w in words)).split("\n"))
    for words in lines:
        keys = [_NON_WORD.sub("", next(spelled)) for _ in words]
        head = stem(keys[0])
        for key in keys:
            concepts.setdefault(stem(key), head)
            exact.setdefault(key, head)
        if words[0] in SIZE_WORDS:
            letters[head] = SIZE_WORDS[words[0]]
    return concepts, exact, letters


_CONCEPTS, _EXACT, _CONCEPT_LETTERS = _build_concepts()
_STOP = frozenset(STOPWORDS)
_PHRASES = {tuple(phrase.replace("-", " ").split()): tuple(one.split()) for phrase, one in PHRASES.items()}
_PHRASE_START = frozenset(words[0] for words in _PHRASES)
_PHRASE_LENGTHS = sorted({len(words) for words in _PHRASES}, reverse=True)  # the longest phrase wins
_HAS_DIGIT = re.compile(r"\d")
_GLOSS = re.compile(r"\(([^()]*)\)?")  # a parenthesis, closed or left open at the end
# "Lobiani – bean-stuffed bread": a spaced en or em dash then two words or more explains the name,
# as a parenthesis does ("Хачапурі – по-аджарськи", one word, is a name written so; and a hyphen,
# "Кава з молоком - Раф", joins two names as often as it explains one)
_DASH_GLOSS = re.compile(r"(?<=\S)\s+[–—]\s+(\S+\s+\S.*)$")


@lru_cache(maxsize=65536)
def concept(word: str) -> str:
    """One lower-case word as its spelled stem, or the concept it translates to."""
    spelled = _NON_WORD.sub("", spell(word))
    if spelled in _EXACT:
        return _EXACT[spelled]
    s = stem(spelled)
    if s in _CONCEPTS:
        return _CONCEPTS[s]
    for n in range(len(s) - 1, max(3, len(s) - 5), -1):  # an inflected or derived form of a known word
        if s[:n] in _CONCEPTS:
            return _CONCEPTS[s[:n]]
    return s


_KIND_MEMBERS = {concept(kind): frozenset(concept(w) for w in words.split()) for kind, words in KINDS.items()}


def extract_sizes(text: str) -> tuple[str, dict[str, int]]:
    """Pull ``number unit`` sizes out of lower-case text; returns the rest and the sizes."""
    sizes: dict[str, int] = {}
    if not _HAS_DIGIT.search(text):
        return text, sizes

    def take(m: re.Match[str]) -> str:
        number, unit = m.group(1), m.group(2)
        if unit in _UNITS:
            dim, factor = _UNITS[unit]
        elif not unit and _BARE_LITRES.fullmatch(number):
            dim, factor = "ml", 1000
        else:
            return m.group(0)
        if number.isdigit() and isinstance(factor, int):
            value = int(number) * factor  # the common case, exact without Decimal
        else:
            value = int((Decimal(number.replace(",", ".")) * Decimal(factor)).to_integral_value())
        if value == 0:  # "Heineken 0.0" is the alcohol-free one
            return " безалкогольний " if not unit and "0" in number[2:] else m.group(0)
        sizes.setdefault(dim, value)
        return " "

    return _SIZE_RE.sub(take, text), sizes


_NORMAL: dict[str, NormalName] = {}  # names normalised so far (or by a worker process)
_NORMAL_LIMIT = 200_000


def normalise(name: str) -> NormalName:
    """The comparable form of a menu or catalogue name (remembered)."""
    found = _NORMAL.get(name)
    if found is None:
        if len(_NORMAL) >= _NORMAL_LIMIT:
            _NORMAL.clear()
        found = _NORMAL[name] = _normalise(name)
    return found


def normalise_pair(first: str, second: str) -> NormalName:
    """The comparable form of ``first second`` (a product and its modification), read as if
    written one after the other, from the two parts: a menu's modifications repeat ("250 мл"), so
    each part is normalised once."""
    words = first.lower().split()
    if (
        first.rstrip()[-1:].isdigit()
        or second.lstrip()[:1] in "–—-"
        or any(mark in first for mark in "(–—")
        or (words and words[-1] in _PHRASE_START)
    ):
        return normalise(f"{first} {second}")  # the parts would read differently together: a size,
        # a gloss or a phrase across the join
    a, b = normalise(first), normalise(second)
    if not (b.tokens or b.sizes or b.letter):
        return a
    sizes = dict(a.sizes)
    for dim, value in b.sizes.items():
        sizes.setdefault(dim, value)  # the first size of a kind wins, as in one name
    glossed = a.glossed | b.glossed
    if glossed:
        glossed -= (frozenset(a.tokens) - a.glossed) | (frozenset(b.tokens) - b.glossed)
    return NormalName(tokens=a.tokens + b.tokens, sizes=sizes, letter=a.letter or b.letter, glossed=glossed)


def normalise_all(names: Iterable[str], workers: int) -> None:
    """Normalise many names ahead of use, shared between ``workers`` processes (a big menu's
    names are most of the work of indexing it); the answers are remembered here."""
    todo = [n for n in dict.fromkeys(names) if n not in _NORMAL]
    if todo:
        _NORMAL.update(zip(todo, parallel_map(lambda part: [_normalise(n) for n in part], todo, workers)))


def remember(names: Sequence[str], norms: Sequence[NormalName]) -> None:
    """Take names normalised in another process."""
    _NORMAL.update(zip(names, norms))


def clear_caches() -> None:
    """Forget every normalised name and word (a benchmark's cold start)."""
    _NORMAL.clear()
    concept.cache_clear()


def _normalise(name: str) -> NormalName:
    if "´" in name:  # an acute accent typed for an apostrophe (Daniel´s): NFKC would make it a space
        name = name.replace("´", "'")
    text = name if unicodedata.is_normalized("NFKC", name) else unicodedata.normalize("NFKC", name)
    text = text.lower()
    if " " in text and ("–" in text or "—" in text):
        text = _DASH_GLOSS.sub(r" (\1)", text)
    if "(" not in text:
        tokens, sizes, letter = _read(text, [], {}, None)
        return NormalName(tokens=tuple(tokens), sizes=sizes, letter=letter)
    tokens, sizes, letter = _read(_GLOSS.sub(" ", text), [], {}, None)
    plain = len(tokens)
    tokens, sizes, letter = _read(" ".join(_GLOSS.findall(text)), tokens, sizes, letter)
    glossed = frozenset(tokens[plain:]) - frozenset(tokens[:plain])
    return NormalName(tokens=tuple(tokens), sizes=sizes, letter=letter, glossed=glossed)


def _read(
    text: str, tokens: list[str], sizes: dict[str, int], letter: str | None
) -> tuple[list[str], dict[str, int], str | None]:
    """Add the words, sizes and size letter of ``text`` to those read so far (first ones win)."""
    text = _MARKS.sub(" ", text)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text, found = extract_sizes(text)
    for dim, value in found.items():
        sizes.setdefault(dim, value)
    # (str.replace is several times faster than str.translate on Cyrillic text)
    words = text.replace("-", " ").replace(".", " ").replace(",", " ").replace("_", " ").split()
    if not _PHRASE_START.isdisjoint(words):
        words = _join_phrases(words)
    last = len(words) - 1
    for n, word in enumerate(words):
        if word in _LETTERS:
            if word == "s" and n < last and words[n + 1].isalpha() and words[n + 1] not in _LETTERS:
                continue  # "Chai s limonom": Russian "с" (with) written in Latin, not a size
            letter = letter or _LETTERS[word]
            continue
        if word in _STOP:
            continue
        tok = concept(word)
        if not tok:
            continue
        if tok in _CONCEPT_LETTERS:
            letter = letter or _CONCEPT_LETTERS[tok]
            continue
        tokens.append(tok)
    return tokens, sizes, letter


def _join_phrases(words: list[str]) -> list[str]:
    """Words with each known phrase ("ice cream", "pike-perch") replaced by its one word."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in _PHRASE_START:
            for n in _PHRASE_LENGTHS:
                one = _PHRASES.get(tuple(words[i : i + n]))
                if one is not None:
                    joined.extend(one)
                    i += n
                    break
            else:
                joined.append(words[i])
                i += 1
        else:
            joined.append(words[i])
            i += 1
    return joined


def kind_members(category: NormalName) -> frozenset[str]:
    """The generic words a menu section stands for ("Десерти" -> cake, pastry)."""
    members: set[str] = set()
    for tok in category.tokens:
        members.update(_KIND_MEMBERS.get(tok, ()))
    return frozenset(members)
