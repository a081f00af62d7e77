"""What `licensebot serve` loads: the bot's own packages, never the dev tools (bench, soak,
eval, the loopback Slack), which only the CLI's dev commands import."""

from __future__ import annotations

import subprocess
import sys


def test_the_serving_path_never_imports_the_dev_tools() -> None:
    code = (
        "import sys\n"
        "import licensebot.cli, licensebot.slack.server, licensebot.slack.app, licensebot.doctor\n"
        "from licensebot.slack.listeners import actions, agent, assistant, commands, events, home, shortcuts\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('licensebot.devtools'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "", f"serving imports dev tools: {out.stdout}"
    assert "licensebot.slack" in subprocess.run(
        [sys.executable, "-c", "import licensebot.slack.server, sys; print(sorted(sys.modules))"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout, "the check above must be able to see the modules it looks for"


def test_the_package_list_names_every_folder_with_an_init() -> None:
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    dirs = {name: root / folder for name, folder in config["package-dir"].items()}
    found = set()
    for name, folder in dirs.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            found.add(".".join((name, *rel)))
    assert set(config["packages"]) == found


def test_every_slack_message_is_used_and_every_used_one_exists() -> None:
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    keys = set(yaml.safe_load((root / "prompts" / "messages.yaml").read_text()))
    source = "".join(p.read_text() for p in (root / "plugin").rglob("*.py"))
    # By key, or named by an error class (`chat = "reindex_aborted"`) and shown by error_text.
    used = set(re.findall(r"prompts\.messages?\(\s*\"(\w+)\"", source)) | set(re.findall(r'chat = "(\w+)"', source))
    assert used <= keys, used - keys
    assert keys <= used, f"unused wording in messages.yaml: {keys - used}"
