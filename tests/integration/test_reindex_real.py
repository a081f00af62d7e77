"""Atomic reindex against a real Chroma server and real processes: SIGKILL midway, a lock
contended by several clients, and questions answered while a reindex runs."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

from licensebot.errors import ReindexInProgress
from licensebot.index.embed.torch_backend import SentenceTransformerEmbedder
from licensebot.index.search import Retriever
from licensebot.index.store import ReindexLock
from licensebot.index.store.chroma import ChromaStore
from tests.integration.processes import licensebot, start_licensebot

pytestmark = pytest.mark.integration


def _folder(path: Path, n: int) -> Path:
    """``n`` small policy documents: enough chunks that embedding them takes several seconds."""
    path.mkdir()
    for i in range(n):
        clauses = "\n\n".join(
            f"{j}. Clause {j} of internal policy {i}: contractors must file form {i}-{j} before "
            f"deploying model variant {j} in region {i % 7}." for j in range(1, 13)
        )
        (path / f"policy-{i}.md").write_text(f"---\nkey: policy-{i}\nname: Internal policy {i}\n---\n{clauses}\n")
    return path


def test_a_killed_reindex_leaves_the_old_index_serving_and_is_cleaned_up_next_time(
    tmp_path: Path, env: dict[str, str], chroma_server: str, embedder: SentenceTransformerEmbedder
) -> None:
    env = env | {"LICENSEBOT_CHROMA_URL": chroma_server}
    first = licensebot(["index", "--json"], env)
    assert first.returncode == 0, first.stderr
    store = ChromaStore(url=chroma_server)
    serving = store.active_name()
    count = store.count()
    retriever = Retriever(embedder, store)
    question = "Under Llama 2, do we need a license from Meta if we have more than 700 million monthly active users?"
    assert retriever.search(question).hits[0].chunk.doc == "llama-2-license-2023"

    policies = _folder(tmp_path / "policies", 80)
    proc = start_licensebot(["index", "--folder", str(policies)], env)
    try:
        deadline = time.time() + 120
        while not store.leftovers():  # the new build exists once copying has started
            assert proc.poll() is None, proc.communicate()[1]
            assert time.time() < deadline, "the reindex never started a build"
            time.sleep(0.2)
        time.sleep(2.0)
        # Midway: questions still go to the previous index, which is intact.
        assert store.active_name() == serving and store.count() == count
        assert retriever.search(question).hits[0].chunk.doc == "llama-2-license-2023"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert store.active_name() == serving and store.count() == count
    assert store.leftovers(), "SIGKILL leaves the unfinished build behind"

    again = licensebot(["index", "--json", "--folder", str(policies)], env)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert any("stopped without finishing" in note for note in report["recovered"])
    assert any("unfinished build" in note for note in report["recovered"])
    assert len(report["added"]) == 80 and store.leftovers() == []
    assert store.active_name() != serving
    assert "policy-3" in store.doc_hashes()


def test_only_one_of_many_clients_gets_the_reindex_lock(chroma_server: str) -> None:
    locks = [ReindexLock(ChromaStore(url=chroma_server).control) for _ in range(6)]
    start = threading.Barrier(len(locks))
    outcome: list[str] = []

    def contend(lock: ReindexLock) -> None:
        start.wait()
        try:
            lock.acquire()
            outcome.append("won")
        except ReindexInProgress:
            outcome.append("refused")

    threads = [threading.Thread(target=contend, args=(lock,)) for lock in locks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["refused"] * 5 + ["won"]
    winner = next(lock for lock in locks if lock.still_held())
    winner.release()
    assert locks[0].holder() is None
