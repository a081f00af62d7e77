"""`licensebot soak`: concurrent askers against a real `licensebot serve` process on loopback,
with a reindex in the middle, counting errors, lost and duplicated answers and memory growth.

The Slack side is licensebot.devtools.loopback: a recording Web API and signed requests, so the bot
runs exactly as in production (HTTP mode, real Bolt app, real model, real Chroma) without a
workspace. Work happens in a scratch folder under the data dir; the user's index is untouched.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licensebot import prompts
from licensebot.devtools.loopback import SignedSender, SlackStub, free_port
from licensebot.devtools.stats import percentile
from licensebot.settings import Settings
from licensebot.slack.replies import is_continuation

QUESTIONS = (
    "Can we use Llama 3.1 outputs to train our own model?",
    "What happens to our Apache 2.0 patent license if we sue?",
    "What does the MIT license require in copies?",
    "Do we need to share source code if we modify GPL-3.0 software?",
    "Can Google restrict our use of Gemma remotely?",
    "Does the OpenRAIL-M license require passing on use restrictions?",
)
POLICY_KEY = "soak-policy"
ADMIN = "USOAKADMIN"


def _policy(version: int) -> str:
    return (f"---\nkey: {POLICY_KEY}\nname: Soak test policy\n---\n"
            f"1. Approval. Release train {version} requires sign-off by the open source review board "
            f"before any model ships under codename heliotrope-{version}.\n")


class _Recorder(SlackStub):
    """Notes when each reply arrives, keyed by thread (mentions) or response_url (commands)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, list[tuple[float, str]]] = {}
        self._arrival_lock = threading.Lock()

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        key = ""
        if is_continuation(str(params.get("text", ""))):
            pass  # a long answer's later message: part of the reply already noted, not a duplicate
        elif method == "chat.postMessage" and params.get("thread_ts"):
            key = "thread:" + str(params["thread_ts"])
        elif method.startswith("/response/"):
            key = method
        if key:
            with self._arrival_lock:
                shown = str(params.get("text", "")) + json.dumps(params.get("blocks", []), ensure_ascii=False)
                self.arrivals.setdefault(key, []).append((time.perf_counter(), shown))
        return super().handle(method, params)

    def replies(self, key: str) -> list[tuple[float, str]]:
        with self._arrival_lock:
            return list(self.arrivals.get(key, []))


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    asked: int = 0
    retries: int = 0
    keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"licensebot serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError("licensebot serve did not become ready")


def _serve_env(settings: Settings, work: Path, port: int, secret: str, api_url: str) -> dict[str, str]:
    # Keep the user's model and corpus choices, but never their store, Slack or listening address.
    own = ("LICENSEBOT_DATA_DIR", "LICENSEBOT_FOLDERS", "LICENSEBOT_CHROMA_URL", "LICENSEBOT_HOST",
           "LICENSEBOT_PORT", "LICENSEBOT_ADMINS")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k not in own}
    return env | {
        "LICENSEBOT_DATA_DIR": str(work / "data"),
        "LICENSEBOT_FOLDERS": str(work / "docs"),
        "LICENSEBOT_HOST": "127.0.0.1",
        "LICENSEBOT_PORT": str(port),
        "LICENSEBOT_ADMINS": ADMIN,
        "SLACK_BOT_TOKEN": "xoxb-soak",
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
    }


def _wait_reply(stub: _Recorder, key: str, timeout: float) -> tuple[float, str] | None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = stub.replies(key)
        if got:
            return got[0]
        time.sleep(0.02)
    return None


def _ask(sender: SignedSender, stub: _Recorder, tally: _Tally, i: int) -> None:
    question = QUESTIONS[i % len(QUESTIONS)]
    started = time.perf_counter()
    if i % 2:
        key = f"/response/{i}"
        status, _, _ = sender.command(question, "USOAK", stub.url + key)
    else:
        ts = f"{1700000000 + i}.000100"
        key = "thread:" + ts
        event = {"type": "app_mention", "user": "USOAK", "channel": "C1", "ts": ts, "text": f"<@UBOT> {question}"}
        status, _, _ = sender.event(event, event_id=f"EvSoak{i}")
        if i % 10 == 0 and status == 200:
            # Slack retries deliveries it thinks failed; the retry must not be answered again.
            sender.event(event, event_id=f"EvSoak{i}", headers={"x-slack-retry-num": "1"})
            with tally.lock:
                tally.retries += 1
    with tally.lock:
        tally.asked += 1
        tally.keys.append(key)
    if status != 200:
        with tally.lock:
            tally.errors.append(f"ack {status} for question {i}")
        return
    reply = _wait_reply(stub, key, timeout=120)
    with tally.lock:
        if reply is None:
            tally.lost += 1
        elif prompts.message("index_unavailable") in reply[1] or prompts.message("apology") in reply[1]:
            tally.errors.append(f"question {i} answered with an error message")
        else:
            tally.latencies.append(reply[0] - started)


def run(settings: Settings, *, askers: int, minutes: float, log: Callable[[str], None]) -> dict[str, Any]:
    work = settings.data_dir / "soak"
    shutil.rmtree(work, ignore_errors=True)
    (work / "docs").mkdir(parents=True)
    (work / "docs" / f"{POLICY_KEY}.md").write_text(_policy(1))
    stub = _Recorder()
    stub.start()
    secret = secrets.token_hex(16)
    port = free_port()
    logfile = (work / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "licensebot", "serve"],
        env=_serve_env(settings, work, port, secret, stub.api_url), stdout=logfile, stderr=subprocess.STDOUT,
    )
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    try:
        log(f"starting licensebot serve on 127.0.0.1:{port} (builds its index first); log in {work / 'serve.log'}")
        _wait_ready(port, proc, timeout=900)
        sender = SignedSender(f"http://127.0.0.1:{port}/slack/events", secret)

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append((time.perf_counter(), _rss_mb(proc.pid)))

        threading.Thread(target=sample, daemon=True).start()
        tally = _Tally()
        counter = itertools.count()
        started = time.perf_counter()
        deadline = started + minutes * 60

        def asker() -> None:
            while time.perf_counter() < deadline:
                _ask(sender, stub, tally, next(counter))

        threads = [threading.Thread(target=asker, daemon=True) for _ in range(askers)]
        for t in threads:
            t.start()
        log(f"{askers} askers for {minutes:g} min")
        time.sleep(max(0.0, (deadline - time.perf_counter()) / 2))
        (work / "docs" / f"{POLICY_KEY}.md").write_text(_policy(2))
        reindex = _reindex(sender, stub, log)
        for t in threads:
            t.join()
        time.sleep(3.0)  # room for a duplicate answer to show up
        visible = _policy_visible(sender, stub)
    finally:
        stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        logfile.close()
        stub.stop()
    duplicated = sum(1 for key in tally.keys if len(stub.replies(key)) > 1)
    return _summary(tally, samples, started, askers, minutes, duplicated, reindex, visible)


def _reindex(sender: SignedSender, stub: _Recorder, log: Callable[[str], None]) -> dict[str, Any]:
    log("reindexing (the soak policy changed) while questions keep coming")
    # Progress and the summary come privately, through the command's response_url.
    began = time.perf_counter()
    status, _, _ = sender.command("reindex", ADMIN, stub.url + "/response/reindex")
    finished, failed = prompts.message("reindex_finished", added=0, changed=0, removed=0, unchanged=0)[:16], \
        prompts.message("reindex_failed", reason="")
    deadline = time.time() + 600
    while time.time() < deadline and status == 200:
        updates = stub.called("/response/reindex")
        done = [u for u in updates if str(u.get("text", "")).startswith((finished, failed))]
        if done:
            ok = str(done[0]["text"]).startswith(finished)
            return {"ok": ok, "seconds": round(time.perf_counter() - began, 1), "message": str(done[0]["text"])[:200]}
        time.sleep(0.2)
    return {"ok": False, "seconds": round(time.perf_counter() - began, 1), "message": f"no result (ack {status})"}


def _policy_visible(sender: SignedSender, stub: _Recorder) -> bool:
    """After the reindex, the new policy version is what gets quoted."""
    key = "/response/final"
    sender.command("What does the soak test policy say about heliotrope sign-off?", "USOAK", stub.url + key)
    reply = _wait_reply(stub, key, timeout=120)
    return reply is not None and "heliotrope-2" in reply[1]


def _summary(
    tally: _Tally, samples: list[tuple[float, float]], started: float, askers: int, minutes: float,
    duplicated: int, reindex: dict[str, Any], visible: bool,
) -> dict[str, Any]:
    rss = [mb for _, mb in samples if mb > 0]
    # Memory after warm-up (the first fifth of the run loads caches) against the last fifth.
    fifth = max(1, len(rss) // 5)
    early = statistics.median(rss[fifth : 2 * fifth]) if len(rss) >= 5 else (rss[0] if rss else 0.0)
    late = statistics.median(rss[-fifth:]) if rss else 0.0
    elapsed = time.perf_counter() - started
    return {
        "askers": askers,
        "minutes": minutes,
        "questions": tally.asked,
        "answered": len(tally.latencies),
        "questions_per_minute": round(len(tally.latencies) / (elapsed / 60), 1) if elapsed else 0.0,
        "errors": len(tally.errors),
        "error_examples": tally.errors[:5],
        "lost": tally.lost,
        "duplicated": duplicated,
        "retries_sent": tally.retries,
        "latency_p50_s": round(percentile(tally.latencies, 0.50), 2),
        "latency_p95_s": round(percentile(tally.latencies, 0.95), 2),
        "rss_after_warmup_mb": round(early, 1),
        "rss_end_mb": round(late, 1),
        "rss_peak_mb": round(max(rss, default=0.0), 1),
        "rss_growth_pct": round(100 * (late - early) / early, 1) if early else 0.0,
        "reindex_ok": reindex["ok"],
        "reindex_s": reindex["seconds"],
        "reindex_message": reindex["message"],
        "new_policy_quoted_after_reindex": visible,
    }


def passed(results: dict[str, Any]) -> bool:
    return bool(results["errors"] == 0 and results["lost"] == 0 and results["duplicated"] == 0
                and results["reindex_ok"] and results["new_policy_quoted_after_reindex"]
                and results["rss_growth_pct"] < 10.0)
