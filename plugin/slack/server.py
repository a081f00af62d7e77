"""`licensebot serve`: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App

from licensebot.errors import LicensebotError, ModelError, ReindexInProgress
from licensebot.index.indexer import Indexer, Progress
from licensebot.index.models import IndexReport
from licensebot.llm.generate import LlamaCppGenerator
from licensebot.runtime import Runtime
from licensebot.slack.app import check_slack_settings, create_app
from licensebot.slack.dedupe import SeenEvents
from licensebot.slack.deps import SlackDeps
from licensebot.slack.feedback import FeedbackStore

log = logging.getLogger("licensebot.slack")


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


def build_deps(rt: Runtime) -> SlackDeps:
    """Load the model and the index once; every request shares them."""
    settings = rt.settings
    generator, info = rt.generator()  # a refused license stops the start here
    if isinstance(generator, LlamaCppGenerator):
        try:
            generator.load()
        except ModelError:
            # Quotes are the answer; without the model each answer says its summary is
            # unavailable, and loading is tried again on the next question.
            log.exception("the answering model failed to load; answering with quotes only")
    store = rt.store()
    embedder = rt.embedder(serving=True)
    for note in Indexer(embedder, store).recover():
        log.warning("recovered after an unfinished reindex: %s", note)
    if store.count() == 0:
        log.info("index is empty; building the default index")
        try:
            rt.index(embedder, store, rt.sources({}))
        except ReindexInProgress:
            # Replicas starting together: one builds, the others pick the index up when it
            # is published (the retriever follows the store's generation).
            log.info("another process is building the index; it will be used once published")
    service = rt.service(embedder, store, generator)

    def reindex(progress: Progress) -> IndexReport:
        report = rt.index(embedder, store, rt.sources(store.state()), progress=progress)
        service.retriever.refresh(force=True)
        return report

    def ready() -> bool:
        try:
            return store.count() > 0
        except LicensebotError:
            return False

    def status() -> dict[str, Any]:
        service.retriever.refresh()
        state = store.state()
        return {
            "documents": len(service.retriever.documents),
            "chunks": store.count(),
            "indexed_at": state.get("indexed_at", ""),
        }

    return SlackDeps(
        settings=settings,
        service=service,
        feedback=FeedbackStore(settings.data_dir / "feedback.sqlite3"),
        reindex=reindex,
        status=status,
        model=info,
        seen=SeenEvents(store.control),
        ready=ready,
    )


def http_server(app: App, host: str, port: int, ready: Callable[[], bool] | None = None) -> WSGIServer:
    """Slack's requests on /slack/events; GET /healthz for load balancers and probes (200 when
    the index can be searched, 503 otherwise)."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    slack = SlackRequestHandler(app, path="/slack/events")

    def handler(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            ok = ready() if ready is not None else True
            start_response("200 OK" if ok else "503 Service Unavailable", [("content-type", "text/plain")])
            return [b"ok\n" if ok else b"index unavailable\n"]
        return slack(environ, start_response)

    return make_server(host, port, handler, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def serve(rt: Runtime) -> None:
    settings = rt.settings
    socket_mode = bool(settings.slack_app_token)
    check_slack_settings(settings, http_mode=not socket_mode)
    deps = build_deps(rt)
    app = create_app(deps, http_mode=not socket_mode)
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.info("starting in Socket Mode")
        SocketModeHandler(app, settings.slack_app_token).start()
        return
    server = http_server(app, settings.host, settings.port, ready=deps.ready)
    log.info("listening on http://%s:%d/slack/events", settings.host, settings.port)
    server.serve_forever()
