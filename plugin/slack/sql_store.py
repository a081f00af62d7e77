"""The question log's SQL, shared by the SQLite and PostgreSQL stores: the statements, and the
schema's migrations with the version table that says which of them a database has.

A backend supplies ``_transaction()``: a cursor inside one transaction (committed when the
block ends, rolled back on an error), with the driver's errors converted to QuestionLogError.
Statements use ``?`` placeholders; a backend whose driver wants another style rewrites them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from licensebot.errors import ConfigError, QuestionLogUnavailable
from licensebot.slack.questions import LoggedQuestion

SCHEMA_TABLE = "licensebot_schema"
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the table as the first release wrote it to questions.sqlite3, so such files are adopted
    # as they are. "user" is quoted: PostgreSQL reserves the word.
    (
        'CREATE TABLE IF NOT EXISTS questions (id TEXT PRIMARY KEY, asked_at DOUBLE PRECISION, "user" TEXT,'
        " channel TEXT, surface TEXT, question TEXT, answer TEXT, cited TEXT, reply TEXT,"
        " vote TEXT DEFAULT '', voter TEXT DEFAULT '', voted_at DOUBLE PRECISION)",
        # The purge after every question reads this index, not the whole table.
        "CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)",
    ),
    # 2: `/license feedback` reads the latest votes without scanning every question.
    ("CREATE INDEX IF NOT EXISTS questions_voted_at ON questions (voted_at) WHERE vote != ''",),
)
SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = 'id, question, answer, cited, "user", channel, surface, asked_at, vote, voter'


class Cursor(Protocol):
    """What sqlite3's and psycopg's cursors both offer."""

    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, args: Sequence[Any] = ..., /) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class SqlQuestionStore:
    """The QuestionStore methods in SQL; subclasses connect and convert errors."""

    placeholder = "?"

    def _transaction(self) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def _lock_schema(self, cur: Cursor) -> None:
        """Keep another process from migrating at the same time (inside the transaction)."""

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _stale(self) -> bool:
        """Whether the last failure came from a connection opened earlier, which a restarted
        server has dropped: the statement is worth one more try on a new connection."""
        return False

    def _run(self, sql: str, args: Sequence[Any] = ()) -> tuple[int, list[Any]]:
        while True:
            try:
                with self._transaction() as cur:
                    cur.execute(self._sql(sql), args)
                    rows = cur.fetchall() if sql.startswith("SELECT") else []
                    return cur.rowcount, rows
            except QuestionLogUnavailable:
                if not self._stale():
                    raise

    def migrate(self, cur: Cursor) -> int:
        """Bring the schema to SCHEMA_VERSION; returns the version found. Refuses a database
        written by a newer licensebot, whose schema this one does not know."""
        self._lock_schema(cur)
        cur.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER NOT NULL)")
        cur.execute(f"SELECT MAX(version) FROM {SCHEMA_TABLE}")
        found = int(cur.fetchall()[0][0] or 0)
        if found > SCHEMA_VERSION:
            raise ConfigError(
                f"the question log database has schema version {found}, newer than this licensebot knows "
                f"({SCHEMA_VERSION}); upgrade licensebot, or point LICENSEBOT_DATABASE_URL at another database"
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                cur.execute(statement)
            cur.execute(self._sql(f"INSERT INTO {SCHEMA_TABLE} (version) VALUES (?)"), (version,))
        return found

    def schema_version(self) -> int:
        return int(self._run(f"SELECT MAX(version) FROM {SCHEMA_TABLE}")[1][0][0] or 0)

    def insert(self, row: LoggedQuestion) -> None:
        self._run(
            f"INSERT INTO questions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.id, row.question, row.answer, json.dumps(row.cited), row.user, row.channel, row.surface,
             row.asked_at, row.vote, row.voter),
        )

    def set_reply(self, key: str, reply: str) -> None:
        self._run("UPDATE questions SET reply = ? WHERE id = ?", (reply, key))

    def vote(self, key: str, vote: str, voter: str, at: float) -> bool:
        count, _ = self._run("UPDATE questions SET vote = ?, voter = ?, voted_at = ? WHERE id = ?",
                             (vote, voter, at, key))
        return count == 1

    def reply(self, key: str) -> str | None:
        rows = self._run("SELECT reply FROM questions WHERE id = ?", (key,))[1]
        return str(rows[0][0]) if rows and rows[0][0] else None

    def get(self, key: str) -> LoggedQuestion | None:
        rows = self._select("WHERE id = ?", (key,))
        return rows[0] if rows else None

    def recent_feedback(self, limit: int) -> list[LoggedQuestion]:
        return self._select("WHERE vote != '' ORDER BY voted_at DESC LIMIT ?", (limit,))

    def purge(self, before: float) -> int:
        return self._run("DELETE FROM questions WHERE asked_at < ?", (before,))[0]

    def _select(self, where: str, args: Sequence[Any]) -> list[LoggedQuestion]:
        rows = self._run(f"SELECT {_COLUMNS} FROM questions {where}", args)[1]
        return [LoggedQuestion(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], float(r[7]), r[8] or "",
                               r[9] or "") for r in rows]
