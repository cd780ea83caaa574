"""Matching: candidates from an inverted index, a 0-100 score with a reason, one-to-one assignment.

Scale: candidates come from an index of name tokens and their 4-letter prefixes, weighted by
rarity (IDF), so each site item meets a dozen targets, never the whole menu; only those are
scored in full. A word on many targets is not walked; a name made only of such words is looked up
by pairs of them (the rarest pairs first, a few hundred targets at most), so the work per item
stays bounded however big the menu and however much its names share. Scores combine name
similarity (rarity-weighted token alignment, both ways, so extra words on either side cost) with
size agreement (a conflict is strong negative evidence), category agreement and price proximity;
hidden targets and those invisible at the spot are ranked down. An item is accepted
automatically only when its best target scores at least ``accept``, is clearly ahead of the next
one, is orderable, and no other item claims the same target.
"""

from __future__ import annotations

import gc
import math
import os
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from rapidfuzz import fuzz, process

from poster_cli.catalogue.items import CatalogueItem
from poster_cli.matching.aliases import Alias, apply_aliases
from poster_cli.matching.normalize import NormalName, kind_members, normalise
from poster_cli.matching.parallel import parallel_map, workers_for
from poster_cli.matching.targets import MatchTarget, build_targets
from poster_cli.poster.models import Product

NAME_SHARE = 90.0
BARCODE_REASON = "same barcode/code"
POOL_FLOOR = 0.3  # score in full only targets with at least this share of the best retrieval weight
POOL_FLOOR_BIG = 0.4  # the same on a big menu, where each weak candidate scored costs time
BIG_MENU = 2000  # targets
CONTEXT_CREDIT = 0.8  # a word found only in the other side's category
QUERY_SHARE = 0.7  # how much of name similarity is the site name's words found in the target
GLOSS_SHARE = 0.5  # weight of a word in parentheses, an explanation rather than the name
GLOSS_CAP = 0.5  # an explanation's words together weigh at most this share of the name's
CROWD = 60  # a word on more targets than this is too common to find targets by on its own
PAIR_LIMIT = 2000  # a pair of common words on more targets than this is not walked either
PAIR_POOL = 12  # targets found by pairs of common words that are weighed in full
PARALLEL_MIN_ITEMS = 1000  # site items per worker process below which one more costs more than it saves
TargetKey = tuple[int, int | None, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class MatchOptions:
    accept: float = 80.0  # auto-accept at or above this score
    review: float = 40.0  # offer candidates at or above this score
    margin: float = 5.0  # the best must lead the next target by this much to be accepted
    allow_shared: bool = False  # may two site items be auto-mapped to one target?
    top: int = 5  # candidates kept per item
    pool: int = 12  # candidates scored in full per item


@dataclass(slots=True)
class MatchCandidate:
    """One possible target for a site item, with its score and why."""

    target: MatchTarget  # what it names: product, modification or dish choice, with its price and marks
    score: float
    evidence: list[str]  # what moved the score besides the name
    name_score: float = 0.0
    raw: float = 0.0  # unclamped score, for ranking

    @property
    def product_id(self) -> int:
        return self.target.product_id

    @property
    def modificator_id(self) -> int | None:
        return self.target.modificator_id

    @property
    def dish_modifications(self) -> tuple[tuple[int, int], ...]:
        return self.target.dish_modifications

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def category(self) -> str:
        return self.target.category

    @property
    def price(self) -> int | None:
        return self.target.price

    @property
    def hidden(self) -> bool:
        return self.target.hidden

    @property
    def visible(self) -> bool:
        return self.target.visible

    @property
    def reason(self) -> str:
        """Why this score, in a few words ("name 92, size 400 ml, same price")."""
        if self.evidence == [BARCODE_REASON]:
            return BARCODE_REASON
        return ", ".join([f"name {round(100 * self.name_score)}", *self.evidence])

    @property
    def key(self) -> TargetKey:
        return self.target.key

    @property
    def size(self) -> str:
        """Its size as shown at review ("400 ml", "L"); worked out only when shown."""
        return self.target.size_label

    def to_json(self) -> dict[str, object]:
        return {
            "product_id": self.product_id,
            "modificator_id": self.modificator_id,
            "name": self.name,
            "score": self.score,  # rounded to one decimal already (MenuIndex.candidate)
        }


@dataclass
class MatchResult:
    """The outcome for one site item: its ranked candidates and the automatically accepted one.

    The candidates are made from the ranking when first asked for: a run over ten thousand items
    that shows none of them need not build fifty thousand."""

    item: CatalogueItem
    ranked: list["Ranked"] = field(default_factory=list)
    index: "MenuIndex | None" = field(default=None, repr=False, compare=False)
    accepted: MatchCandidate | None = None
    note: str = ""
    best: MatchCandidate | None = field(default=None, init=False)
    _candidates: list[MatchCandidate] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.ranked and self.index is not None:
            self.best = self.index.candidate(*self.ranked[0])

    def rerank(self, options: "MatchOptions") -> None:
        """Rank the item again (the index has learnt words since): new candidates, no decision."""
        if self.index is not None:
            self.ranked = self.index.ranked(self.item, options)
            self.best = self.index.candidate(*self.ranked[0]) if self.ranked else None
            self._candidates = None

    @property
    def candidates(self) -> list[MatchCandidate]:
        if self._candidates is None:
            index = self.index
            self._candidates = (
                [self.best, *(index.candidate(*r) for r in self.ranked[1:])] if index and self.best else []
            )
        return self._candidates


def _negation_of(a: str, b: str) -> bool:
    """ "negazovan" is not "gazovan": Slavic ne-/bez- turn a word into its opposite."""
    for prefix in ("ne", "bez"):
        if a.startswith(prefix) and not b.startswith(prefix):
            rest = fuzz.ratio(a[len(prefix) :], b)
            if rest >= 80 and rest > fuzz.ratio(a, b):  # closer without it: a prefix, not a root (neapolitan)
                return True
    return False


def _token_similarity(a: str, b: str, ratio: float) -> float:
    """Similarity of two different words given their fuzz.ratio (0-100): spelling variants and
    inflections count, negations and numbers do not."""
    if a.isdigit() or b.isdigit() or _negation_of(a, b) or _negation_of(b, a):
        return 0.0
    r = ratio / 100.0
    if len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)):
        r = max(r, 0.85)
    elif a[:5] == b[:5]:  # the same root, other suffixes: bavarian / bavarsk (two different words: 5 letters each)
        same = len(os.path.commonprefix((a, b)))
        if same >= 0.7 * min(len(a), len(b)):
            r = max(r, 0.8)
    return r if r >= 0.72 else 0.0


Ranked = tuple[int, float, float, list[str]]
_NOTHING: frozenset[str] = frozenset()
_NO_NAME = NormalName(tokens=())


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Hold the cyclic garbage collector off: building an index and matching make hundreds of
    thousands of small objects and no cycles, and each collection would walk them all again.

    ``freeze``: for a command that ends soon after, leave every object made so far out of future
    collections (``gc.freeze``) rather than have the next allocation walk them all once more.
    Reference counting still frees them."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


@dataclass(slots=True)
class _Words:
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    total: float
    match_set: frozenset[str]  # its words and its sizes as numbers ("Americano 400" names 400 ml)
    context: frozenset[str]  # its category's words ("Pepperoni pizza" vs "Пепероні" in "Піца")
    token_set: frozenset[str]
    joined: str
    sized: bool  # says something about size: a size, a size letter or a bare number
    category_key: str  # its category's words, joined ("" when it has none)


class MenuIndex:
    """The targets of one menu, indexed for candidate generation and scored against site items."""

    def __init__(self, targets: Sequence[MatchTarget]) -> None:
        self.targets = list(targets)
        self._by_code: dict[str, list[int]] = defaultdict(list)
        self._by_token: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[int]] = defaultdict(list)
        self._by_short: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(self.targets):
            t.index = i
            for code in t.codes:
                self._by_code[code].append(i)
            for tok in set(t.norm.tokens):
                self._by_token[tok].append(i)
                if len(tok) >= 4:
                    self._by_prefix[tok[:4]].append(i)
                if len(tok) >= 3:
                    self._by_short[tok[:3]].append(i)
        n = len(self.targets) + 1
        self._idf = {tok: math.log(n / (len(ids) + 0.5)) + 0.3 for tok, ids in self._by_token.items()}
        self._unknown_weight = math.log(n / 0.5) + 0.3
        self._crowd = CROWD  # postings longer than this are too common to search by
        self._token_sets = [frozenset(t.norm.tokens) for t in self.targets]
        # Two common words together are rarer evidence than either: targets by each pair of their
        # crowded words, so a name made only of common words still finds its few targets by
        # walking a short list, whatever the size of the menu.
        crowded = {tok for tok, ids in self._by_token.items() if len(ids) > CROWD}
        self._by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        if crowded:
            for i, words in enumerate(self._token_sets):
                common = sorted(words & crowded)
                for k, a in enumerate(common):
                    for b in common[k + 1 :]:
                        self._by_pair[(a, b)].append(i)
        self._keys: list[str] | None = None
        self._vocabulary: list[str] | None = None  # every word of the menu's names
        self._near: dict[str, tuple[str, ...]] = {}  # a word the menu lacks -> the menu's nearest words
        self._categories: dict[tuple[str, str], bool] = {}
        self._words: list[_Words | None] = [None] * len(self.targets)  # prepared when first scored
        self._category_keys = [t.category_norm.key for t in self.targets]
        self._sections: dict[str, frozenset[str]] = {}  # a category's words and the generic words it stands for
        self._similar: dict[tuple[str, str], float] = {}  # word pairs compared so far
        self.aliases: list[Alias] = []  # site words read as the menu's words (taught by a person)
        self._initials: dict[str, tuple[str, ...]] | None = None  # "jw" -> the brand words it stands for

    @classmethod
    def from_products(
        cls,
        products: Iterable[Product],
        spot_id: int | None,
        *,
        # speed only: worker processes normalise the same names to the same targets (no user can tell)
        share: bool = True,  # pragma: no mutate
    ) -> "MenuIndex":
        """The index of a menu's targets (``share``: a big menu's names may be normalised by worker
        processes; not when another process already keeps the other cores busy)."""
        with gc_paused():
            # speed only: worker processes normalise the same names to the same targets (no user can tell)
            return cls(build_targets(products, spot_id, share=share))  # pragma: no mutate

    # -- candidate generation ----------------------------------------------------------------

    def _pool(self, norm: NormalName, item: CatalogueItem, size: int) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        if self._by_code:
            for code in (item.barcode.strip().lower(), item.local_id.strip().lower()):
                for i in self._by_code.get(code, ()):  # (no target has the empty code: targets._codes)
                    # a code match outweighs any name evidence (a few dozen at most): 1000 or 1001, added or set, same pool
                    acc[i] += 1000.0  # pragma: no mutate
        # in the name's order, never a set's: sums of the same weights in another order can differ
        # in the last bit, and ties between targets then fall otherwise from one run to the next
        tokens = list(dict.fromkeys(norm.tokens))
        by_token, by_prefix, crowd, token_sets = self._by_token, self._by_prefix, self._crowd, self._token_sets
        idf, unknown = self._idf, self._unknown_weight
        rare_enough = [t for t in tokens if len(by_token.get(t, ())) <= crowd]
        searched = rare_enough if rare_enough else tokens
        longest = crowd * 3  # a posting list longer than this says too little to walk it
        for tok in searched:  # the word itself, and words that begin the same (inflections)
            w = idf.get(tok, unknown)
            postings = by_token.get(tok, ())
            if len(postings) <= longest:
                for i in postings:
                    acc[i] += w
            if len(tok) >= 4:
                postings = by_prefix.get(tok[:4], ())
                if len(postings) <= longest:
                    add = 0.5 * w
                    for i in postings:
                        acc[i] += add
        crowded = [tok for tok in tokens if tok not in searched]
        if crowded:  # a common word does not find targets, but it still tells those found apart
            for i in list(acc):
                for tok in crowded:
                    if tok in token_sets[i]:
                        acc[i] += idf[tok]  # (a crowded word is on many targets: it has its weight)
        if not rare_enough and len(tokens) > 1:  # every word is common: the targets that have them all
            together = self._having_all(set(tokens))
            if together is not None and len(together) <= longest:
                both = sum(idf.get(t, unknown) for t in tokens)
                for i in together:
                    acc[i] += both
        if not acc:  # nothing yet: the targets that have two of its common words
            common = crowded or (tokens if not rare_enough else [])
            if len(self.targets) >= BIG_MENU:  # words the menu lacks read as its nearest ones (a typo)
                common = common + [near for tok in tokens if tok not in by_token for near in self._near_words(tok)]
            if len(common) > 1:
                self._pairs(list(dict.fromkeys(common)), acc, longest)
        if len(acc) < size:  # few found: words that share only their first three letters
            for tok in searched:
                postings = self._by_short.get(tok[:3], ()) if len(tok) >= 3 else ()
                if len(postings) <= longest:
                    add = 0.25 * idf.get(tok, unknown)
                    for i in postings:
                        acc[i] += add
        if not acc and norm.tokens:  # no word found anything: names that look alike
            if self._keys is None:
                self._keys = [t.norm.key for t in self.targets]
            if len(self.targets) < BIG_MENU:
                for _, _, i in process.extract(norm.key, self._keys, scorer=fuzz.ratio, limit=size, score_cutoff=50):
                    acc[i] = 1.0
            else:  # a big menu: not all of it (the cost would grow with the menu), only what its words narrow to
                self._near_pool(norm, tokens, acc, size)
        # of targets found alike, those with fewer words first: more of their name is what was asked
        # (on a menu of 30 "Піца ..." the plain "Піца" is weighed, wherever it stands)
        ranked = sorted(acc, key=lambda i: (acc[i], -len(token_sets[i])), reverse=True)[:size]
        # far weaker retrieval evidence than the best cannot end up near the top: not worth scoring
        floor = (POOL_FLOOR_BIG if len(self.targets) >= BIG_MENU else POOL_FLOOR) * acc[ranked[0]] if ranked else 0.0
        return [i for i in ranked if acc[i] >= floor]

    def _near_pool(self, norm: NormalName, tokens: list[str], acc: dict[int, float], size: int) -> None:
        """Candidates on a big menu for a name none of whose words found anything: its words the
        menu does not have are read as the menu's nearest words ("omelette" / "omlet", a typo), then
        targets having two of its words are taken; failing that, the names that look most like it
        among the targets of its rarest word (a bounded list, never the whole menu)."""
        by_token = self._by_token
        words = [tok for tok in tokens if tok in by_token]
        words += [near for tok in tokens if tok not in by_token for near in self._near_words(tok)]
        if not words:
            return
        rarest = min((by_token[tok] for tok in words), key=len)
        if len(rarest) > PAIR_LIMIT:
            return
        keys = self._keys
        assert keys is not None
        choices = {i: keys[i] for i in rarest}
        for _, _, i in process.extract(norm.key, choices, scorer=fuzz.ratio, limit=size, score_cutoff=50):
            acc[i] = 1.0

    def _near_words(self, token: str) -> tuple[str, ...]:
        """The menu's words most like a word it does not have (remembered)."""
        # a cache: without it the same nearest words are worked out again
        near = self._near.get(token)  # pragma: no mutate
        if near is None:
            if self._vocabulary is None:
                self._vocabulary = list(self._by_token)
            found = process.extract(token, self._vocabulary, scorer=fuzz.ratio, limit=2, score_cutoff=75)
            near = self._near[token] = tuple(word for word, _, _ in found)
        return near

    def _pair_lists(self, words: Iterable[str]) -> list[list[int]]:
        """The targets having each pair of ``words``, shortest list first."""
        ordered = sorted(words)
        by_pair = self._by_pair
        lists = [by_pair.get((a, b), []) for k, a in enumerate(ordered) for b in ordered[k + 1 :]]
        lists.sort(key=len)
        return lists

    def _having_all(self, tokens: set[str]) -> list[int] | None:
        """The targets (in menu order) that have every one of ``tokens`` (at least two, each
        common), read from the shortest lists of targets having two of them; None when even the
        shortest is too long to walk."""
        lists = self._pair_lists(tokens)
        if len(lists[0]) > PAIR_LIMIT:
            return None
        if len(lists) == 1:
            return lists[0]
        together = set(lists[0]).intersection(lists[1])  # (in C: a few microseconds)
        if len(tokens) > 3 and together:
            token_sets = self._token_sets
            return sorted(i for i in together if tokens <= token_sets[i])
        return sorted(together)

    def _pairs(self, crowded: Sequence[str], acc: dict[int, float], longest: int) -> None:
        """Add to ``acc`` the targets having two or more of the ``crowded`` words, each weighed by
        all the crowded words it has. The rarest pairs are read first, and no more than a few
        hundred targets in all: a pair on many targets says little, and the cost stays bounded."""
        counts: Counter[int] = Counter()
        budget = 2 * longest
        for postings in self._pair_lists(crowded):
            if len(postings) > budget:
                break
            counts.update(postings)  # (counted in C)
            budget -= len(postings)
        if not counts:
            return
        idf, token_sets = self._idf, self._token_sets
        most = sorted(counts, key=counts.__getitem__, reverse=True)[: 2 * PAIR_POOL]
        for i in sorted(most):
            acc[i] += sum(idf[tok] for tok in crowded if tok in token_sets[i])  # (a word of a target has a weight)

    # -- scoring -------------------------------------------------------------------------------

    def _same_category(self, a: NormalName, b: NormalName, key: tuple[str, str]) -> bool:
        # a cache: without it the same answer is worked out again
        agrees = self._categories.get(key)  # pragma: no mutate
        if agrees is None:
            agrees = _align(self.words(a), self.words(b), self) >= 0.6
            # a cache: storing nothing only works the same answer out again
            self._categories[key] = agrees  # pragma: no mutate
        return agrees

    def word_similarity(self, a: str, b: str) -> float:
        """Similarity of two different words (0 or 0.72..1), remembered: the same pairs of words
        meet again and again over a catalogue."""
        # a cache: without it the same similarity is worked out again
        sim = self._similar.get((a, b))  # pragma: no mutate
        if sim is None:
            ratio = fuzz.ratio(a, b, score_cutoff=50)
            sim = self._similar[(a, b)] = self._similar[(b, a)] = _token_similarity(a, b, ratio) if ratio else 0.0
        return sim

    def words(self, norm: NormalName, category: NormalName | None = None) -> "_Words":
        """A name prepared for alignment: weights, the words it matches, its category's words."""
        idf, unknown, tokens, glossed = self._idf, self._unknown_weight, norm.tokens, norm.glossed
        weights = tuple([idf.get(tok, unknown) * (GLOSS_SHARE if tok in glossed else 1.0) for tok in tokens])
        if glossed:  # a long explanation (a list of ingredients) counts at most GLOSS_CAP of the name
            name_weight = sum(w for tok, w in zip(tokens, weights) if tok not in glossed)
            gloss_weight = sum(weights) - name_weight
            if name_weight and gloss_weight > GLOSS_CAP * name_weight:
                scale = GLOSS_CAP * name_weight / gloss_weight
                weights = tuple([w * scale if tok in glossed else w for tok, w in zip(tokens, weights)])
        token_set = frozenset(tokens)
        match_set = token_set | {str(v) for v in norm.sizes.values()}
        category_key = " ".join(category.tokens) if category is not None else ""
        if category is not None and category_key:
            # a cache: without it the same words are worked out again
            said = self._sections.get(category_key)  # pragma: no mutate
            if said is None:
                said = self._sections[category_key] = frozenset(category.tokens) | kind_members(category)
            context = said - match_set
        else:
            context = _NOTHING
        sized = bool(norm.sizes or norm.letter) or any(tok.isdigit() for tok in tokens)
        return _Words(
            tokens, weights, sum(weights), match_set, context, token_set, "".join(tokens), sized, category_key
        )

    def _target_words(self, i: int) -> "_Words":
        # a cache: without it the same words are worked out again
        words = self._words[i]  # pragma: no mutate
        if words is None:
            t = self.targets[i]
            words = self._words[i] = self.words(t.norm, t.category_norm)
        return words

    def name_similarity(self, q: "_Words", t: "_Words") -> float:
        """0..1: rarity-weighted word alignment both ways, the site item's words counting most (a
        site often shortens a name: "Пельмені" for "Пельмені домашні"); or, when it is closer and the
        words are cut differently, the similarity of the names written without spaces ("Panna cotta" /
        "Панакота")."""
        if not q.tokens or not t.tokens:
            return 0.0
        if q.token_set == t.token_set:
            return 1.0
        aligned = QUERY_SHARE * _align(q, t, self) + (1 - QUERY_SHARE) * _align(t, q, self)
        if len(q.tokens) == len(t.tokens):  # the same number of words: nothing is run together ("Soba"/"Рис")
            return aligned
        if 200 * min(len(q.joined), len(t.joined)) < 85 * (
            len(q.joined) + len(t.joined)
        ):  # lengths alone keep the ratio under 85
            return aligned
        return max(aligned, fuzz.ratio(q.joined, t.joined, score_cutoff=85) / 100.0)

    def score(
        self, item: CatalogueItem, norm: NormalName, cat: NormalName, t: MatchTarget, query: "_Words | None" = None
    ) -> tuple[float, float, list[str]]:
        """(score 0-100, name similarity 0-1, reasons) of one target for one site item."""
        if t.codes and (
            (item.barcode and item.barcode.strip().lower() in t.codes) or item.local_id.strip().lower() in t.codes
        ):
            return 100.0 + NAME_SHARE, 1.0, [BARCODE_REASON]
        if query is None:
            query = self.words(norm, cat)
        words = self._words[t.index] or self._target_words(t.index)
        name = self.name_similarity(query, words)
        score = NAME_SHARE * name  # the rest of 100 is left for size, price and category evidence
        reasons: list[str] = []  # "name N" goes first when the reason is written out
        if query.sized or t.rank_letter:  # else _size_evidence has nothing to say
            delta, text = _size_evidence(norm, t)
            score += delta
            if text:
                reasons.append(text)
        if item.price and t.price:
            gap = abs(item.price - t.price) / max(item.price, t.price)
            if gap == 0:
                score += 6
                reasons.append("same price")
            elif gap <= 0.1:
                score += 3
                reasons.append("price close")
            elif gap >= 0.5:
                score -= 8
                reasons.append("price far off")
        if (
            query.category_key
            and t.category_norm.tokens
            and self._same_category(cat, t.category_norm, (query.category_key, self._category_keys[t.index]))
        ):
            score += 3
            reasons.append("same category")
        if t.hidden:
            score -= 8
            reasons.append("hidden")
        if not t.visible:
            score -= 5
            reasons.append("not at spot")
        return score, name, reasons

    def candidates(self, item: CatalogueItem, options: MatchOptions) -> list[MatchCandidate]:
        """The best targets for one site item, best first."""
        return [self.candidate(*ranked) for ranked in self.ranked(item, options)]

    def _expand_initials(self, norm: NormalName) -> NormalName:
        """A brand written as its initials ("JW Black Label") read as the menu's own brand words
        ("Johnnie Walker Black Label"): when the menu has one brand of two or three capitalised
        Latin words with those initials, and a product named with it shares another word of the
        site's name."""
        if self._initials is None:
            self._initials = _brand_initials(self.targets)
        by_token, token_sets = self._by_token, self._token_sets
        pairs: list[Alias] = []
        for tok in norm.tokens:
            words = self._initials.get(tok) if tok not in by_token else None
            if not words:
                continue
            others = set(norm.tokens) - {tok}
            if any(not others.isdisjoint(token_sets[i]) for i in by_token.get(words[0], ())[:CROWD]):
                pairs.append(((tok,), words))
        return apply_aliases(norm, pairs) if pairs else norm

    def knows(self, token: str) -> bool:
        """Whether some target of the menu has this word."""
        return token in self._by_token

    def use_aliases(self, aliases: list[Alias]) -> None:
        """Read site names with these word pairs (those whose menu words this menu has)."""
        known = self._by_token
        self.aliases = [(left, right) for left, right in aliases if all(tok in known for tok in right)]

    def ranked(self, item: CatalogueItem, options: MatchOptions) -> list[Ranked]:
        """The best targets for one site item as (target index, raw score, name similarity, reasons)."""
        norm = normalise(item.name)
        if self.aliases:
            norm = apply_aliases(norm, self.aliases)
        if len(norm.tokens) > 1 and any(len(tok) <= 3 and tok not in self._by_token for tok in norm.tokens):
            norm = self._expand_initials(norm)
        cat = normalise(item.category) if item.category else _NO_NAME
        found = self._pool(norm, item, options.pool)
        pool = [self.targets[i] for i in found]
        # worked out once for the pool: ``score`` works out the same when not given it
        query = self.words(norm, cat)  # pragma: no mutate
        scored = [(self.score(item, norm, cat, t, query), t) for t in pool]
        scored.sort(key=lambda st: (-st[0][0], st[1].hidden, not st[1].visible, st[1].name))
        return [(t.index, score, name, reasons) for (score, name, reasons), t in scored[: options.top]]

    def candidate(self, index: int, score: float, name: float, reasons: list[str]) -> MatchCandidate:
        """A ranked target as a candidate to show and to accept."""
        t = self.targets[index]
        shown = round(min(100.0, max(0.0, score)), 1)
        # positional: ten thousand items make fifty thousand of these
        return MatchCandidate(t, shown, reasons, name, score)

    def search(self, text: str, limit: int = 8) -> list[MatchCandidate]:
        """Targets whose names look like ``text`` (the interactive ``/`` search)."""
        probe = CatalogueItem(local_id="", name=text)
        return self.candidates(probe, MatchOptions(top=limit, pool=max(limit * 3, 24)))


_BRAND = re.compile(r"(?<![\w'])([A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)+)(?![\w'])")


def _brand_initials(targets: Sequence[MatchTarget]) -> dict[str, tuple[str, ...]]:
    """Initials of the menu's brands (runs of two or three capitalised Latin words), as the token a
    site name's initials normalise to, -> the brand's tokens; initials two brands share are left out."""
    found: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for t in targets:
        if not t.name.isascii() and not any("A" <= ch <= "Z" for ch in t.name):
            continue
        for m in _BRAND.finditer(t.name):
            run = m.group(1).split()
            for size in (2, 3):
                for k in range(len(run) - size + 1):
                    words = run[k : k + size]
                    tokens = normalise(" ".join(words)).tokens
                    initials = normalise("".join(w[0] for w in words)).tokens
                    if len(tokens) == size and len(initials) == 1:
                        found[initials[0]].add(tokens)
    return {key: next(iter(brands)) for key, brands in found.items() if len(brands) == 1}


def _align(a: _Words, b: _Words, index: "MenuIndex") -> float:
    """Share of a's word weight found in b: the same word, a word of b's category (partly), or a
    similar word (not one a itself has: that word is matched already). ``a`` has words: its
    callers see to it (``name_similarity``; ``_same_category`` with a category named)."""
    got = 0.0
    match_set, context, others, own = b.match_set, b.context, b.tokens, a.token_set
    known = index._similar
    for tok, w in zip(a.tokens, a.weights):
        if tok in match_set:
            got += w
        elif tok in context:
            got += CONTEXT_CREDIT * w
        else:
            best = 0.0
            for u in others:
                if u not in own:
                    # a cache read: without it index.word_similarity gives the same
                    sim = known.get((tok, u))  # pragma: no mutate
                    if sim is None:
                        sim = index.word_similarity(tok, u)
                    if sim > best:
                        best = sim
            got += w * best
    return got / a.total


def _size_evidence(q: NormalName, t: MatchTarget) -> tuple[float, str]:
    """Size agreement: the same size is a small plus, a different one a strong minus."""
    tn = t.norm
    for dim, value in q.sizes.items():
        if dim in tn.sizes:
            if tn.sizes[dim] == value:
                return 5.0, f"size {value} {dim}"
            return -35.0, f"size {value} {dim} vs {tn.sizes[dim]} {dim}"
    if q.letter and t.letter:
        if q.letter == t.letter:
            return 5.0, f"size {q.letter}"
        if q.letter == "M" and t.rank_letter and not tn.letter:
            return 0.0, ""  # M against a family of two sizes says nothing
        return -30.0, f"size {q.letter} vs {t.letter}"
    if not q.sizes and any(tok == str(v) for tok in q.tokens for v in tn.sizes.values()):
        return 5.0, "size " + next(tok for tok in q.tokens if tok.isdigit())
    if (q.sizes or q.letter) and t.rank_letter:
        return -3.0, "size unclear"
    if t.rank_letter:  # (and the site names no size: a size or letter was answered above)
        return -3.0, "which size?"
    if q.letter in ("L", "XL", "XXL") and not (tn.sizes or t.letter):  # "pitcher", "Latte L": a larger size
        return -12.0, f"size {q.letter} not on the menu"  # than the one-size menu item may be: a person decides
    return 0.0, ""


def match_items(
    items: Sequence[CatalogueItem],
    index: MenuIndex,
    options: MatchOptions = MatchOptions(),
    taken: dict[TargetKey, str] | None = None,
) -> list[MatchResult]:
    """Rank candidates for every item and accept the confident ones, one site item per target
    (``taken``: targets already linked by a person's decision, to the local id that holds them)."""
    with gc_paused():
        ranked = rank_all(items, index, options)
        results = [MatchResult(item, rs, index) for item, rs in zip(items, ranked)]
    accept_confident(results, index, options, taken)
    return results


def accept_confident(
    results: Sequence[MatchResult],
    index: MenuIndex,
    options: MatchOptions,
    taken: dict[TargetKey, str] | None = None,
) -> None:
    """Set ``accepted`` (else ``note``, why not) on each of ``results`` as ranked now: its best
    candidate when it is confident, clearly ahead, orderable, and no other of ``results`` nor
    ``taken`` holds it (unless sharing is allowed); then what is left below the accept score,
    read as one of a family (:mod:`.family`)."""
    held: dict[TargetKey, str] = dict(taken or {})
    contested = _claim(results, index, options, held)
    if not options.allow_shared:
        from poster_cli.matching.family import link_families

        held.update({r.accepted.key: r.item.local_id for r in results if r.accepted is not None})
        # link_families only asks whether a target is held: what a contested one is held by is never read
        link_families(results, index, options, {**held, **dict.fromkeys(contested, "")})  # pragma: no mutate


CLAIMED_TOO = "another site item claims the same target"


def _claim(
    results: Sequence[MatchResult], index: MenuIndex, options: MatchOptions, held: dict[TargetKey, str]
) -> set[TargetKey]:
    """The accept rules over ``results``; returns the targets two items claimed alike (left to a
    person, so no later rule gives them to a third)."""
    targets = index.targets
    claims: dict[TargetKey, list[MatchResult]] = defaultdict(list)
    contested: set[TargetKey] = set()
    for r in results:
        best = r.best
        if best is None:
            r.note = "no candidate"
            continue
        key, by_code = best.key, best.evidence == [BARCODE_REASON]
        second = next((raw for i, raw, _, _ in r.ranked[1:] if targets[i].key != key), 0.0)
        if best.score < options.accept:
            r.note = f"score {math.floor(best.score)} is below the accept score {options.accept:g}"
            continue
        if not by_code and best.raw - second < options.margin:
            r.note = "another target scores about the same"
        elif best.hidden or not best.visible:
            r.note = "best target is " + " and ".join(
                m for m, on in (("hidden", best.hidden), ("not at the spot", not best.visible)) if on
            )
        elif best.name_score < 0.75 and not by_code:
            r.note = "names differ too much"
        else:
            claims[key].append(r)
    for key, claimants in claims.items():
        if options.allow_shared:
            winners = claimants
        elif key in held:
            for r in claimants:
                r.note = f"target already mapped to {held[key]}"
            continue
        else:
            claimants.sort(key=lambda r: -r.ranked[0][1])
            lead = claimants[0].ranked[0][1] - (claimants[1].ranked[0][1] if len(claimants) > 1 else 0)
            winners = claimants[:1] if lead >= 3 else []
            if not winners:
                contested.add(key)
            for r in claimants[len(winners) :]:
                r.note = CLAIMED_TOO
        for r in winners:
            r.accepted = r.best
            r.note = ""
    return contested


# -- using every core ----------------------------------------------------------------------------


def rank_all(
    items: Sequence[CatalogueItem], index: MenuIndex, options: MatchOptions, workers: int | None = None
) -> list[list[Ranked]]:
    """``index.ranked`` for every item; big jobs are shared between forked processes
    (:mod:`.parallel`), each ranking a slice of the items against the same index."""
    # speed only: any number of workers gives the same rankings (test_big_jobs_split_between_processes...)
    workers = workers_for(len(items), PARALLEL_MIN_ITEMS) if workers is None else workers  # pragma: no mutate
    return parallel_map(lambda part: [index.ranked(item, options) for item in part], items, workers)
