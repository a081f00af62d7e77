from __future__ import annotations

from pathlib import Path

import pytest

from plugin.errors import BadQuestion, ConfigError
from plugin.question import clean_question
from plugin.settings import Settings, read_dotenv


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<@U123ABC> can we use Llama?", "can we use Llama?"),
        ("<!channel> is MIT ok?", "is MIT ok?"),
        ("see <http://x.example|the license> please", "see the license please"),
        ("tab\tand\x00nul\x1b[31m", "tab and nul [31m"),
        ("Ｆｕｌｌｗｉｄｔｈ ＭＩＴ?", "Fullwidth MIT?"),
        ("\u202eright-to-left \u05e9\u05dc\u05d5\u05dd license?", "right-to-left \u05e9\u05dc\u05d5\u05dd license?"),
        ("lone \ud800 surrogate ok?", "lone surrogate ok?"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
    ],
)
def test_clean_question(raw: str, expected: str) -> None:
    assert clean_question(raw, max_chars=2000) == expected


def test_too_long() -> None:
    with pytest.raises(BadQuestion, match="under 2,000"):
        clean_question("word " * 1000, max_chars=2000)


def test_settings_from_environment(tmp_path: Path) -> None:
    s = Settings.from_env({
        "LICENSEBOT_DATA_DIR": str(tmp_path),
        "LICENSEBOT_FOLDERS": f"{tmp_path / 'a'}:{tmp_path / 'b'}",
        "LICENSEBOT_ADMINS": "U1, U2",
        "LICENSEBOT_LICENSE_ALLOWLIST": "Apache-2.0, MIT",
        "SLACK_BOT_TOKEN": "xoxb-secret",
    })
    assert s.data_dir == tmp_path and s.chroma_path == tmp_path / "chroma"
    assert s.folders == (tmp_path / "a", tmp_path / "b")
    assert s.admins == {"U1", "U2"} and s.license_allowlist == ("apache-2.0", "mit")
    assert "xoxb-secret" not in repr(s) and s.public()["slack_bot_token"] == "set"


def test_defaults() -> None:
    s = Settings.from_env({"HOME": "/home/x"})
    assert s.license_allowlist == ("apache-2.0",) and s.top_k == 10 and not s.chroma_url
    assert s.data_dir.name == "licensebot"


def test_bad_numbers_are_named() -> None:
    with pytest.raises(ConfigError, match="LICENSEBOT_TOP_K"):
        Settings.from_env({"LICENSEBOT_TOP_K": "many"})
    with pytest.raises(ConfigError, match="between"):
        Settings.from_env({"LICENSEBOT_TOP_K": "0"})


def test_dotenv_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nexport LICENSEBOT_TOP_K=7\nSLACK_BOT_TOKEN='xoxb-1'\nnot a line\n")
    assert read_dotenv(env) == {"LICENSEBOT_TOP_K": "7", "SLACK_BOT_TOKEN": "xoxb-1"}
    s = Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path)}, dotenv=env)
    assert s.top_k == 7
    s = Settings.from_env({"LICENSEBOT_TOP_K": "3"}, dotenv=env)
    assert s.top_k == 3, "the environment wins over .env"
