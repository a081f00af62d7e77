"""Prompt templates and user-facing wording, kept as text files so they can be reviewed
and edited without touching code. Installed with the package (see pyproject.toml)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of ``prompts/<name>.txt`` without its final newline."""
    return resources.files(__name__).joinpath(f"{name}.txt").read_text("utf-8").rstrip("\n")


def render(template: str, /, **values: object) -> str:
    """The template ``prompts/<template>.txt`` with ``{placeholders}`` filled in."""
    return load(template).format(**values)
