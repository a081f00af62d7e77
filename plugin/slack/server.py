"""`licensebot serve`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events.

Both modes run uvicorn on LICENSEBOT_PORT for the probes and ``/metrics`` (Prometheus); in HTTP
mode it also takes Slack's requests, through Bolt's ASGI adapter, each with a timeout.

Probes: ``/livez`` (and ``/healthz``, its older name) is liveness: 200 while the process
answers. ``/readyz`` is readiness: 200 while this replica can reply to Slack, 503 once it is
draining. A Chroma server that is down does not make a replica unready: every replica would
leave the Service together and Slack would get errors instead of the "index unavailable, try
again" reply; ``/readyz``'s body and the ``licensebot_index_ready`` metric report it instead.

SIGTERM or SIGINT: stop taking requests (uvicorn's graceful shutdown; in Socket Mode the socket
is closed), finish the answers in flight for up to LICENSEBOT_DRAIN_SECONDS, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import replace
from typing import Any

import uvicorn
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.asgi.http_request import AsgiHttpRequest
from slack_bolt.request import BoltRequest

from licensebot.errors import LicensebotError, ModelError, ReindexInProgress
from licensebot.llm.generate import LlamaCppGenerator
from licensebot.runtime import Runtime
from licensebot.settings import Settings
from licensebot.slack.app import check_slack_settings, create_app
from licensebot.slack.dedupe import SeenEvents
from licensebot.slack.deps import SlackDeps
from licensebot.slack.metrics import CONTENT_TYPE, Metrics
from licensebot.slack.stores import question_log

log = logging.getLogger("licensebot.slack")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def build_deps(rt: Runtime) -> SlackDeps:
    """Load the model and the index once; every request shares them."""
    settings = rt.settings
    # First, as it is quick: a malformed LICENSEBOT_DATABASE_URL stops the start before the
    # models load (a database that is down does not: answers go on without the log).
    questions = question_log(settings)
    log.info("question log: %s", questions.describe())
    generator, info = rt.generator()  # a refused license stops the start here
    if isinstance(generator, LlamaCppGenerator):
        try:
            generator.load()
        except ModelError:
            # The clause's own sentence is the answer; without the model no restatement is
            # added, and loading is tried again on the next question.
            log.exception("the answering model failed to load; answering with the clauses alone")
    store = rt.store()
    embedder = rt.embedder(serving=True)
    service = rt.service(embedder, store, generator)
    metrics = Metrics()
    reindexer = rt.reindexer(embedder, store, observer=metrics, warm=service.retriever.snapshot)
    for note in reindexer.recover():
        log.warning("recovered after an unfinished reindex: %s", note)
    try:
        if reindexer.build_if_empty() is not None:
            log.info("the index was empty; built the default index")
    except ReindexInProgress:
        # Replicas starting together: one builds, the others pick the index up when it is
        # published (each question's snapshot follows the store's generation).
        log.info("another process is building the index; it will be used once published")

    def ready() -> bool:
        try:
            return store.count() > 0
        except LicensebotError:
            return False

    def status() -> dict[str, Any]:
        inventory = service.inventory()
        return {"documents": len(inventory.documents), "chunks": inventory.chunks, "indexed_at": inventory.indexed_at}

    return SlackDeps(
        settings=settings,
        service=service,
        questions=questions,
        reindexer=reindexer,
        metrics=metrics,
        status=status,
        model=info,
        seen=SeenEvents(store.control),
        ready=ready,
    )


class _TimedSlackHandler(SlackRequestHandler):
    """Bolt's ASGI adapter, with the (synchronous) dispatch moved off the event loop and bounded:
    listeners acknowledge at once and hand work to the pool, so a slow dispatch is a fault."""

    def __init__(self, app: App, timeout: float) -> None:
        super().__init__(app, path="/slack/events")
        self.timeout = timeout

    async def dispatch(self, request: AsgiHttpRequest) -> BoltResponse:
        bolt = BoltRequest(body=await request.get_raw_body(), query=request.query_string,
                           headers=request.get_headers())
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.app.dispatch, bolt), self.timeout)
        except TimeoutError:
            log.error("a Slack request took longer than %.1f s", self.timeout)
            return BoltResponse(status=503, body="timed out")


def asgi_app(deps: SlackDeps, slack_app: App | None) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """/livez, /healthz, /readyz, /metrics, and /slack/events when ``slack_app`` is given (HTTP mode)."""
    slack = _TimedSlackHandler(slack_app, deps.settings.request_timeout) if slack_app is not None else None

    async def plain(send: Send, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type.encode())]})
        await send({"type": "http.response.body", "body": body})

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if path in ("/livez", "/healthz") and method in ("GET", "HEAD"):
            await plain(send, 200, b"ok\n")
        elif path == "/readyz" and method in ("GET", "HEAD"):
            accepting = deps.workers.accepting
            index = "ok" if await asyncio.to_thread(deps.ready) else "unavailable (questions get the try-again reply)"
            body = f"{'ready' if accepting else 'draining'}\nindex: {index}\n"
            await plain(send, 200 if accepting else 503, body.encode())
        elif path == "/metrics" and method == "GET":
            await plain(send, 200, deps.metrics.exposition(), CONTENT_TYPE)
        elif slack is not None and path == "/slack/events":
            await slack(scope, receive, send)  # type: ignore[arg-type]
        else:
            await plain(send, 404, b"not found\n")

    return app


class _Server(uvicorn.Server):
    """uvicorn's server, except that a SIGTERM/SIGINT is not raised again once it has stopped:
    uvicorn does that to end the process, and we still have answers to finish."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def uvicorn_server(app: Callable[[Scope, Receive, Send], Awaitable[None]], settings: Settings, *,
                   port: int | None = None) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port if port is None else port, log_config=None,
        access_log=False, lifespan="on", timeout_keep_alive=5,
        # uvicorn's own graceful shutdown waits this long for open requests (acks are fast).
        timeout_graceful_shutdown=max(1, int(settings.request_timeout)),
    )
    return _Server(config)


def run(deps: SlackDeps, *, socket_mode: bool) -> int:
    """Serve until SIGTERM/SIGINT, then drain; returns the exit code (0 when every answer in
    flight was finished)."""
    settings = deps.settings
    slack_app = create_app(deps, http_mode=not socket_mode)
    handler = None
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(slack_app, settings.slack_app_token)
        handler.connect()  # returns at once; the socket runs on its own threads
        log.info("connected in Socket Mode; probes and /metrics on http://%s:%d", settings.host, settings.port)
    else:
        log.info("listening on http://%s:%d/slack/events", settings.host, settings.port)
    server = uvicorn_server(asgi_app(deps, None if socket_mode else slack_app), settings)
    server.run()  # returns after SIGTERM/SIGINT, once uvicorn stopped accepting and closed
    if handler is not None:
        handler.close()
    log.info("stopping: finishing %d answers in flight (up to %.0f s)", deps.workers.pending, settings.drain_seconds)
    finished = deps.workers.drain(settings.drain_seconds)
    deps.questions.close()
    log.info("stopped" if finished else "stopped with answers unfinished")
    return 0 if finished else 1


def serve(rt: Runtime) -> int:
    settings = rt.settings
    socket_mode = bool(settings.slack_app_token)
    check_slack_settings(settings, http_mode=not socket_mode)
    return run(build_deps(rt), socket_mode=socket_mode)


class BackgroundServer:
    """The HTTP server on a thread, on a free loopback port (the benchmark and tests)."""

    def __init__(self, deps: SlackDeps, slack_app: App | None) -> None:
        self.deps = deps
        self.server = uvicorn_server(asgi_app(deps, slack_app), replace(deps.settings, host="127.0.0.1"), port=0)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="licensebot-http")

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self, drain: float = 10.0) -> bool:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        return self.deps.workers.drain(drain)
