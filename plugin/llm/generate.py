"""The answering model boundary: a short summary written from retrieved clauses."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from licensebot.errors import ModelError, ModelTimeout

T = TypeVar("T")


class Generator(Protocol):
    name: str

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str: ...


def _messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class _Deadline:
    """A logits processor that ends generation once ``seconds`` have passed: llama.cpp offers
    no timeout, and an exception raised in a processor is swallowed by its C callback, so the
    processor forces the end-of-sequence token and remembers that it did."""

    def __init__(self, seconds: float, eos: int) -> None:
        self._ends = time.monotonic() + seconds
        self._eos = eos
        self.hit = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if time.monotonic() > self._ends:
            self.hit = True
            scores[:] = -float("inf")
            scores[self._eos] = 0.0
        return scores


class LlamaCppGenerator:
    """A GGUF model run in-process by llama.cpp, loaded once and shared.

    Every llama.cpp call runs on one dedicated thread. llama.cpp contexts are not thread-safe,
    so calls must be serialised anyway; and its OpenMP worker threads belong to the thread that
    starts a computation: once two threads had run the model, each answer took 2.7x longer
    (measured here: 0.65 s from one thread, 1.8 s alternating between the Slack worker
    threads). Concurrent questions queue here instead of failing.
    """

    def __init__(
        self, model_path: Path, *, threads: int = 2, n_ctx: int = 2048, name: str = "", timeout: float = 20.0
    ) -> None:
        self.path = model_path
        self.name = name or model_path.stem
        self.timeout = timeout
        self._threads = threads
        self._n_ctx = n_ctx
        self._llm: Any = None
        self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")

    def _on_runner(self, fn: Callable[[], T]) -> T:
        return self._runner.submit(fn).result()

    def load(self) -> None:
        self._on_runner(self._load)

    def _load(self) -> None:
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama

            self._llm = Llama(
                model_path=str(self.path),
                n_ctx=self._n_ctx,
                n_threads=self._threads,
                verbose=False,
            )
        except Exception as exc:
            raise ModelError(f"cannot load the model {self.path.name}: {exc}") from exc

    def time_to_first_token(self, system: str, user: str) -> float:
        """Seconds until the first streamed token (for benchmarks)."""

        def first() -> float:
            self._load()
            started = time.perf_counter()
            stream = self._llm.create_chat_completion(
                messages=_messages(system, user),
                max_tokens=8,
                temperature=0.0,
                stream=True,
            )
            for _chunk in stream:
                return time.perf_counter() - started
            return 0.0

        return self._on_runner(first)

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        return self._on_runner(lambda: self._generate(system, user, max_tokens))

    def _generate(self, system: str, user: str, max_tokens: int) -> str:
        from llama_cpp import LogitsProcessorList

        self._load()
        deadline = _Deadline(self.timeout, self._llm.token_eos())
        try:
            result = self._llm.create_chat_completion(
                messages=_messages(system, user),
                max_tokens=max_tokens,
                temperature=0.0,
                seed=0,
                logits_processor=LogitsProcessorList([deadline]),
            )
        except Exception as exc:
            raise ModelError(f"the model failed to answer: {exc}") from exc
        if deadline.hit:
            raise ModelTimeout(f"the model did not finish within {self.timeout:g} s")
        try:
            return str(result["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError) as exc:
            raise ModelError("the model returned no text") from exc


def _v1(url: str) -> str:
    base = url.rstrip("/")
    return base if base.endswith("/v1") else base + "/v1"


class OpenAIGenerator:
    """A model behind an OpenAI-compatible HTTP API (vLLM, llama.cpp's server, ...).

    The answering prompt is the same as for the local model; the server only has to
    implement /v1/chat/completions.
    """

    def __init__(
        self, url: str, model: str, *, api_key: str = "", timeout: float = 20.0, transport: Any = None
    ) -> None:
        import httpx

        self.url = _v1(url)
        self.model = model
        self.name = model
        self.timeout = timeout
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        # ``transport`` lets unit tests answer requests in-process (httpx.MockTransport).
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout, transport=transport)

    def _post(self, path: str, payload: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self._http.post(path, json=payload)
        except httpx.TimeoutException as exc:
            raise ModelTimeout(f"the model server at {self.url} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise ModelError(f"cannot reach the model server at {self.url}: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ModelError(f"the model server at {self.url} answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise ModelError(f"the model server at {self.url} sent something that is not JSON") from exc

    def models(self) -> list[str]:
        """The model names the server offers (to check the configured one is there)."""
        import httpx

        try:
            response = self._http.get("/models")
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ModelError(f"cannot list the models of {self.url}: {type(exc).__name__}") from exc
        return [str(m.get("id", "")) for m in data.get("data", []) if isinstance(m, dict)]

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        result = self._post("/chat/completions", {
            "model": self.model,
            "messages": _messages(system, user),
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "seed": 0,
        })
        try:
            return str(result["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError) as exc:
            raise ModelError("the model server returned no text") from exc
