"""Helpful / not helpful votes, stored locally in SQLite with what was answered."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from licensebot.answering.answer import Answer


@dataclass(frozen=True)
class FeedbackRow:
    id: str
    question: str
    answer: str
    cited: list[str]
    vote: str
    user: str
    created: float


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, question TEXT, answer TEXT,"
                " cited TEXT, vote TEXT DEFAULT '', user TEXT DEFAULT '', created REAL, voted REAL)"
            )

    def record_answer(self, answer: Answer) -> str:
        key = uuid.uuid4().hex
        cited = [f"{q.doc} {q.section} [{q.start}:{q.end}]" for q in answer.quotes]
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO answers (id, question, answer, cited, created) VALUES (?, ?, ?, ?, ?)",
                (key, answer.question, answer.answer, json.dumps(cited), time.time()),
            )
        return key

    def vote(self, key: str, vote: str, user: str) -> bool:
        with self._lock, self._db:
            cur = self._db.execute(
                "UPDATE answers SET vote = ?, user = ?, voted = ? WHERE id = ?", (vote, user, time.time(), key)
            )
        return cur.rowcount == 1

    def recent(self, limit: int = 10) -> list[FeedbackRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, question, answer, cited, vote, user, created FROM answers WHERE vote != ''"
                " ORDER BY voted DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [FeedbackRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows]
