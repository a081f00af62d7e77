"""`licensebot bench`: indexing, retrieval, answer and Slack-ack speed, and peak memory, measured
on this machine with the real components. Numbers are reported, never asserted."""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from licensebot import prompts
from licensebot.devtools.loopback import SignedSender, SlackStub
from licensebot.devtools.stats import percentile
from licensebot.devtools.tokens import profile
from licensebot.index.documents import Chunk
from licensebot.index.embed import Embedder, Vectors, default_model_path
from licensebot.index.embed.shipped import WithShippedVectors
from licensebot.index.embed.tokens import load_tokenizer, token_counts
from licensebot.index.reindex import SourceConfig
from licensebot.index.store import VectorStore
from licensebot.llm.generate import LlamaCppGenerator
from licensebot.runtime import Runtime
from licensebot.settings import Settings

QUESTIONS = [
    "Can we use Llama 3.1 outputs to train our own model?",
    "Do we need a license from Meta above 700 million monthly active users?",
    "Does offering Gemma through an API count as distribution?",
    "What happens to the Apache 2.0 patent license if we sue a contributor?",
    "Does the AGPL require sharing source code with network users?",
    "What must be included in copies of MIT-licensed software?",
    "At how many monthly active users does the Qwen license require permission?",
    "Must OpenRAIL-M use restrictions be passed on to downstream users?",
    "Can Google restrict our use of Gemma remotely?",
    "Which courts handle disputes under the Llama 2 license?",
]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


class _Counted:
    """The embedder, counting the model tokens of the texts it is given (the count is taken outside
    the embedding and its time is kept apart, so it can be subtracted from a timing)."""

    def __init__(self, inner: Embedder, model_path: Path) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._tokenizer = load_tokenizer(model_path)
        self.texts = self.tokens = 0
        self.counting_s = 0.0

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> Vectors:
        started = time.perf_counter()
        self.texts += len(texts)
        self.tokens += sum(token_counts(self._tokenizer, texts))
        self.counting_s += time.perf_counter() - started
        return self.inner.embed(texts, progress=progress)


def _index_rates(prefix: str, counted: _Counted, chunks: int, seconds: float) -> dict[str, Any]:
    """Chunks, texts and tokens embedded by one index run, and per second (counting time excluded)."""
    spent = max(seconds - counted.counting_s, 1e-9)
    return {f"{prefix}_s": round(spent, 1), f"{prefix}_chunks": chunks, f"{prefix}_texts_embedded": counted.texts,
            f"{prefix}_tokens_embedded": counted.tokens, f"{prefix}_chunks_per_s": round(counted.texts / spent, 1),
            f"{prefix}_tokens_per_s": round(counted.tokens / spent)}


class _NoReindex:
    def run(self, *, progress: Any = None) -> Any:
        raise RuntimeError("the benchmark does not reindex through Slack")


def _ack_latencies(settings: Settings, service: Any, n: int) -> list[float]:
    from licensebot.slack.app import create_app
    from licensebot.slack.deps import SlackDeps
    from licensebot.slack.questions import QuestionLog
    from licensebot.slack.server import BackgroundServer
    from licensebot.slack.sqlite_store import SqliteQuestionStore

    stub = SlackStub().start()
    secret = "bench-secret"
    slack_settings = replace(settings, slack_bot_token="xoxb-bench", slack_signing_secret=secret,
                             slack_api_url=stub.api_url)
    deps = SlackDeps(settings=slack_settings, service=service,
                     questions=QuestionLog(SqliteQuestionStore(settings.data_dir / "bench-questions.sqlite3")),
                     reindexer=_NoReindex(),
                     status=lambda: {"documents": 0, "chunks": 0, "indexed_at": ""})
    server = BackgroundServer(deps, create_app(deps)).start()
    sender = SignedSender(f"{server.url}/slack/events", secret)
    out = []
    for i in range(n):
        status, body, seconds = sender.command(QUESTIONS[i % len(QUESTIONS)], "U1", stub.url + "/response")
        if status != 200:
            raise RuntimeError(f"the Slack app answered {status}: {body[:200]!r}")
        out.append(seconds)
        time.sleep(0.05)
    # Let the queued answers finish before the index they read is torn down.
    server.stop(drain=600)
    return out


def run(rt: Runtime, *, quick: bool, log: Callable[[str], None]) -> dict[str, Any]:
    settings = rt.settings
    results: dict[str, Any] = {}
    # A scratch folder under the data dir, emptied at the start of each run. (Deleting it at
    # the end would pull files from under Chroma's still-open client.)
    tmp = settings.data_dir / "bench"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    local = replace(settings, data_dir=Path(tmp) / "default", chroma_url="", collection="bench")
    lrt = type(rt)(local)
    results["machine"] = machine()
    log(f"machine: {results['machine']}")
    embedder = lrt.embedder()
    raw = embedder.inner if isinstance(embedder, WithShippedVectors) else embedder
    results["embedder"] = {"class": type(raw).__name__, "name": embedder.name,
                           "shipped_vectors": isinstance(embedder, WithShippedVectors)}
    log(f"embedding with {type(raw).__name__} ({embedder.name})")
    if not quick:
        results["embed_backends"] = embed_backends(lrt, log)
    store = lrt.store()
    model_path = settings.embed_model or default_model_path()
    # The model's own speed: every text embedded, none looked up in the shipped vectors.
    counted = _Counted(raw, model_path)
    reindexer = lrt.reindexer(counted, store)
    _, seconds = _timed(lambda: reindexer.run(forget_folders=True, all_licenses=False))
    results.update(_index_rates("index_default", counted, store.count(), seconds))
    log(f"index default corpus: {results['index_default_s']} s, {store.count()} chunks, "
        f"{counted.tokens} tokens ({results['index_default_tokens_per_s']} tokens/s)")
    results["index_default_tokens_by_kind"] = tokens_by_kind(store, model_path)
    _, noop = _timed(lambda: reindexer.run(forget_folders=True, all_licenses=False))
    results["index_noop_s"] = round(noop, 2)
    log(f"no-op reindex: {noop:.2f} s")
    if isinstance(embedder, WithShippedVectors):
        # First use as a new install gets it: the package's vectors looked up, the rest embedded.
        first = type(rt)(replace(local, data_dir=Path(tmp) / "shipped"))
        shipped = WithShippedVectors(raw, embedder.table)
        _, seconds = _timed(lambda: first.reindexer(shipped, first.store()).run(forget_folders=True,
                                                                                 all_licenses=False))
        results["index_default_shipped_s"] = round(seconds, 1)
        results["index_default_vectors_shipped"] = shipped.looked_up
        log(f"index default corpus with the shipped vectors: {seconds:.1f} s ({shipped.looked_up} looked up)")

    # Serving is measured in its own process, as `licensebot serve` runs: torch on one
    # thread, the model warm, nothing left over from indexing.
    results.update(_in_serving_process(local, log))

    if quick:
        results["index_all_s"] = None
    else:
        everything = type(rt)(replace(local, data_dir=Path(tmp) / "all"))
        all_store = everything.store()
        counted = _Counted(raw, model_path)
        # As users run it (shipped vectors looked up), counting only the texts the model embeds.
        used = WithShippedVectors(counted, embedder.table) if isinstance(embedder, WithShippedVectors) else counted
        report, seconds = _timed(
            lambda: everything.reindexer(used, all_store).run(forget_folders=True, all_licenses=True)
        )
        results.update(_index_rates("index_all", counted, all_store.count(), seconds))
        # Questions are answered from the moment the index is published; the rest of the
        # vectors follow into the serving index.
        results["index_all_searchable_s"] = report.searchable_after
        results["index_all_held_documents"] = report.held
        log(f"index whole LicenseDB: searchable after {report.searchable_after} s, complete after "
            f"{results['index_all_s']:.0f} s, {all_store.count()} chunks, "
            f"{counted.tokens} tokens ({results['index_all_tokens_per_s']} tokens/s)")
        results["index_all_tokens_by_kind"] = tokens_by_kind(all_store, model_path)
    return results


def tokens_by_kind(store: VectorStore, model_path: Path) -> dict[str, dict[str, Any]]:
    """docs/performance.md's token table for what ``store`` holds (see ``devtools.tokens``)."""
    chunks = [c for part, _ in store.export() for c in part]
    return profile(chunks, [c.search_text() for c in chunks], model_path)


def machine() -> dict[str, Any]:
    """What the numbers depend on: the CPU, its vector extensions and the cores available."""
    from licensebot.index.embed import available_cores

    info: dict[str, Any] = {"cores": available_cores()}
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return info
    lines = text.splitlines()
    info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    flags = set(next((ln for ln in lines if ln.startswith("flags")), "").split())
    info["features"] = sorted(flags & {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16",
                                       "amx_int8", "avx_vnni"})
    info["bf16"] = bool(flags & {"avx512_bf16", "amx_bf16"})
    return info


def embed_backends(rt: Runtime, log: Callable[[str], None], n: int = 1024) -> list[dict[str, Any]]:
    """The same ``n`` clauses of the default corpus embedded by every backend and precision this
    CPU can run (bfloat16 only where it is native), side by side: chunks per second and the
    lowest cosine similarity to the float32 sentence-transformers vectors."""
    from licensebot.errors import LicensebotError
    from licensebot.index.embed import cpu_has_bf16, registry
    from licensebot.index.text import chunk_document

    docs = rt.documents(SourceConfig(all_licenses=False, folders=())).documents
    texts = [c.search_text() for d in docs for c in chunk_document(d)][:n]
    tokens = sum(token_counts(load_tokenizer(rt.settings.embed_model or default_model_path()), texts))
    # Every registered backend in every precision it computes in; bfloat16 only where it is native.
    variants = [(name, precision) for name in registry.BACKENDS for precision in registry.backend(name).precisions
                if precision != "bfloat16" or cpu_has_bf16()]
    variants.sort(key=lambda v: (v[1] == "bfloat16", v[1] == "int8", v[0] != "torch"))
    reference: Vectors | None = None
    out = []
    for backend, precision in variants:
        vrt = type(rt)(replace(rt.settings, embed_backend=backend, embed_precision=precision))
        try:
            embedder = vrt.embedder(shipped=False)  # the model's speed, not the table's
            embedder.embed(texts[:32])  # load, export or warm up outside the timing
            vectors, seconds = _timed(lambda: embedder.embed(texts))  # noqa: B023 - called at once
        except LicensebotError as exc:
            log(f"{backend} {precision}: unavailable ({exc})")
            continue
        if reference is None:
            reference = vectors
        row = {"backend": backend, "precision": precision, "chunks": len(texts), "tokens": tokens,
               "chunks_per_s": round(len(texts) / seconds, 1), "tokens_per_s": round(tokens / seconds),
               "min_cosine_vs_torch_float32": round(float((vectors * reference).sum(axis=1).min()), 5)}
        log(f"{backend} {precision}: {row['chunks_per_s']} chunks/s, {row['tokens_per_s']} tokens/s, "
            f"min cosine {row['min_cosine_vs_torch_float32']}")
        out.append(row)
    return out


def scaling(rt: Runtime, *, log: Callable[[str], None]) -> dict[str, Any]:
    """How cost grows: indexing time against documents, retrieval latency against index size.

    Retrieval sizes are cut from the current index (run `licensebot index --all` first for the
    30k point), reusing its vectors, so only search time is measured.
    """
    from licensebot.index.reindex import Indexer
    from licensebot.index.search import Retriever
    from licensebot.index.sources import load_scancode
    from licensebot.index.store.chroma import ChromaStore

    tmp = rt.settings.data_dir / "bench-scaling"
    shutil.rmtree(tmp, ignore_errors=True)
    embedder = rt.embedder(shipped=False)
    indexing = []
    all_docs = sorted(load_scancode(None).documents, key=lambda d: d.key)
    for n in (10, 100, 300):
        store = ChromaStore(path=tmp / f"index-{n}")
        docs = all_docs[:: max(1, len(all_docs) // n)][:n]
        report, seconds = _timed(lambda: Indexer(embedder, store).run(docs))  # noqa: B023 - called at once
        indexing.append({"documents": n, "chunks": store.count(), "seconds": round(seconds, 1),
                         "chunks_per_s": round(report.chunks_embedded / seconds, 1)})
        log(f"indexing {n} documents: {store.count()} chunks in {seconds:.1f} s")
    chunks, vectors = _sample_with_vectors(rt.store(), 40_000)
    retrieval = []
    for size in (100, 1_000, 10_000, 30_000):
        if size > len(chunks):
            break
        store = ChromaStore(path=tmp / f"search-{size}")
        build = store.begin_build()
        build.upsert(chunks[:size], vectors[:size])
        build.set_state({"generation": f"bench-{size}"})
        store.publish(build)
        retriever = Retriever(embedder, store)
        retriever.search(QUESTIONS[0])
        times = []
        for q in QUESTIONS * 3:
            started = time.perf_counter()
            retriever.search(q)
            times.append(time.perf_counter() - started)
        retrieval.append({"chunks": size, "p50_ms": round(statistics.median(times) * 1000, 1),
                          "p95_ms": round(percentile(times, 0.95) * 1000, 1)})
        log(f"retrieval over {size} chunks: p50 {retrieval[-1]['p50_ms']} ms")
    return {"indexing": indexing, "retrieval": retrieval}


def _sample_with_vectors(store: VectorStore, n: int) -> tuple[list[Chunk], Vectors]:
    """Up to ``n`` stored chunks with their vectors, to build smaller indexes from."""
    chunks: list[Chunk] = []
    vectors: list[Vectors] = []
    for part, vecs in store.export():
        chunks.extend(part)
        vectors.append(vecs)
        if len(chunks) >= n:
            break
    if not vectors:
        return [], np.zeros((0, 0), dtype=np.float32)
    return chunks[:n], np.vstack(vectors)[:n]


def serving_measurements(local: Settings, log: Callable[[str], None]) -> dict[str, Any]:
    """Retrieval, answer, first-token and ack latency and peak RSS of a serving process."""
    results: dict[str, Any] = {}
    rt = Runtime(local)
    embedder = rt.embedder(serving=True)
    store = rt.store()
    generator, _info = rt.generator()
    service = rt.service(embedder, store, generator)
    service.retriever.search(QUESTIONS[0])  # build the keyword index and warm up
    retrieval = []
    for q in QUESTIONS * 3:
        started = time.perf_counter()
        service.retriever.search(q)
        retrieval.append(time.perf_counter() - started)
    results["retrieval_p50_ms"] = round(statistics.median(retrieval) * 1000, 1)
    results["retrieval_p95_ms"] = round(percentile(retrieval, 0.95) * 1000, 1)
    log(f"retrieval p50 {results['retrieval_p50_ms']} ms, p95 {results['retrieval_p95_ms']} ms")

    if isinstance(generator, LlamaCppGenerator):
        generator.load()
        lead = service.ask(QUESTIONS[0]).lead
        user = prompts.render("answer", sentence=lead.text if lead else QUESTIONS[0])
        results["ttft_s"] = round(generator.time_to_first_token(prompts.load("system"), user), 3)
    answers = []
    for q in QUESTIONS:
        started = time.perf_counter()
        service.ask(q)
        answers.append(time.perf_counter() - started)
    results["answer_p50_s"] = round(statistics.median(answers), 3)
    results["answer_p95_s"] = round(percentile(answers, 0.95), 3)
    log(f"answer p50 {results['answer_p50_s']} s, p95 {results['answer_p95_s']} s, "
        f"first token {results.get('ttft_s')} s")

    acks = _ack_latencies(local, service, 30)
    results["ack_p50_ms"] = round(statistics.median(acks) * 1000, 1)
    results["ack_p99_ms"] = round(percentile(acks, 0.99) * 1000, 1)
    log(f"slash-command ack p50 {results['ack_p50_ms']} ms, p99 {results['ack_p99_ms']} ms")
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    log(f"peak RSS (model, index and Slack app in one process): {results['peak_rss_mb']} MB")

    return results


def _in_serving_process(local: Settings, log: Callable[[str], None]) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")} | {
        "LICENSEBOT_DATA_DIR": str(local.data_dir), "LICENSEBOT_COLLECTION": local.collection,
        "LICENSEBOT_CHROMA_URL": "",
    }
    proc = subprocess.run([sys.executable, "-m", "licensebot.devtools.bench"], env=env, capture_output=True, text=True)
    for line in proc.stderr.splitlines():
        if line.startswith("bench: "):
            log(line.removeprefix("bench: "))
    if proc.returncode != 0:
        raise RuntimeError(f"the serving benchmark failed: {proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    measured = serving_measurements(Settings.from_env(), lambda line: print(f"bench: {line}", file=sys.stderr))
    print(json.dumps(measured))
