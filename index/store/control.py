"""Coordination records that every process sharing one store sees.

Several bot replicas share one Chroma server and nothing else, so the things they must agree
on live there too: which collection is the serving index, who holds the reindex lock, and which
Slack events have already been handled. ``claim`` is the one primitive: create a record if it
is absent and say who holds it, which Chroma gives us because adding an id that exists is
ignored (the first writer wins) and a delete can be made conditional on the holder.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from licensebot.errors import ReindexInProgress

log = logging.getLogger("licensebot.index")

Meta = dict[str, str | int | float]


class Control(Protocol):
    def claim(self, key: str, owner: str, meta: Meta) -> Meta:
        """Create ``key`` held by ``owner`` unless it exists; return the record now stored."""
        ...

    def read(self, key: str) -> Meta | None: ...

    def write(self, key: str, meta: Meta) -> None:
        """Create or replace ``key`` unconditionally."""
        ...

    def release(self, key: str, owner: str) -> None:
        """Delete ``key`` only if ``owner`` still holds it."""
        ...

    def expire(self, kind: str, before: float) -> None:
        """Delete records of ``kind`` whose ``at`` is older than ``before``."""
        ...


def instance_id() -> str:
    """Who we are, for lock records: readable by an admin, unique per process start."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Holder:
    owner: str
    host: str
    pid: int
    started: float
    heartbeat: float

    @classmethod
    def from_meta(cls, meta: Meta) -> Holder:
        return cls(
            owner=str(meta.get("owner", "")),
            host=str(meta.get("host", "")),
            pid=int(meta.get("pid", 0) or 0),
            started=float(meta.get("started", 0.0) or 0.0),
            heartbeat=float(meta.get("at", 0.0) or 0.0),
        )

    def describe(self) -> str:
        started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.started))
        return f"process {self.pid} on {self.host}, started {started}"


def _process_gone(holder: Holder) -> bool:
    """True only when we can tell for sure: the holder ran on this host and its pid is gone."""
    if holder.host != socket.gethostname() or holder.pid <= 0:
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


LOCK_KEY = "lock:reindex"


class ReindexLock:
    """One reindex at a time across every process sharing the store.

    The holder refreshes a heartbeat while it works; a lock whose heartbeat is older than
    ``stale_after`` seconds (or whose process is gone from this host) belonged to a reindex
    that crashed or was killed, and is broken by the next one.
    """

    def __init__(
        self,
        control: Control,
        *,
        stale_after: float = 120.0,
        heartbeat_every: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._control = control
        self._stale_after = stale_after
        self._every = heartbeat_every
        self._clock = clock
        self.owner = instance_id()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.broken: Holder | None = None
        """The crashed holder whose lock this acquisition broke, if any."""

    def _meta(self, started: float) -> Meta:
        return {
            "kind": "lock",
            "owner": self.owner,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started": started,
            "at": self._clock(),
        }

    def holder(self) -> Holder | None:
        meta = self._control.read(LOCK_KEY)
        return Holder.from_meta(meta) if meta else None

    def is_stale(self, holder: Holder) -> bool:
        return self._clock() - holder.heartbeat > self._stale_after or _process_gone(holder)

    def acquire(self) -> None:
        """Take the lock or raise ReindexInProgress naming who holds it."""
        now = self._clock()
        got = Holder.from_meta(self._control.claim(LOCK_KEY, self.owner, self._meta(now)))
        if got.owner != self.owner:
            if not self.is_stale(got):
                raise ReindexInProgress(got)
            log.warning("breaking the reindex lock of %s: it stopped without finishing", got.describe())
            self._control.release(LOCK_KEY, got.owner)
            again = Holder.from_meta(self._control.claim(LOCK_KEY, self.owner, self._meta(now)))
            if again.owner != self.owner:
                raise ReindexInProgress(again)
            self.broken = got
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, args=(now,), daemon=True, name="reindex-lock")
        self._beat.start()

    def _heartbeat(self, started: float) -> None:
        while not self._stop.wait(self._every):
            try:
                current = self._control.read(LOCK_KEY)
                if not current or current.get("owner") != self.owner:
                    log.error("the reindex lock was taken from us; the reindex will not publish")
                    return
                self._control.write(LOCK_KEY, self._meta(started))
            except Exception:
                # The store being briefly unreachable must not kill the reindex; the lock only
                # goes stale after many missed beats.
                log.warning("reindex lock heartbeat failed", exc_info=True)

    def still_held(self) -> bool:
        current = self._control.read(LOCK_KEY)
        return bool(current) and current.get("owner") == self.owner  # type: ignore[union-attr]

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
            self._beat = None
        self._control.release(LOCK_KEY, self.owner)

    def __enter__(self) -> ReindexLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
