"""The question log's store contract, run against SQLite and a real PostgreSQL server; schema
versions and migrations; the registry of backends; a database that is down or misnamed."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from licensebot.answering.answer import Answer, Quote
from licensebot.cli import main
from licensebot.devtools.loopback import free_port
from licensebot.errors import ConfigError, QuestionLogUnavailable
from licensebot.llm.generate import Generator
from licensebot.llm.guard import ModelInfo
from licensebot.runtime import Runtime
from licensebot.settings import Settings
from licensebot.slack.postgres_store import PostgresQuestionStore
from licensebot.slack.questions import DAY, Asked, QuestionLog
from licensebot.slack.sql_store import SCHEMA_VERSION, SqlQuestionStore
from licensebot.slack.sqlite_store import SqliteQuestionStore
from licensebot.slack.stores import open_store, question_log
from tests.postgres import PostgresServer, binaries

QUOTE = Quote(doc="mit", title="MIT License", section="§1", text="Permission is hereby granted", start=0, end=28,
              url="")
ANSWER = Answer(question="What does MIT allow?", answer="Permission is hereby granted", abstained=False,
                quotes=(QUOTE,))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'questions.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def _log(url: str, clock: list[float] | None = None) -> QuestionLog:
    now = clock or [time.time()]
    return QuestionLog(open_store(url), retention_days=90, clock=lambda: now[0])


def test_an_answer_is_kept_with_who_asked_its_reply_and_the_vote(url: str) -> None:
    log = _log(url)
    key = log.record(ANSWER, Asked("U1", "C1", "command"))
    log.store_reply(key, {"messages": [{"text": "t", "blocks": [{"type": "section", "text": "ünïcode *x*"}]}]})
    row = log.get(key)
    assert row is not None and (row.user, row.channel, row.surface) == ("U1", "C1", "command")
    assert row.question == ANSWER.question and row.cited == ["mit §1 [0:28]"] and row.vote == ""
    assert log.reply(key) == {"messages": [{"text": "t", "blocks": [{"type": "section", "text": "ünïcode *x*"}]}]}
    assert log.vote(key, "not_helpful", "U9")
    assert (log.get(key) or row).vote == "not_helpful"
    assert not log.vote("0" * 32, "helpful", "U9"), "a question that is not there takes no vote"
    assert log.reply("0" * 32) is None and log.get("0" * 32) is None


def test_replicas_sharing_a_database_see_each_others_answers_and_votes(url: str) -> None:
    a, b = _log(url), _log(url)
    key = a.record(ANSWER, Asked("U1", "C1", "command"))
    a.store_reply(key, {"messages": []})
    assert b.reply(key) == {"messages": []}
    assert b.vote(key, "helpful", "U2")
    assert [(r.id, r.vote, r.voter) for r in a.recent_feedback()] == [(key, "helpful", "U2")]


def test_recent_feedback_is_newest_first_and_limited(url: str) -> None:
    now = [1_000_000.0]
    log = _log(url, now)
    keys = [log.record(ANSWER, Asked(f"U{i}")) for i in range(4)]
    for i, key in enumerate(keys):
        now[0] += 1
        log.vote(key, "helpful", f"V{i}")
    assert [r.voter for r in log.recent_feedback(2)] == ["V3", "V2"]


def test_the_log_forgets_after_the_retention_period(url: str) -> None:
    now = [1_000_000.0]
    log = _log(url, now)
    old = log.record(ANSWER, Asked("U1", "C1", "dm"))
    now[0] += 89 * DAY
    recent = log.record(ANSWER, Asked("U2", "C1", "dm"))
    assert log.get(old) is not None
    now[0] += 2 * DAY
    assert log.purge() == 1
    assert log.get(old) is None and log.get(recent) is not None


def test_the_schema_is_versioned_and_opening_again_migrates_nothing(url: str) -> None:
    first = open_store(url)
    assert isinstance(first, SqlQuestionStore) and first.schema_version() == SCHEMA_VERSION
    key = QuestionLog(first).record(ANSWER, Asked("U1"))
    again = open_store(url)
    assert isinstance(again, SqlQuestionStore) and again.schema_version() == SCHEMA_VERSION
    assert again.get(key) is not None
    assert again._run("SELECT COUNT(*) FROM licensebot_schema")[1][0][0] == SCHEMA_VERSION


def test_a_database_written_by_a_newer_licensebot_is_refused_clearly(url: str) -> None:
    store = open_store(url)
    assert isinstance(store, SqlQuestionStore)
    store._run("INSERT INTO licensebot_schema (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    store.close()
    with pytest.raises(ConfigError, match=f"schema version {SCHEMA_VERSION + 1}, newer than this licensebot"):
        QuestionLog(open_store(url)).record(ANSWER, Asked())


def test_a_question_log_file_of_the_first_release_is_adopted_with_its_questions(tmp_path: Path) -> None:
    path = tmp_path / "questions.sqlite3"
    with sqlite3.connect(path) as db:  # exactly what the first release wrote
        db.execute("CREATE TABLE questions (id TEXT PRIMARY KEY, asked_at REAL, user TEXT, channel TEXT, surface TEXT,"
                   " question TEXT, answer TEXT, cited TEXT, reply TEXT, vote TEXT DEFAULT '', voter TEXT DEFAULT '',"
                   " voted_at REAL)")
        db.execute("INSERT INTO questions (id, asked_at, user, channel, surface, question, answer, cited, reply)"
                   " VALUES ('k1', ?, 'U1', 'C1', 'dm', 'q', 'a', '[]', '{\"text\": \"t\", \"blocks\": []}')",
                   (time.time(),))
    db.close()
    store = SqliteQuestionStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    log = QuestionLog(store)
    assert log.reply("k1") == {"text": "t", "blocks": []} and log.vote("k1", "helpful", "U2")


def test_the_backend_is_chosen_by_the_url_scheme(tmp_path: Path, postgres_url: str) -> None:
    assert isinstance(open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}"), SqliteQuestionStore)
    assert isinstance(open_store(postgres_url), PostgresQuestionStore)
    assert isinstance(open_store(postgres_url.replace("postgresql://", "postgres://", 1)), PostgresQuestionStore)
    settings = Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path / "data")})
    question_log(settings).record(ANSWER, Asked())
    assert (tmp_path / "data" / "questions.sqlite3").is_file(), "no URL: the SQLite file in the data folder"
    question_log(replace(settings, data_dir=tmp_path / "none", retention_days=0)).record(ANSWER, Asked())
    assert not (tmp_path / "none").exists(), "retention 0: no file, no connection"


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://app:s3cret-pw@db/licensebot", "must start with one of sqlite://, postgresql://, postgres://, not mysql"),
    ("db.internal:5432", "must start with one of"),
    ("postgresql://app:s3cret-pw@db:notaport/x", "not a valid PostgreSQL URL"),
    ("sqlite://", "needs a file path"),
])
def test_a_bad_database_url_is_a_clear_error_that_never_shows_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        open_store(url)
    assert "s3cret-pw" not in str(err.value)


def test_a_database_that_is_down_is_a_clear_error_and_the_log_recovers_when_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    found = binaries()
    if found is None:
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (.ci/run installs them)")
    server = PostgresServer(found).start()
    try:
        log = QuestionLog(open_store(server.url()))
        key = log.record(ANSWER, Asked("U1"))
        server.stop()
        with pytest.raises(QuestionLogUnavailable, match=f"127.0.0.1:{server.port}/postgres is unavailable") as err:
            log.vote(key, "helpful", "U2")
        assert server.password not in str(err.value)
        server.start()
        assert log.vote(key, "helpful", "U2")
        assert (log.get(key) or pytest.fail()).voter == "U2"
        # A restart between two uses breaks the open connection: it is replaced unnoticed.
        server.stop()
        server.start()
        assert log.vote(key, "not_helpful", "U3")
    finally:
        server.remove()
    assert server.password not in caplog.text


def test_a_replica_starts_while_the_database_is_unreachable() -> None:
    started = time.monotonic()
    log = QuestionLog(open_store(f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/licensebot"))
    with pytest.raises(QuestionLogUnavailable) as err:
        log.record(ANSWER, Asked())
    assert "s3cret-pw" not in str(err.value) and time.monotonic() - started < 20


def test_serve_refuses_a_bad_database_url_before_loading_any_model(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("LICENSEBOT_DATABASE_URL", "mysql://app:s3cret-pw@db/licensebot")

    class NoModels(Runtime):
        def generator(self) -> tuple[Generator, ModelInfo]:
            raise AssertionError("the model was loaded before the settings were checked")

    assert main(["serve"], runtime=NoModels) == 2
    err = capsys.readouterr().err
    assert "LICENSEBOT_DATABASE_URL must start with one of" in err and "s3cret-pw" not in err
