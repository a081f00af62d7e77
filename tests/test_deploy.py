"""The deployment files agree with the code and with Kubernetes: ports, probes, settings, the
shared stores, graceful shutdown, security, and every manifest valid against the Kubernetes
JSON schemas (kubernetes-validate ships them, so this runs offline)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from licensebot.settings import Settings, specs

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
K8S = DEPLOY / "k8s"
KNOWN = {spec.env for _, spec in specs()}
KUBERNETES = "1.28"
"""The oldest Kubernetes the manifests are written for (schemas of that version, strict)."""


def _docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]


def _by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind)


def _image(image: str, images: list[dict[str, str]]) -> str:
    """kustomize's `images:` transformer for one image reference."""
    name, _, tag = image.partition(":")
    for entry in images:
        if entry["name"] == name:
            return f"{entry.get('newName', name)}:{entry.get('newTag', tag or 'latest')}"
    return image


def _walk_images(node: Any, images: list[dict[str, str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "image" and isinstance(value, str):
                node[key] = _image(value, images)
            else:
                _walk_images(value, images)
    elif isinstance(node, list):
        for item in node:
            _walk_images(item, images)


def rendered() -> list[dict[str, Any]]:
    """What `kubectl apply -k deploy/k8s` applies: its resources with the images rewritten (the
    parts of kustomize this kustomization uses), plus the optional model server."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = [d for name in [*kustomization["resources"], "model-server.yaml"] for d in _docs(name)]
    _walk_images(docs, kustomization.get("images", []))
    return docs


def _pod(name: str, kind: str = "Deployment") -> dict[str, Any]:
    spec: dict[str, Any] = _by_kind(_docs(name), kind)["spec"]["template"]["spec"]
    return spec


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


@pytest.mark.parametrize("doc", rendered(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_is_valid_against_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    try:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")


def test_images_come_from_a_registry_with_a_tag() -> None:
    for doc in rendered():
        if doc["kind"] in ("Deployment", "StatefulSet"):
            for c in doc["spec"]["template"]["spec"]["containers"]:
                name, _, tag = c["image"].rpartition(":")
                assert tag and tag != "latest", c["image"]
                assert "/" in name or name == "postgres", f"{c['image']} names no registry"


def test_every_volume_claim_and_secret_a_pod_uses_is_defined() -> None:
    docs = rendered()
    claims = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    secrets = {d["metadata"]["name"] for d in _docs("secret.example.yaml")} | {"licensebot-tls"}
    for doc in docs:
        if doc["kind"] not in ("Deployment", "StatefulSet"):
            continue
        pod = doc["spec"]["template"]["spec"]
        for volume in pod.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims, volume
        for c in pod["containers"]:
            refs = [e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", []) if "valueFrom" in e]
            refs += [e["secretRef"]["name"] for e in c.get("envFrom", [])]
            assert set(refs) <= secrets, refs
    tls = _by_kind(docs, "Ingress")["spec"]["tls"][0]
    assert tls["secretName"] in secrets and tls["hosts"] == [_by_kind(docs, "Ingress")["spec"]["rules"][0]["host"]]


def test_every_pod_runs_as_a_numeric_non_root_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "USER 10001:10001" in dockerfile
    for doc in rendered():
        if doc["kind"] in ("Deployment", "StatefulSet"):
            pod = doc["spec"]["template"]["spec"]
            context = pod["securityContext"]
            assert context["runAsNonRoot"] is True and isinstance(context["runAsUser"], int)
            assert context["runAsUser"] != 0 and context["fsGroup"] == context["runAsGroup"]
            for c in pod["containers"]:
                assert c["securityContext"]["allowPrivilegeEscalation"] is False


def test_bot_replicas_run_http_mode_against_the_shared_chroma_and_postgres() -> None:
    bot = _docs("bot.yaml")
    deployment = _by_kind(bot, "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = _env(container)
    assert set(env) <= KNOWN
    assert "SLACK_APP_TOKEN" not in env, "replicas behind a Service must use HTTP mode"
    chroma = _by_kind(_docs("chroma.yaml"), "Service")
    assert env["LICENSEBOT_CHROMA_URL"] == f"http://{chroma['metadata']['name']}:{chroma['spec']['ports'][0]['port']}"
    # The database URL holds a password: it comes from a Secret, never from the manifest.
    assert env["LICENSEBOT_DATABASE_URL"] == {"secretKeyRef": {"name": "licensebot-database", "key": "url"}}
    database = _by_kind(_docs("secret.example.yaml")[1:], "Secret")["stringData"]["url"]
    postgres = _by_kind(_docs("postgres.yaml"), "Service")
    assert f"@{postgres['metadata']['name']}:{postgres['spec']['ports'][0]['port']}/" in database
    assert Settings.from_env({"LICENSEBOT_DATABASE_URL": database}).database_url == database
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert f"{env['LICENSEBOT_DATA_DIR']}/slack-discussions" in mounts
    assert _by_kind(bot, "PersistentVolumeClaim")["spec"]["accessModes"] == ["ReadWriteMany"]
    assert _by_kind(bot, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/slack/events"
    assert _by_kind(bot, "PodDisruptionBudget")["spec"]["selector"] == deployment["spec"]["selector"]


def test_probes_keep_a_replica_that_can_reply_in_rotation_and_shutdown_has_time_to_drain() -> None:
    pod = _pod("bot.yaml")
    container = pod["containers"][0]
    port = int(_env(container)["LICENSEBOT_PORT"])
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": port}
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    sleep = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    drain = float(_env(container)["LICENSEBOT_DRAIN_SECONDS"])
    timeout = Settings.from_env({}).request_timeout
    assert pod["terminationGracePeriodSeconds"] > sleep + drain + timeout / 2


def test_compose_wires_the_bot_to_chroma_postgres_and_the_optional_model_server() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"bot", "chroma", "postgres", "model"} <= set(services)
    bot = services["bot"]
    assert bot["environment"]["LICENSEBOT_CHROMA_URL"] == "http://chroma:8000"
    assert "8000" in services["chroma"]["command"] and "user" not in services["chroma"]
    assert services["model"]["profiles"] == ["model-server"]
    assert set(bot["environment"]) <= KNOWN and "LICENSEBOT_DATABASE_URL" not in bot["environment"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    grace = int(bot["stop_grace_period"].rstrip("s"))
    assert grace > float(bot["environment"]["LICENSEBOT_DRAIN_SECONDS"])
    example = (DEPLOY / "licensebot.env.example").read_text()
    names = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert names <= KNOWN and "LICENSEBOT_DATABASE_URL" in names
    database = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("LICENSEBOT_DATABASE"))
    postgres = dict(line.split("=", 1) for line in (DEPLOY / "postgres.env.example").read_text().splitlines()
                    if line and not line.startswith("#"))
    assert database == (f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
                        f"@postgres:5432/{postgres['POSTGRES_DB']}")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_the_manifests() -> None:
    out = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(out.stdout) if d)
    assert kinds == sorted(d["kind"] for d in rendered() if d["metadata"]["name"] not in ("model", "licensebot-models"))


def test_the_image_takes_cpu_torch_and_keeps_compilers_out_of_the_final_stage() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = text.split("\nFROM ")
    assert len(stages) == 3, "a build stage and a final stage"
    build, final = stages[1], stages[2]
    assert "--index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in build
    assert "build-essential" in build and "cmake" in build
    assert "build-essential" not in final and "cmake" not in final and "gcc" not in final
    assert "COPY --from=build /venv /venv" in final and 'CMD ["licensebot", "serve"]' in final
