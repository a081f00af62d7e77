"""Never answer one Slack event twice (retries, duplicate deliveries)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class SeenEvents:
    """Event ids seen in the last ``ttl`` seconds, bounded in size."""

    def __init__(self, ttl: float = 3600.0, max_size: int = 10_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._ttl = ttl
        self._max = max_size
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self._ttl or len(self._seen) > self._max):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True
