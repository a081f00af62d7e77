"""Never answer one Slack event twice (retries, duplicate deliveries, several replicas)."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from licensebot.errors import LicensebotError
from licensebot.index.store import Control, instance_id

log = logging.getLogger("licensebot.slack")

_EXPIRE_EVERY = 500


class SeenEvents:
    """Event ids seen in the last ``ttl`` seconds.

    A local memory answers repeats to this process at once; with ``shared`` (the control
    records of the store every replica uses) the first replica to claim an event id answers
    it and the others drop it. If the shared store cannot be reached, the local memory
    decides: an answer posted twice is better than a question never answered.
    """

    def __init__(self, shared: Control | None = None, *, ttl: float = 3600.0, max_size: int = 10_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._shared = shared
        self._owner = instance_id()
        self._ttl = ttl
        self._max = max_size
        self._claims = 0
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self._ttl or len(self._seen) > self._max):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
        return self._shared is None or self._claim(event_id)

    def _claim(self, event_id: str) -> bool:
        assert self._shared is not None
        wall = time.time()
        try:
            holder = self._shared.claim(f"event:{event_id}", self._owner, {"kind": "event", "at": wall})
            self._claims += 1
            if self._claims % _EXPIRE_EVERY == 0:
                self._shared.expire("event", wall - self._ttl)
        except LicensebotError:
            log.warning("shared event dedupe unavailable; deciding locally", exc_info=True)
            return True
        return holder.get("owner") == self._owner
