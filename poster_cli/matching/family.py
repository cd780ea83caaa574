"""Families: site items that name variants of one dish, linked together to the menu's variants.

"Pork mtsvadi on vine twigs" scores 46 against "Мцваді на виноградній лозі / Свинина": alone, too
little to link without asking. But the site also has "Veal mtsvadi on vine twigs", whose best is
"… / Телятина" of the same product; the two share the family's word on both sides ("mtsvadi" /
"Мцваді"), and what tells them apart matches too ("pork" / "Свинина", "veal" / "Телятина"). Read
together, the family's pattern is consistent, and each is linked.

An item left below the accept score is linked as one of a family when

- its best target scores at least :data:`FAMILY_FLOOR`, is orderable, no other item holds it, and it
  is clearly ahead: by :data:`FAMILY_LEAD` of every target outside its family, by the margin of
  every other target;
- another site item (linked already, or a family candidate too) has its best, a different target,
  in the same family (the same product's modifications, or names that start with the same word),
  and one word is on all four names: the two site names and the two targets (the family's word);
- a word of its name besides the family's is on its target as well (or a word close to it): what
  tells the variants apart agrees; and no word of its name (explanations aside) is one the menu
  uses on other targets but not on this one (a site item with one more ingredient is another dish).

Two items picking the same target leave it to a person. Measured with
``python benchmarks/match_quality.py``: no wrong link on any labelled venue.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Sequence

from poster_cli.matching.aliases import apply_aliases
from poster_cli.matching.normalize import NormalName, normalise

if TYPE_CHECKING:
    from poster_cli.matching.engine import MatchOptions, MatchResult, MenuIndex, TargetKey
    from poster_cli.matching.targets import MatchTarget

FAMILY_FLOOR = 40.0  # the least score an item linked as one of a family may have
FAMILY_LEAD = 10.0  # the best must lead every target outside its family by this much


def _family(t: "MatchTarget") -> tuple[str, object]:
    if t.modificator_id is not None or t.dish_modifications:
        return ("product", t.product_id)
    return ("word", t.norm.tokens[0] if t.norm.tokens else t.name)


def link_families(
    results: Sequence["MatchResult"], index: "MenuIndex", options: "MatchOptions", held: dict["TargetKey", str]
) -> None:
    """Accept the items of ``results`` left unaccepted that a family reads as certain (see the
    module); ``held``: targets already linked, to the local id holding each."""
    targets = index.targets
    picks: dict[tuple[str, object], list["MatchResult"]] = defaultdict(list)
    for r in results:
        best = r.best
        if r.accepted is not None or best is None or best.hidden or not best.visible:
            continue
        if not FAMILY_FLOOR <= best.score < options.accept:  # (at the accept score, another rule held it back)
            continue
        if best.key in held:
            continue
        family = _family(best.target)
        outside = next((raw for i, raw, _, _ in r.ranked[1:] if _family(targets[i]) != family), 0.0)
        other = next((raw for i, raw, _, _ in r.ranked[1:] if targets[i].key != best.key), 0.0)
        if best.raw - outside >= FAMILY_LEAD and best.raw - other >= options.margin:
            picks[family].append(r)
    if not picks:
        return
    linked: dict[tuple[str, object], list["MatchResult"]] = defaultdict(list)
    for r in results:
        if r.accepted is not None:
            linked[_family(r.accepted.target)].append(r)
    chosen: dict["TargetKey", list["MatchResult"]] = defaultdict(list)
    words: dict[str, NormalName] = {}  # a site name as read, once
    for family, rs in picks.items():
        for r in rs:
            if _consistent(r, [*rs, *linked.get(family, ())], index, words):
                assert r.best is not None
                chosen[r.best.key].append(r)
    for claimants in chosen.values():
        if len(claimants) == 1:
            r = claimants[0]
            r.accepted, r.note = r.best, ""


def _tokens(r: "MatchResult", index: "MenuIndex", words: dict[str, NormalName]) -> NormalName:
    found = words.get(r.item.name)
    if found is None:
        found = normalise(r.item.name)
        if index.aliases:
            found = apply_aliases(found, index.aliases)
        words[r.item.name] = found
    return found


def _consistent(
    r: "MatchResult", mates: Sequence["MatchResult"], index: "MenuIndex", words: dict[str, NormalName]
) -> bool:
    """Whether a mate shares a family word with ``r`` on all four names, ``r``'s other words agree
    with its target, and none of its own words (explanations aside) is a word the menu uses
    elsewhere but its target lacks ("Almond raspberry bowl" is not "Боул мигдаль")."""
    assert r.best is not None
    norm = _tokens(r, index, words)
    mine, target = frozenset(norm.tokens), frozenset(r.best.target.norm.tokens)
    common = mine & target
    if not common:  # no word of its name on its target: no family word either
        return False

    def on_target(a: str) -> bool:
        return a in target or any(index.word_similarity(a, b) > 0 for b in target)

    if any(index.knows(a) and not on_target(a) for a in mine - norm.glossed):
        return False
    for m in mates:
        theirs = m.accepted or m.best
        if m is r or theirs is None or theirs.key == r.best.key:
            continue
        shared = common & frozenset(_tokens(m, index, words).tokens) & frozenset(theirs.target.norm.tokens)
        if not shared:
            continue
        rest, told = mine - shared, target - shared
        if any(a == b or index.word_similarity(a, b) > 0 for a in rest for b in told):
            return True
    return False
