"""The question log in a SQLite file: the embedded default, for one process (or several on one
machine sharing the file). Replicas on several machines use PostgreSQL (postgres_store.py)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from licensebot.errors import QuestionLogError, QuestionLogUnavailable
from licensebot.slack.sql_store import Cursor, SqlQuestionStore


class SqliteQuestionStore(SqlQuestionStore):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are begun here, IMMEDIATE, so two processes
            # sharing the file queue for the write lock instead of failing midway.
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise QuestionLogUnavailable(f"cannot open the question log {path}: {exc}") from exc
        with self._transaction() as cur:
            self.migrate(cur)

    def describe(self) -> str:
        return f"sqlite:///{self.path}"

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._lock:
            try:
                cur = self._db.cursor()
                cur.execute("BEGIN IMMEDIATE")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                raise QuestionLogError(f"the question log {self.path} failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()
