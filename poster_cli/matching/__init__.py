"""Matching a site catalogue to the Poster menu: normalisation, candidates, scoring, assignment.

No terminal code here; :mod:`poster_cli.matching.review` is the interactive loop with injected
input and output.
"""

from poster_cli.matching.engine import MatchCandidate, MatchOptions, MatchResult, MenuIndex, match_items
from poster_cli.matching.normalize import NormalName, normalise
from poster_cli.matching.targets import MatchTarget, build_targets

__all__ = [
    "MatchCandidate",
    "MatchOptions",
    "MatchResult",
    "MenuIndex",
    "match_items",
    "NormalName",
    "normalise",
    "MatchTarget",
    "build_targets",
]
