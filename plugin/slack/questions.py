"""The question log: who asked what, when, what was answered, the votes on it, and the rendered
reply (for "Share in channel"). Kept for ``LICENSEBOT_RETENTION_DAYS`` days; 0 keeps nothing."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licensebot.answering.answer import Answer

DAY = 86_400.0


@dataclass(frozen=True)
class Asked:
    """Who asked, where and how; none of it is needed to answer, all of it to audit."""

    user: str = ""
    channel: str = ""
    surface: str = ""
    """mention | dm | assistant | command"""


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


class QuestionLog:
    def __init__(self, path: Path, retention_days: int = 90, clock: Any = time.time) -> None:
        self.retention_days = retention_days
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if retention_days <= 0:
            return  # keep nothing: not even an empty file
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS questions (id TEXT PRIMARY KEY, asked_at REAL, user TEXT,"
                " channel TEXT, surface TEXT, question TEXT, answer TEXT, cited TEXT, reply TEXT,"
                " vote TEXT DEFAULT '', voter TEXT DEFAULT '', voted_at REAL)"
            )
            # The purge after every question reads this index, not the whole table.
            self._db.execute("CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)")
        self.purge()

    @property
    def keeps_anything(self) -> bool:
        return self._db is not None

    def purge(self) -> int:
        """Delete what is older than the retention period; returns how many rows went."""
        if self._db is None:
            return 0
        cutoff = self._clock() - self.retention_days * DAY
        with self._lock, self._db:
            return self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount

    def record(self, answer: Answer, asked: Asked) -> str:
        """Log one answer; returns its id ("" when the log keeps nothing)."""
        if self._db is None:
            return ""
        key = uuid.uuid4().hex
        cited = [f"{q.doc} {q.section} [{q.start}:{q.end}]" for q in answer.quotes]
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO questions (id, asked_at, user, channel, surface, question, answer, cited)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, self._clock(), asked.user, asked.channel, asked.surface, answer.question, answer.answer,
                 json.dumps(cited)),
            )
        self.purge()
        return key

    def store_reply(self, key: str, reply: dict[str, Any]) -> None:
        """Keep the rendered reply with its answer, so "Share in channel" posts what was seen."""
        if self._db is None or not key:
            return
        with self._lock, self._db:
            self._db.execute("UPDATE questions SET reply = ? WHERE id = ?", (json.dumps(reply), key))

    def vote(self, key: str, vote: str, user: str) -> bool:
        if self._db is None or not key:
            return False
        with self._lock, self._db:
            cur = self._db.execute(
                "UPDATE questions SET vote = ?, voter = ?, voted_at = ? WHERE id = ?", (vote, user, self._clock(), key)
            )
        return cur.rowcount == 1

    def reply(self, key: str) -> dict[str, Any] | None:
        """The rendered reply stored with an answer (for sharing it), if it is still kept."""
        if self._db is None or not key:
            return None
        with self._lock:
            row = self._db.execute("SELECT reply FROM questions WHERE id = ?", (key,)).fetchone()
        if not row or not row[0]:
            return None
        data = json.loads(row[0])
        return data if isinstance(data, dict) else None

    def get(self, key: str) -> LoggedQuestion | None:
        rows = self._select("WHERE id = ?", (key,))
        return rows[0] if rows else None

    def recent_feedback(self, limit: int = 10) -> list[LoggedQuestion]:
        return self._select("WHERE vote != '' ORDER BY voted_at DESC LIMIT ?", (limit,))

    def _select(self, where: str, args: tuple[object, ...]) -> list[LoggedQuestion]:
        if self._db is None:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT id, question, answer, cited, user, channel, surface, asked_at, vote, voter FROM questions "
                + where,
                args,
            ).fetchall()
        return [LoggedQuestion(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows]
