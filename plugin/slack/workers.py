"""The pool that runs answers and reindexes off Bolt's listener threads, and knows what is in
flight so that a shutdown can finish it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger("licensebot.slack")


class Workers:
    """A bounded thread pool with an in-flight count, a stop switch and a drain.

    A slow answer must never hold up the 3-second acknowledgement of the next request, so
    listeners acknowledge and hand the work here; on SIGTERM the server stops taking requests,
    then ``drain`` waits (bounded) for this work to finish before the process exits.
    """

    def __init__(self, size: int = 2, *, name: str = "licensebot-work") -> None:
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix=name)
        self._lock = threading.Condition()
        self._pending = 0
        self._accepting = True
        self.on_wait: Callable[[float], None] = lambda seconds: None
        """Told how long each piece of work waited for a worker (the metrics' queue wait)."""

    @property
    def accepting(self) -> bool:
        """False once a drain began: this process takes no new work (/readyz says so)."""
        with self._lock:
            return self._accepting

    @property
    def pending(self) -> int:
        """Work submitted and not finished (queued or running): the metrics' queue depth."""
        with self._lock:
            return self._pending

    def submit(self, fn: Callable[[], object]) -> Future[None] | None:
        with self._lock:
            if not self._accepting:
                log.warning("shutting down; dropped work submitted after the drain began")
                return None
            self._pending += 1
        submitted = time.monotonic()

        def run() -> None:
            try:
                self.on_wait(time.monotonic() - submitted)
                fn()
            except Exception:
                log.exception("background work failed")
            finally:
                with self._lock:
                    self._pending -= 1
                    self._lock.notify_all()

        return self._pool.submit(run)

    def drain(self, timeout: float) -> bool:
        """Stop taking work and wait up to ``timeout`` seconds for the rest; True if all finished."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._accepting = False
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("drain timed out with %d answers unfinished", self._pending)
                    break
                self._lock.wait(left)
            done = self._pending == 0
        self._pool.shutdown(wait=done, cancel_futures=not done)
        return done
