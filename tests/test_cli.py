from __future__ import annotations

from pathlib import Path

import pytest

from licensebot import cli


def test_serve_without_a_bot_token_says_what_to_set(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN is not set" in err and "Traceback" not in err


def test_http_mode_needs_the_signing_secret(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert cli.main(["serve"]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err


def test_bad_setting_is_reported_without_a_traceback(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LICENSEBOT_TOP_K", "lots")
    assert cli.main(["sources"]) == 2
    assert "LICENSEBOT_TOP_K must be a whole number" in capsys.readouterr().err


def test_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("LICENSEBOT_DATA_DIR", "LICENSEBOT_FOLDERS", "LICENSEBOT_CHROMA_URL", "SLACK_BOT_TOKEN"):
        assert name in out


def test_dotenv_in_the_working_folder_is_read(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (clean_env / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\n")
    assert cli.main(["serve"]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err
