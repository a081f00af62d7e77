from __future__ import annotations

from pathlib import Path

import pytest

from licensebot.answering.question import clean_question
from licensebot.errors import BadQuestion, ConfigError
from licensebot.settings import Settings, shown_default, specs


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
    env.write_text(
        "# comment\nexport LICENSEBOT_TOP_K=7\nSLACK_BOT_TOKEN='xoxb-1 # part of the value'\n"
        "LICENSEBOT_ADMINS=U0123ABCD  # security\nnot a line\n"
    )
    s = Settings.from_env({"LICENSEBOT_DATA_DIR": str(tmp_path)}, dotenv=env)
    assert s.top_k == 7
    assert s.admins == {"U0123ABCD"}, "an inline comment is not part of the value"
    assert s.slack_bot_token == "xoxb-1 # part of the value", "inside quotes it is"
    s = Settings.from_env({"LICENSEBOT_TOP_K": "3"}, dotenv=env)
    assert s.top_k == 3, "the environment wins over .env"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LICENSEBOT_MIN_SIMILARITY", "1.5", "LICENSEBOT_MIN_SIMILARITY must be between 0 and 1"),
        ("LICENSEBOT_LLM_TIMEOUT", "-1", "LICENSEBOT_LLM_TIMEOUT must be between"),
        ("LICENSEBOT_PORT", "70000", "LICENSEBOT_PORT must be between 1 and 65535"),
        ("LICENSEBOT_EMBED_PRECISION", "fp8", "LICENSEBOT_EMBED_PRECISION must be one of auto, float32, bfloat16"),
        ("LICENSEBOT_LLM_TIMEOUT", "soon", "LICENSEBOT_LLM_TIMEOUT must be a number"),
    ],
)
def test_out_of_range_values_are_rejected_naming_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({name: value})


def test_the_readme_table_lists_every_setting_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for name in cells[0].split(","):
                rows[name.strip().strip("`")] = cells[1]
    declared = {spec.env: shown_default(f, spec) for f, spec in specs()}
    assert set(rows) == set(declared)
    for name, default in declared.items():
        shown = rows[name].strip("`")
        assert shown == default or default in shown or (not default and not shown), (name, shown, default)
