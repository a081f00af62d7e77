"""`licensebot doctor` against an embedded Chroma folder: what it reports, and no secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from licensebot.cli import main
from licensebot.index.reindex import Indexer
from licensebot.index.store import ReindexLock
from licensebot.runtime import Runtime
from licensebot.settings import Settings
from tests.conftest import licensedb_docs
from tests.fakes import HashEmbedder
from tests.slack.fake_slack import FakeSlack

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "signing-very-secret",
           "LICENSEBOT_LLM_API_KEY": "sk-very-secret"}


def _doctor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str]
) -> tuple[int, dict[str, dict[str, Any]]]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code = main(["doctor", "--json"])
    out = capsys.readouterr().out
    assert not any(secret in out for secret in SECRETS.values())
    return code, {c["name"]: c for c in json.loads(out)["checks"]}


def test_an_empty_index_fails_and_secrets_are_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_slack_api: FakeSlack
) -> None:
    monkeypatch.chdir(tmp_path)
    slack = fake_slack_api
    code, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path), **SECRETS,
                                                 "SLACK_API_URL": slack.api_url})
    assert code == 1
    assert not checks["index"]["ok"] and "licensebot index" in checks["index"]["detail"]
    assert checks["answering model"]["ok"] and "apache-2.0" in checks["answering model"]["detail"]
    assert checks["slack"]["ok"] and "SLACK_BOT_TOKEN set" in checks["slack"]["detail"]
    assert "auth.test ok" in checks["slack"]["detail"] and slack.called("auth.test")


def test_a_built_index_a_running_reindex_and_leftovers_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    store = Runtime(Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path)})).store()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit", "isc"]))
    orphan = store.begin_build()
    lock = ReindexLock(store.control)
    lock.acquire()
    try:
        code, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path)})
    finally:
        lock.release()
    assert code == 1, "without a bot token `serve` would refuse to start"
    assert checks["index"]["ok"] and "2 documents" in checks["index"]["detail"]
    assert "running" in checks["reindex"]["detail"]
    assert orphan.name in checks["leftovers"]["detail"]
    assert not checks["embeddings"]["ok"]  # built with the test embedder, not the configured model
    assert not checks["slack"]["ok"] and "SLACK_BOT_TOKEN not set" in checks["slack"]["detail"]


def test_an_unreachable_chroma_server_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path),
                                                 "LICENSEBOT_CHROMA_URL": "http://127.0.0.1:9"})
    assert code == 1 and not checks["vector store"]["ok"] and "unreachable" in checks["vector store"]["detail"]


def test_a_token_slack_rejects_fails_and_its_reason_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_slack_api: FakeSlack
) -> None:
    monkeypatch.chdir(tmp_path)
    store = Runtime(Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path)})).store()
    Indexer(HashEmbedder(), store).run(licensedb_docs(["mit"]))
    fake_slack_api.fail_auth = True
    code, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path), **SECRETS,
                                                 "SLACK_API_URL": fake_slack_api.api_url})
    assert code == 1
    assert not checks["slack"]["ok"] and "invalid_auth" in checks["slack"]["detail"]
    assert checks["slack"]["fatal"]


def test_the_question_log_is_read_once_and_its_password_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path)})
    assert checks["question log"]["ok"] and "questions.sqlite3" in checks["question log"]["detail"]

    # A PostgreSQL nobody listens on: a warning (the bot answers without the log), never the password.
    down = "postgresql://bot:pw-very-secret@127.0.0.1:9/licensebot"
    monkeypatch.setenv("LICENSEBOT_DATABASE_URL", down)
    main(["doctor", "--json"])
    out = capsys.readouterr().out
    assert "pw-very-secret" not in out
    check = {c["name"]: c for c in json.loads(out)["checks"]}["question log"]
    assert not check["ok"] and not check["fatal"] and "unavailable" in check["detail"]

    monkeypatch.setenv("LICENSEBOT_DATABASE_URL", "mysql://bot:pw-very-secret@db/licensebot")
    main(["doctor", "--json"])
    out = capsys.readouterr().out
    assert "pw-very-secret" not in out
    check = {c["name"]: c for c in json.loads(out)["checks"]}["question log"]
    assert not check["ok"] and check["fatal"] and "postgresql://" in check["detail"]


def test_a_reachable_postgresql_question_log_is_reported_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], postgres_url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(tmp_path),
                                              "LICENSEBOT_DATABASE_URL": postgres_url})
    check = checks["question log"]
    assert check["ok"] and check["detail"].startswith("postgresql://")
    password = urlsplit(postgres_url).password
    assert not password or password not in check["detail"]


def test_the_question_log_check_creates_nothing_and_says_when_it_is_off_or_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    _, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATA_DIR": str(data)})
    assert checks["question log"]["ok"] and "created on the first question" in checks["question log"]["detail"]
    assert not (data / "questions.sqlite3").exists()

    monkeypatch.setenv("LICENSEBOT_RETENTION_DAYS", "0")
    _, checks = _doctor(monkeypatch, capsys, {})
    assert checks["question log"]["ok"] and checks["question log"]["detail"].startswith("off")

    monkeypatch.setenv("LICENSEBOT_RETENTION_DAYS", "90")
    # /proc takes no new files, whoever asks (root included).
    _, checks = _doctor(monkeypatch, capsys, {"LICENSEBOT_DATABASE_URL": "sqlite:////proc/q.sqlite3"})
    assert not checks["question log"]["ok"] and not checks["question log"]["fatal"]
    assert "cannot be created" in checks["question log"]["detail"]


def test_a_password_with_an_unencoded_slash_is_refused_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, checks = _doctor(monkeypatch, capsys, {
        "LICENSEBOT_DATA_DIR": str(tmp_path),
        "LICENSEBOT_DATABASE_URL": "postgresql://bot:12345/s3cretPW@db.example/licensebot"})
    check = checks["question log"]
    assert code == 1 and not check["ok"] and check["fatal"] and "percent-encoded" in check["detail"]
    assert "s3cretPW" not in check["detail"]
