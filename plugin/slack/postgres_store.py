"""The question log in PostgreSQL (psycopg 3): one log for every replica, so a "Share in channel"
click or a vote that lands on another replica finds the answer, and a rollout loses nothing.

The connection is opened when first needed and again after it breaks, so a replica starts and
answers while the database is down (answers then go without feedback buttons; a vote or share
meanwhile is told it could not be done, never thanked and dropped). The schema is created and
migrated on the first connection, under an advisory lock so replicas starting together take
turns. The URL holds the password: it is never logged; ``describe()`` shows scheme, host, port
and database only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import conninfo

from licensebot.errors import ConfigError, QuestionLogError, QuestionLogUnavailable
from licensebot.slack.sql_store import Cursor, SqlQuestionStore

log = logging.getLogger("licensebot.slack")

CONNECT_TIMEOUT = 5
"""Seconds to wait for the server: a database that is down costs an answer this long at most
(the answer is posted anyway; only its log entry is missing)."""
STATEMENT_TIMEOUT_MS = 5000
_SCHEMA_LOCK = 0x6C62_7173  # "lbqs": any constant that other applications do not use


def describe_url(url: str) -> str:
    """scheme://host:port/database, without the user name or the password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "postgresql://(unparsable URL)"
    return f"{parts.scheme}://{host}{port}{parts.path}"


class PostgresQuestionStore(SqlQuestionStore):
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        try:
            conninfo.conninfo_to_dict(url)
            urlsplit(url).port  # noqa: B018 - raises ValueError for a port that is not a number
            if "@" in urlsplit(url).path:
                # A "/" in the password ends the host part early: the rest, password included,
                # would be read as the database name and shown wherever the database is named.
                raise ValueError("unencoded '/' in the user or password")
        except (psycopg.ProgrammingError, ValueError):
            # psycopg's message quotes the URL, password included: say what is wrong without it.
            raise ConfigError(
                "LICENSEBOT_DATABASE_URL is not a valid PostgreSQL URL; expected "
                "postgresql://user:password@host:5432/database (with '/' or '@' in the password "
                "percent-encoded)"
            ) from None
        self._url = url
        self._where = describe_url(url)
        self._password = urlsplit(url).password or ""
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._migrated = False
        self._reused = False
        try:
            with self._transaction():
                pass
        except QuestionLogUnavailable as exc:
            log.warning("%s; answering without the question log until it is back", exc)

    def describe(self) -> str:
        return self._where

    def _connect(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            self._reused = True
            return self._conn
        self._discard()
        self._reused = False
        conn = psycopg.connect(self._url, connect_timeout=CONNECT_TIMEOUT, application_name="licensebot",
                               options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
        if not self._migrated:
            try:
                with conn.transaction(), conn.cursor() as cur:
                    found = self.migrate(cur)
            except BaseException:
                conn.close()
                raise
            if found:
                log.info("question log at %s: schema version %d", self._where, found)
            self._migrated = True
        self._conn = conn
        return conn

    def _stale(self) -> bool:
        stale, self._reused = self._reused, False
        return stale

    def _lock_schema(self, cur: Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._lock:
            try:
                conn = self._connect()
                with conn.transaction(), conn.cursor() as cur:
                    yield cur
            except psycopg.OperationalError as exc:
                self._discard()  # a restarted server leaves the connection broken: reconnect next time
                raise QuestionLogUnavailable(f"the question log database at {self._where} is unavailable: "
                                             f"{self._reason(exc)}") from None
            except psycopg.Error as exc:
                raise QuestionLogError(f"the question log database at {self._where} refused an operation: "
                                       f"{self._reason(exc)}") from None

    def _reason(self, exc: psycopg.Error) -> str:
        """The driver's first line, with the password taken out should it ever appear."""
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return first.replace(self._password, "***") if self._password else first

    def _discard(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
        self._conn = None

    def close(self) -> None:
        with self._lock:
            self._discard()
