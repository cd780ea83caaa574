"""Matching: candidates from an inverted index, a 0-100 score with a reason, one-to-one assignment.

Scale: candidates come from an index of name tokens and their 4-letter prefixes, weighted by
rarity (IDF), so each site item meets a dozen targets, never the whole menu; only those are
scored in full. Scores combine name similarity (rarity-weighted token alignment, both ways, so
extra words on either side cost) with size agreement (a conflict is strong negative evidence),
category agreement and price proximity; hidden targets and those invisible at the spot are ranked
down. An item is accepted automatically only when its best target scores at least ``accept``, is
clearly ahead of the next one, is orderable, and no other item claims the same target.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from rapidfuzz import fuzz, process

from poster_cli.catalogue.items import CatalogueItem
from poster_cli.matching.normalize import NormalName, normalise
from poster_cli.matching.targets import MatchTarget, build_targets
from poster_cli.poster.models import Product

NAME_SHARE = 90.0
CONTEXT_CREDIT = 0.8  # a word found only in the other side's category
QUERY_SHARE = 0.7  # how much of name similarity is the site name's words found in the target
TargetKey = tuple[int, int | None, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class MatchOptions:
    accept: float = 80.0  # auto-accept at or above this score
    review: float = 40.0  # offer candidates at or above this score
    margin: float = 5.0  # the best must lead the next target by this much to be accepted
    allow_shared: bool = False  # may two site items be auto-mapped to one target?
    top: int = 5  # candidates kept per item
    pool: int = 12  # candidates scored in full per item


@dataclass(frozen=True)
class MatchCandidate:
    """One possible target for a site item, with its score and why."""

    product_id: int
    modificator_id: int | None
    dish_modifications: tuple[tuple[int, int], ...]
    name: str
    category: str
    price: int | None
    size: str
    score: float
    reason: str
    hidden: bool = False
    visible: bool = True
    name_score: float = 0.0
    raw: float = 0.0  # unclamped score, for ranking

    @property
    def key(self) -> TargetKey:
        return (self.product_id, self.modificator_id, self.dish_modifications)

    def to_json(self) -> dict[str, object]:
        return {"product_id": self.product_id, "modificator_id": self.modificator_id, "name": self.name,
                "score": round(self.score, 1)}


@dataclass
class MatchResult:
    """The outcome for one site item: its ranked candidates and the automatically accepted one."""

    item: CatalogueItem
    candidates: list[MatchCandidate] = field(default_factory=list)
    accepted: MatchCandidate | None = None
    note: str = ""

    @property
    def best(self) -> MatchCandidate | None:
        return self.candidates[0] if self.candidates else None


def _negation_of(a: str, b: str) -> bool:
    """"negazovan" is not "gazovan": Slavic ne-/bez- turn a word into its opposite."""
    for prefix in ("ne", "bez"):
        if a.startswith(prefix) and not b.startswith(prefix) and fuzz.ratio(a[len(prefix):], b) >= 80:
            return True
    return False


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit() or _negation_of(a, b) or _negation_of(b, a):
        return 0.0
    r = fuzz.ratio(a, b) / 100.0
    if len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)):
        r = max(r, 0.85)
    return r if r >= 0.72 else 0.0


class MenuIndex:
    """The targets of one menu, indexed for candidate generation and scored against site items."""

    def __init__(self, targets: Sequence[MatchTarget]) -> None:
        self.targets = list(targets)
        self._by_code: dict[str, list[int]] = defaultdict(list)
        self._by_token: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(self.targets):
            for code in t.codes:
                self._by_code[code].append(i)
            for tok in set(t.norm.tokens):
                self._by_token[tok].append(i)
                if len(tok) >= 4:
                    self._by_prefix[tok[:4]].append(i)
                if len(tok) >= 3:
                    self._by_prefix[tok[:3]].append(i)
        n = len(self.targets) + 1
        self._idf = {tok: math.log(n / (len(ids) + 0.5)) + 0.3 for tok, ids in self._by_token.items()}
        self._unknown_weight = math.log(n / 0.5) + 0.3
        self._crowd = max(200, len(self.targets) // 20)  # postings longer than this are too common to search by
        self._keys: list[str] | None = None

    @classmethod
    def from_products(cls, products: Iterable[Product], spot_id: int | None) -> "MenuIndex":
        return cls(build_targets(products, spot_id))

    def weight(self, token: str) -> float:
        return self._idf.get(token, self._unknown_weight)

    # -- candidate generation ----------------------------------------------------------------

    def _pool(self, norm: NormalName, item: CatalogueItem | None, size: int) -> list[int]:
        acc: dict[int, float] = defaultdict(float)
        if item is not None:
            for code in (item.barcode.strip().lower(), item.local_id.strip().lower()):
                for i in self._by_code.get(code, ()) if code else ():
                    acc[i] += 1000.0
        tokens = set(norm.tokens)
        rare_enough = [t for t in tokens if len(self._by_token.get(t, ())) <= self._crowd]
        searched = rare_enough if rare_enough else tokens
        for tok in searched:
            w = self.weight(tok)
            exact = self._by_token.get(tok, ())
            for i in exact:
                acc[i] += w
            if len(tok) >= 4:
                for key, share in ((tok[:4], 0.5), (tok[:3], 0.25)):
                    prefix = self._by_prefix.get(key, ())
                    if len(prefix) <= self._crowd * 2:
                        for i in prefix:
                            acc[i] += share * w
        if not acc and norm.tokens:
            if self._keys is None:
                self._keys = [t.norm.key for t in self.targets]
            for _, _, i in process.extract(norm.key, self._keys, scorer=fuzz.ratio, limit=size, score_cutoff=50):
                acc[i] = 1.0
        if len(acc) <= size:
            return list(acc)
        return sorted(acc, key=acc.__getitem__, reverse=True)[:size]

    # -- scoring -------------------------------------------------------------------------------

    def _align(self, a: Sequence[str], b: Sequence[str], b_sizes: Iterable[int] = (), b_category: Iterable[str] = ()) -> float:
        total = got = 0.0
        bset = set(b) | {str(v) for v in b_sizes}  # "Americano 400" names the 400 ml size
        context = set(b_category) - bset  # "Pepperoni pizza" against "Пепероні" in the category "Піца"
        for tok in a:
            w = self.weight(tok)
            total += w
            if tok in bset:
                got += w
            elif tok in context:
                got += CONTEXT_CREDIT * w
            elif b:
                got += w * max(_token_similarity(tok, u) for u in b)
        return got / total if total else 0.0

    def name_similarity(self, q: NormalName, t: NormalName, q_cat: NormalName = NormalName(()), t_cat: NormalName = NormalName(())) -> float:
        """0..1: rarity-weighted token alignment both ways, the site item's words counting most (a
        site often shortens a name: "Пельмені" for "Пельмені домашні"); or, when it is closer, the
        similarity of the names written without spaces ("Panna cotta" / "Панакота")."""
        if not q.tokens or not t.tokens:
            return 0.0
        if q.tokens == t.tokens:
            return 1.0
        ab = self._align(q.tokens, t.tokens, t.sizes.values(), t_cat.tokens)
        ba = self._align(t.tokens, q.tokens, q.sizes.values(), q_cat.tokens)
        aligned = QUERY_SHARE * ab + (1 - QUERY_SHARE) * ba
        joined = fuzz.ratio("".join(q.tokens), "".join(t.tokens)) / 100.0
        return max(aligned, joined) if joined >= 0.85 else aligned

    def score(self, item: CatalogueItem, norm: NormalName, cat: NormalName, t: MatchTarget) -> tuple[float, float, str]:
        """(score 0-100, name similarity 0-1, reason) of one target for one site item."""
        code = item.barcode.strip().lower()
        if (code and code in t.codes) or item.local_id.strip().lower() in t.codes:
            return 100.0 + NAME_SHARE, 1.0, "same barcode/code"
        name = self.name_similarity(norm, t.norm, cat, t.category_norm)
        score = NAME_SHARE * name  # the rest of 100 is left for size, price and category evidence
        reasons = [f"name {round(100 * name)}"]
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
        if cat.tokens and t.category_norm.tokens and self._align(cat.tokens, t.category_norm.tokens) >= 0.6:
            score += 3
            reasons.append("same category")
        if t.hidden:
            score -= 8
            reasons.append("hidden")
        if not t.visible:
            score -= 5
            reasons.append("not at spot")
        return score, name, ", ".join(reasons)

    def candidates(self, item: CatalogueItem, options: MatchOptions) -> list[MatchCandidate]:
        """The best targets for one site item, best first."""
        norm = normalise(item.name)
        cat = normalise(item.category) if item.category else NormalName(tokens=())
        found: list[MatchCandidate] = []
        for i in self._pool(norm, item, options.pool):
            t = self.targets[i]
            score, name, reason = self.score(item, norm, cat, t)
            found.append(MatchCandidate(product_id=t.product_id, modificator_id=t.modificator_id,
                                        dish_modifications=t.dish_modifications, name=t.name, category=t.category,
                                        price=t.price, size=t.size_label, score=round(max(0.0, min(100.0, score)), 1),
                                        reason=reason, hidden=t.hidden, visible=t.visible, name_score=name, raw=score))
        found.sort(key=lambda c: (-c.raw, c.hidden, not c.visible, c.name))
        return found[: options.top]

    def search(self, text: str, limit: int = 8) -> list[MatchCandidate]:
        """Targets whose names look like ``text`` (the interactive ``/`` search)."""
        probe = CatalogueItem(local_id="", name=text)
        return self.candidates(probe, MatchOptions(top=limit, pool=max(limit * 3, 24)))


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
    if t.rank_letter and not (q.sizes or q.letter):
        return -3.0, "which size?"
    return 0.0, ""


def match_items(
    items: Sequence[CatalogueItem],
    index: MenuIndex,
    options: MatchOptions = MatchOptions(),
    taken: dict[TargetKey, str] | None = None,
) -> list[MatchResult]:
    """Rank candidates for every item and accept the confident ones, one site item per target
    (``taken``: targets already linked by a person's decision, to the local id that holds them)."""
    results = [MatchResult(item=item, candidates=index.candidates(item, options)) for item in items]
    claims: dict[TargetKey, list[MatchResult]] = defaultdict(list)
    for r in results:
        best = r.best
        if best is None:
            r.note = "no candidate"
            continue
        second = next((c.raw for c in r.candidates[1:] if c.key != best.key), 0.0)
        if best.score < options.accept:
            r.note = "below the accept score"
        elif best.reason != "same barcode/code" and best.raw - second < options.margin:
            r.note = "another target scores about the same"
        elif best.hidden or not best.visible:
            r.note = "best target is " + " and ".join(m for m, on in (("hidden", best.hidden), ("not at the spot", not best.visible)) if on)
        elif best.name_score < 0.75 and best.reason != "same barcode/code":
            r.note = "names differ too much"
        else:
            claims[best.key].append(r)
    taken = taken or {}
    for key, claimants in claims.items():
        if options.allow_shared:
            winners = claimants
        elif key in taken:
            for r in claimants:
                r.note = f"target already mapped to {taken[key]}"
            continue
        else:
            claimants.sort(key=lambda r: -r.candidates[0].raw)
            lead = claimants[0].candidates[0].raw - (claimants[1].candidates[0].raw if len(claimants) > 1 else 0)
            winners = claimants[:1] if lead >= 3 else []
            for r in claimants[len(winners):]:
                r.note = "another site item claims the same target"
        for r in winners:
            r.accepted = r.candidates[0]
            r.note = ""
    return results
