"""The OpenAI-compatible model backend and its license guard (unit level, in-process HTTP)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from licensebot.answering.service import AnswerService
from licensebot.errors import ModelError, ModelLicenseRefused, ModelTimeout
from licensebot.index.search import Retriever
from licensebot.llm.generate import OpenAIGenerator
from licensebot.llm.guard import check_served_model_license
from licensebot.runtime import Runtime
from licensebot.settings import Settings


def _server(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_chat_completion_request_and_reply() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"choices": [{"message": {"content": "Patent rights end."}}]})

    gen = OpenAIGenerator("http://models:8000", "qwen2.5-7b-instruct", api_key="k-123", transport=_server(handler))
    assert gen.generate("system rules", "the clause") == "Patent rights end."
    request = seen[0]
    assert str(request.url) == "http://models:8000/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer k-123"
    body = json.loads(request.content)
    assert body["model"] == "qwen2.5-7b-instruct" and body["temperature"] == 0.0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (lambda r: httpx.Response(503, text="overloaded"), ModelError),
        (lambda r: httpx.Response(200, text="<html>"), ModelError),
        (lambda r: httpx.Response(200, json={"choices": []}), ModelError),
        (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)), ModelTimeout),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)), ModelError),
    ],
)
def test_server_failures_become_model_errors(
    handler: Callable[[httpx.Request], httpx.Response], error: type[Exception]
) -> None:
    gen = OpenAIGenerator("http://models:8000/v1", "m", transport=_server(handler))
    with pytest.raises(error):
        gen.generate("s", "u")


def test_a_failing_server_still_gets_the_lead_and_quotes(fake_retriever: Retriever) -> None:
    gen = OpenAIGenerator("http://models:8000", "m", transport=_server(lambda r: httpx.Response(500)))
    answer = AnswerService(fake_retriever, gen).ask("What does Apache 2.0 say about patent litigation?")
    assert answer.quotes and not answer.abstained and answer.lead is not None
    assert not answer.summary_available and answer.paraphrase == ""


def test_the_served_model_must_declare_an_allowed_license() -> None:
    allow = ("apache-2.0",)
    with pytest.raises(ModelLicenseRefused, match="LICENSEBOT_LLM_LICENSE"):
        check_served_model_license("qwen2.5-7b-instruct", declared="", allowlist=allow, url="u")
    with pytest.raises(ModelLicenseRefused, match="not on the allowlist"):
        check_served_model_license("some-model", declared="cc-by-nc-4.0", allowlist=allow, url="u")
    with pytest.raises(ModelLicenseRefused, match="family"):
        check_served_model_license("meta-llama/Llama-3.1-8B-Instruct", declared="apache-2.0", allowlist=allow, url="u")
    with pytest.raises(ModelLicenseRefused, match="family"):
        check_served_model_license("google/gemma-2-9b-it", declared="apache-2.0", allowlist=allow, url="u")
    info = check_served_model_license("mistralai/Mistral-7B-Instruct-v0.3", declared="Apache-2.0",
                                      allowlist=allow, url="http://m:8000/v1")
    assert info.license == "apache-2.0" and info.path is None and info.url == "http://m:8000/v1"


def test_settings_choose_the_served_backend_and_keep_the_key_secret() -> None:
    settings = Settings.from_env({
        "LICENSEBOT_LLM_URL": "http://models:8000/v1", "LICENSEBOT_LLM_MODEL": "Qwen/Qwen2.5-7B-Instruct",
        "LICENSEBOT_LLM_LICENSE": "apache-2.0", "LICENSEBOT_LLM_API_KEY": "sk-secret",
    })
    generator, info = Runtime(settings).generator()
    assert isinstance(generator, OpenAIGenerator) and info.name == "Qwen/Qwen2.5-7B-Instruct"
    assert "sk-secret" not in repr(settings) and settings.public()["llm_api_key"] == "set"
    with pytest.raises(ModelLicenseRefused):
        unlicensed = {"LICENSEBOT_LLM_URL": "http://models:8000", "LICENSEBOT_LLM_MODEL": "x"}
        Runtime(Settings.from_env(unlicensed)).generator()
