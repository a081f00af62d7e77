"""The answering model boundary: a short summary written from retrieved clauses."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

from plugin.errors import ModelError


class Generator(Protocol):
    name: str

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str: ...


class LlamaCppGenerator:
    """A GGUF model run in-process by llama.cpp, loaded once and shared.

    llama.cpp contexts are not thread-safe, so calls are serialised: concurrent
    questions queue here instead of failing.
    """

    def __init__(self, model_path: Path, *, threads: int = 2, n_ctx: int = 2048, name: str = "") -> None:
        self.path = model_path
        self.name = name or model_path.stem
        self._threads = threads
        self._n_ctx = n_ctx
        self._llm: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
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
        import time

        with self._lock:
            self._load_locked()
            started = time.perf_counter()
            stream = self._llm.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                max_tokens=8,
                temperature=0.0,
                stream=True,
            )
            for _chunk in stream:
                return time.perf_counter() - started
        return 0.0

    def generate(self, system: str, user: str, *, max_tokens: int = 96) -> str:
        with self._lock:
            self._load_locked()
            try:
                result = self._llm.create_chat_completion(
                    messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                    max_tokens=max_tokens,
                    temperature=0.0,
                    seed=0,
                )
            except Exception as exc:
                raise ModelError(f"the model failed to answer: {exc}") from exc
        try:
            return str(result["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError) as exc:
            raise ModelError("the model returned no text") from exc
