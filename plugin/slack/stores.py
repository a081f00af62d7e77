"""Which question store a deployment uses, chosen by the scheme of LICENSEBOT_DATABASE_URL:

- empty: a SQLite file in the data folder (``$LICENSEBOT_DATA_DIR/questions.sqlite3``);
- ``sqlite:///relative/file.sqlite3`` or ``sqlite:////absolute/file.sqlite3``: that SQLite file;
- ``postgresql://`` (or ``postgres://``) ``user:password@host:5432/database``: PostgreSQL, the
  one log every replica shares.

A new backend is one more entry in ``BACKENDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from licensebot.errors import ConfigError
from licensebot.settings import Settings
from licensebot.slack.questions import QuestionLog, QuestionStore


def _sqlite(url: str) -> QuestionStore:
    from licensebot.slack.sqlite_store import SqliteQuestionStore

    # SQLAlchemy's convention: sqlite:///relative/file, sqlite:////absolute/file.
    path = unquote(url.split("://", 1)[1])
    path = path[1:] if path.startswith("/") else path
    if not path or path == "/":
        raise ConfigError("LICENSEBOT_DATABASE_URL=sqlite:///... needs a file path, e.g. sqlite:////data/q.sqlite3")
    return SqliteQuestionStore(Path(path))


def _postgres(url: str) -> QuestionStore:
    # Imported here: a SQLite deployment never loads the PostgreSQL driver.
    from licensebot.slack.postgres_store import PostgresQuestionStore

    return PostgresQuestionStore(url)


BACKENDS: dict[str, Callable[[str], QuestionStore]] = {
    "sqlite": _sqlite,
    "postgresql": _postgres,
    "postgres": _postgres,
}


def default_url(settings: Settings) -> str:
    return f"sqlite:///{(settings.data_dir / 'questions.sqlite3').absolute()}"


def open_store(url: str) -> QuestionStore:
    """The store for ``url``; a ConfigError (naming the supported schemes, never the URL, which
    may hold a password) when no backend takes it."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    backend = BACKENDS.get(scheme)
    if backend is None:
        raise ConfigError(
            f"LICENSEBOT_DATABASE_URL must start with one of {', '.join(s + '://' for s in BACKENDS)}"
            + (f", not {scheme}://" if scheme else "")
        )
    return backend(url)


def question_log(settings: Settings) -> QuestionLog:
    """The question log this deployment keeps (nothing at all with retention 0: no file, no
    connection)."""
    if settings.retention_days <= 0:
        return QuestionLog(None, 0)
    return QuestionLog(open_store(settings.database_url or default_url(settings)), settings.retention_days)
