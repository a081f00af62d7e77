"""The question log: who asked what, when, what was answered, the votes on it, and the rendered
reply (for "Share in channel"). Kept for ``LICENSEBOT_RETENTION_DAYS`` days; 0 keeps nothing.

``QuestionLog`` decides what is kept and for how long; a ``QuestionStore`` keeps it: a SQLite
file for one process, PostgreSQL when several replicas must see the same log (stores.py picks
one from ``LICENSEBOT_DATABASE_URL``). Every store failure is a ``QuestionLogError``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from licensebot.answering.answer import Answer

DAY = 86_400.0


@dataclass(frozen=True)
class Asked:
    """Who asked, where and how; none of it is needed to answer, all of it to audit."""

    user: str = ""
    channel: str = ""
    surface: str = ""
    """mention | dm | agent | assistant | command | share"""


@dataclass(frozen=True)
class LoggedQuestion:
    id: str
    question: str
    answer: str
    cited: list[str]
    user: str
    channel: str
    surface: str
    asked_at: float
    vote: str = ""
    voter: str = ""


class QuestionStore(Protocol):
    """Where the log lives. Methods raise QuestionLogError (QuestionLogUnavailable when the
    database cannot be reached), never a driver's exception."""

    def describe(self) -> str:
        """Backend and place, without secrets: "sqlite:///data/questions.sqlite3",
        "postgresql://db.internal:5432/licensebot"."""
        ...

    def insert(self, row: LoggedQuestion) -> None: ...

    def set_reply(self, key: str, reply: str) -> None: ...

    def vote(self, key: str, vote: str, voter: str, at: float) -> bool:
        """True when the question is (still) there and took the vote."""
        ...

    def reply(self, key: str) -> str | None: ...

    def get(self, key: str) -> LoggedQuestion | None: ...

    def recent_feedback(self, limit: int) -> list[LoggedQuestion]: ...

    def purge(self, before: float) -> int:
        """Delete questions asked before ``before``; returns how many went."""
        ...

    def close(self) -> None: ...


class QuestionLog:
    """The retention rules over a store; ``store=None`` (retention 0) keeps nothing at all."""

    def __init__(self, store: QuestionStore | None, retention_days: int = 90,
                 clock: Callable[[], float] = time.time) -> None:
        self.retention_days = retention_days
        self._clock = clock
        self._store = store if retention_days > 0 else None

    @property
    def keeps_anything(self) -> bool:
        return self._store is not None

    def describe(self) -> str:
        return self._store.describe() if self._store is not None else "nothing kept (retention 0)"

    def purge(self) -> int:
        """Delete what is older than the retention period; returns how many rows went."""
        if self._store is None:
            return 0
        return self._store.purge(self._clock() - self.retention_days * DAY)

    def record(self, answer: Answer, asked: Asked) -> str:
        """Log one answer; returns its id ("" when the log keeps nothing)."""
        if self._store is None:
            return ""
        key = uuid.uuid4().hex
        cited = [f"{q.doc} {q.section} [{q.start}:{q.end}]" for q in answer.quotes]
        self._store.insert(LoggedQuestion(key, answer.question, answer.answer, cited, asked.user, asked.channel,
                                          asked.surface, self._clock()))
        self.purge()
        return key

    def store_reply(self, key: str, reply: dict[str, Any]) -> None:
        """Keep the rendered reply with its answer, so "Share in channel" posts what was seen."""
        if self._store is not None and key:
            self._store.set_reply(key, json.dumps(reply))

    def vote(self, key: str, vote: str, user: str) -> bool:
        if self._store is None or not key:
            return False
        return self._store.vote(key, vote, user, self._clock())

    def reply(self, key: str) -> dict[str, Any] | None:
        """The rendered reply stored with an answer (for sharing it), if it is still kept."""
        if self._store is None or not key:
            return None
        raw = self._store.reply(key)
        data = json.loads(raw) if raw else None
        return data if isinstance(data, dict) else None

    def get(self, key: str) -> LoggedQuestion | None:
        return self._store.get(key) if self._store is not None else None

    def recent_feedback(self, limit: int = 10) -> list[LoggedQuestion]:
        return self._store.recent_feedback(limit) if self._store is not None else []

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
