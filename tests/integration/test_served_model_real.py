"""The OpenAI-compatible backend against a real server: llama-cpp-python's own
`python -m llama_cpp.server`, serving the default Apache-2.0 model on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from licensebot.llm.generate import OpenAIGenerator
from licensebot.llm.guard import default_model_path
from tests.integration.processes import free_port, licensebot

pytestmark = pytest.mark.integration

ALIAS = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    # A file, not a pipe: the server logs a lot at start-up and would block on a full pipe.
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(default_model_path()), "--model_alias", ALIAS,
         "--host", "127.0.0.1", "--port", str(port), "--n_threads", "2", "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/models", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"model server did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_the_served_model_is_listed_and_answers(model_server: str) -> None:
    gen = OpenAIGenerator(model_server, ALIAS, timeout=60)
    assert ALIAS in gen.models()
    text = gen.generate("Answer in one short sentence.", "What is the capital of France?", max_tokens=24)
    assert text.strip()


def test_cli_answers_through_the_served_model(model_server: str, env: dict[str, str]) -> None:
    served = env | {"LICENSEBOT_LLM_URL": model_server, "LICENSEBOT_LLM_MODEL": ALIAS,
                    "LICENSEBOT_LLM_LICENSE": "apache-2.0"}
    proc = licensebot(["ask", "--json", "What happens to our Apache 2.0 patent license if we sue?"], served)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert not out["abstained"] and out["quotes"][0]["doc"] == "apache-2.0"
    assert "summary is unavailable" not in out["answer"]

    refused = licensebot(["ask", "What does MIT require?"], served | {"LICENSEBOT_LLM_LICENSE": ""})
    assert refused.returncode == 2 and "LICENSEBOT_LLM_LICENSE" in refused.stderr
