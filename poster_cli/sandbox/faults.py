"""Faults the sandbox can inject into ``/api/{method}`` calls; all off by default.

* ``latency_ms`` — every call waits this long before it is handled;
* ``error_rate`` — this share of calls answers HTTP 503 with an HTML page (as a proxy in front of
  Poster would), before anything is done;
* ``rate_limit`` — more than N calls within one second answer error 700 (HTTP 200, like every
  Poster error), before anything is done;
* ``drop_after_commit_rate`` — this share of ``createIncomingOrder`` calls stores the order and
  then closes the connection without an answer.

Random choices come from one ``random.Random(seed)``, so a run with the same seed and the same
calls fails the same calls. Settable at runtime (``POST /_sandbox/faults``).
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping


@dataclass
class FaultConfig:
    latency_ms: int = 0
    error_rate: float = 0.0
    rate_limit: int = 0  # calls per second; 0 = no limit
    drop_after_commit_rate: float = 0.0
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = {"latency_ms": int, "error_rate": float, "rate_limit": int, "drop_after_commit_rate": float, "seed": int}


@dataclass
class Faults:
    """The fault settings and the deterministic dice that apply them."""

    config: FaultConfig = field(default_factory=FaultConfig)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._rng = random.Random(self.config.seed)
        self._calls: deque[float] = deque()

    def update(self, changes: Mapping[str, Any]) -> FaultConfig:
        """Change some settings (unknown names or bad values raise ValueError); a new seed restarts the dice."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}; known: {', '.join(_FIELDS)}")
        values = {k: _FIELDS[k](v) for k, v in changes.items() if v is not None}
        for key in ("error_rate", "drop_after_commit_rate"):
            if key in values and not 0.0 <= values[key] <= 1.0:
                raise ValueError(f"{key} must be between 0 and 1")
        for key in ("latency_ms", "rate_limit"):
            if key in values and values[key] < 0:
                raise ValueError(f"{key} must not be negative")
        for key, value in values.items():
            setattr(self.config, key, value)
        if "seed" in values:
            self._rng = random.Random(self.config.seed)
        return self.config

    def off(self) -> None:
        self.update({"latency_ms": 0, "error_rate": 0.0, "rate_limit": 0, "drop_after_commit_rate": 0.0})

    def over_rate_limit(self) -> bool:
        """Count this call; True when it is over ``rate_limit`` calls in the last second."""
        limit = self.config.rate_limit
        now = self.clock()
        while self._calls and now - self._calls[0] >= 1.0:
            self._calls.popleft()
        self._calls.append(now)
        return bool(limit) and len(self._calls) > limit

    def server_error(self) -> bool:
        return self.config.error_rate > 0 and self._rng.random() < self.config.error_rate

    def drop_after_commit(self) -> bool:
        return self.config.drop_after_commit_rate > 0 and self._rng.random() < self.config.drop_after_commit_rate
