"""The curated data files licensebot ships (``index/data/*.yaml``), each of which an admin may
replace with a copy of their own (a setting naming the file)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from licensebot.errors import SourceError


def read_yaml(name: str, override: Path | None = None) -> Any:
    """The packaged ``data/<name>``, or the admin's ``override``; a SourceError saying which file
    and why when it cannot be read."""
    try:
        if override is None:
            text = resources.files("licensebot.index").joinpath(f"data/{name}").read_text("utf-8")
        else:
            text = override.read_text("utf-8")
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read the {name} file {override or name}: {exc}") from exc
