from __future__ import annotations

from pathlib import Path

import pytest

from licensebot.errors import GGUFError, ModelError, ModelLicenseRefused
from licensebot.llm.gguf import read_metadata
from licensebot.llm.guard import check_model_license, default_model_path
from tests.gguf_files import write_header


def test_packaged_default_model_is_apache_licensed() -> None:
    info = check_model_license(default_model_path(), allowlist=["apache-2.0"])
    assert info.license == "apache-2.0" and info.license_source == "gguf metadata"


def test_model_with_a_non_allowlisted_license_is_refused_naming_it(tmp_path: Path) -> None:
    model = tmp_path / "llama.gguf"
    write_header(model, {"general.name": "Llama 3.1 8B", "general.license": "llama3.1"})
    with pytest.raises(ModelLicenseRefused, match="'llama3.1'"):
        check_model_license(model, allowlist=["apache-2.0"])


def test_declaration_cannot_override_the_license_in_the_file(tmp_path: Path) -> None:
    model = tmp_path / "gemma.gguf"
    write_header(model, {"general.license": "gemma"})
    with pytest.raises(ModelLicenseRefused, match="gemma"):
        check_model_license(model, allowlist=["apache-2.0"], declared="apache-2.0")


def test_missing_license_needs_a_declaration(tmp_path: Path) -> None:
    model = tmp_path / "anon.gguf"
    write_header(model, {"general.name": "anon", "llama.block_count": 2})
    with pytest.raises(ModelLicenseRefused, match="LICENSEBOT_MODEL_LICENSE"):
        check_model_license(model, allowlist=["apache-2.0"])
    info = check_model_license(model, allowlist=["apache-2.0"], declared="Apache-2.0")
    assert info.license == "apache-2.0" and "declared" in info.license_source
    with pytest.raises(ModelLicenseRefused):
        check_model_license(model, allowlist=["apache-2.0"], declared="cc-by-nc-4.0")


def test_allowlist_is_configurable(tmp_path: Path) -> None:
    model = tmp_path / "mit.gguf"
    write_header(model, {"general.license": "MIT"})
    assert check_model_license(model, allowlist=["apache-2.0", "mit"]).license == "mit"


def test_not_a_gguf_file(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(GGUFError):
        read_metadata(bad)
    with pytest.raises(ModelError, match="metadata"):
        check_model_license(bad, allowlist=["apache-2.0"])
    with pytest.raises(ModelError, match="not found"):
        check_model_license(tmp_path / "missing.gguf", allowlist=["apache-2.0"])


def test_truncated_header(tmp_path: Path) -> None:
    model = tmp_path / "cut.gguf"
    write_header(model, {"general.license": "apache-2.0"})
    model.write_bytes(model.read_bytes()[:30])
    with pytest.raises(GGUFError, match="ends"):
        read_metadata(model)
