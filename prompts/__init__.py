"""Prompt templates and user-facing wording, kept as files so they can be reviewed and edited
without touching code. Installed with the package (see pyproject.toml).

- ``<name>.txt``: model prompts and the answer's fixed texts, ``load(name)`` / ``render(name, ...)``;
- ``messages.yaml``: everything the Slack app says to people, ``message(key, ...)``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> str:
    """The text of ``prompts/<name>.txt`` without its final newline."""
    return resources.files(__name__).joinpath(f"{name}.txt").read_text("utf-8").rstrip("\n")


def render(template: str, /, **values: object) -> str:
    """The template ``prompts/<template>.txt`` with ``{placeholders}`` filled in."""
    return load(template).format(**values)


@cache
def _messages() -> dict[str, Any]:
    data = yaml.safe_load(resources.files(__name__).joinpath("messages.yaml").read_text("utf-8"))
    return data if isinstance(data, dict) else {}


def message(key: str, /, **values: object) -> str:
    """The message ``key`` of ``messages.yaml`` with ``{placeholders}`` filled in."""
    return str(_messages()[key]).format(**values)


def messages(key: str) -> Any:
    """A structured entry of ``messages.yaml`` (the assistant's suggested prompts)."""
    return _messages()[key]
