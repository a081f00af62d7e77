"""The deployment files agree with the code: ports, probes, settings and the shared store."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from licensebot.settings import specs

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
KNOWN = {spec.env for _, spec in specs()}


def _docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d]


def _by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind)


def test_bot_replicas_run_http_mode_against_the_shared_chroma_service() -> None:
    bot = _docs("bot.yaml")
    chroma = _docs("chroma.yaml")
    deployment = _by_kind(bot, "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert set(env) <= KNOWN
    assert "SLACK_APP_TOKEN" not in env, "replicas behind a Service must use HTTP mode"
    service = _by_kind(chroma, "Service")
    port = service["spec"]["ports"][0]["port"]
    assert env["LICENSEBOT_CHROMA_URL"] == f"http://{service['metadata']['name']}:{port}"
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": int(env["LICENSEBOT_PORT"])}
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert f"{env['LICENSEBOT_DATA_DIR']}/slack-discussions" in mounts
    claim = _by_kind(bot, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    ingress = _by_kind(bot, "Ingress")
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/slack/events"


def test_compose_wires_the_bot_to_chroma_and_the_optional_model_server() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"bot", "chroma", "model"} <= set(services)
    assert services["bot"]["environment"]["LICENSEBOT_CHROMA_URL"] == "http://chroma:8000"
    assert "8000" in services["chroma"]["command"]
    assert services["model"]["profiles"] == ["model-server"]
    assert set(services["bot"]["environment"]) <= KNOWN
    example = (DEPLOY / "licensebot.env.example").read_text()
    names = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert names <= KNOWN


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_the_manifests() -> None:
    out = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(out.stdout) if d]
    assert sorted(kinds) == sorted(["Deployment", "Service", "PersistentVolumeClaim", "Ingress",
                                    "StatefulSet", "Service"])


def test_the_image_takes_cpu_torch_and_keeps_compilers_out_of_the_final_stage() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = text.split("\nFROM ")
    assert len(stages) == 3, "a build stage and a final stage"
    build, final = stages[1], stages[2]
    assert "--index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in build
    assert "build-essential" in build and "cmake" in build
    assert "build-essential" not in final and "cmake" not in final and "gcc" not in final
    assert "COPY --from=build /venv /venv" in final and 'CMD ["licensebot", "serve"]' in final
