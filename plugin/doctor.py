"""`licensebot doctor`: what this deployment uses and whether it works, without secrets.

Each check is cheap (no model weights are loaded, no embedding is computed), so it can run
as a container's readiness probe or before `serve` in a deploy script.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from licensebot.errors import LicensebotError
from licensebot.index.embed import default_model_path as default_embed_path
from licensebot.index.embed import embedder_name
from licensebot.index.store import ReindexLock
from licensebot.index.store.chroma import ChromaStore
from licensebot.runtime import Runtime
from licensebot.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fatal: bool = True
    """A failed fatal check means the bot cannot serve; others are warnings."""


def _store_checks(rt: Runtime) -> list[Check]:
    store = rt.store()
    where = store.describe()
    try:
        count = store.count()
        state = store.state()
        active = (store.active_name() if isinstance(store, ChromaStore) else None) or "none"
        leftovers = store.leftovers()
        holder = ReindexLock(store.control).holder()
    except LicensebotError as exc:
        return [Check("vector store", False, f"{where}: unreachable ({exc})")]
    checks = [Check("vector store", True, f"{where}, serving collection '{active}'")]
    if count == 0:
        checks.append(Check("index", False, "empty; run `licensebot index`"))
    else:
        checks.append(Check(
            "index", True,
            f"{state.get('documents', '?')} documents, {count} chunks, indexed {state.get('indexed_at', '?')}, "
            f"{'whole LicenseDB' if state.get('all_licenses') else 'default selection'}"
            f"{', ' + str(len(state.get('folders', []))) + ' folders' if state.get('folders') else ''}",
        ))
    if holder is not None:
        checks.append(Check("reindex", True, f"running: {holder.describe()}", fatal=False))
    if leftovers:
        checks.append(Check(
            "leftovers", False,
            f"unfinished builds {', '.join(leftovers)}; the next reindex removes them", fatal=False,
        ))
    embedder = _embedder_name(rt.settings)
    indexed_with = state.get("embedder")
    if count and indexed_with and indexed_with != embedder:
        checks.append(Check(
            "embeddings", False,
            f"index built with {indexed_with}, configured {embedder}: the next reindex rebuilds it", fatal=False,
        ))
    return checks


def _embedder_name(settings: Settings) -> str:
    return embedder_name(settings.embed_model or default_embed_path(), settings.embed_precision)


def _embedding_check(settings: Settings) -> Check:
    path = settings.embed_model or default_embed_path()
    if not Path(path).is_dir():
        return Check("embedding model", False, f"folder not found: {path}")
    return Check("embedding model", True, f"{_embedder_name(settings)} at {path}")


def _model_check(rt: Runtime) -> list[Check]:
    from licensebot.llm.generate import OpenAIGenerator

    settings = rt.settings
    info = rt.model_info()
    license_text = f"license {info.license} ({info.license_source}), allowlist {', '.join(settings.license_allowlist)}"
    if info.path is not None:
        return [Check("answering model", True, f"{info.name}, local file {info.path.name}; {license_text}")]
    checks = [Check("answering model", True, f"{info.name} served at {info.url}; {license_text}")]
    try:
        offered = OpenAIGenerator(settings.llm_url, settings.llm_model, api_key=settings.llm_api_key,
                                  timeout=5).models()
    except LicensebotError as exc:
        checks.append(Check("model server", False, f"{exc}; answers will carry quotes only", fatal=False))
        return checks
    if offered and info.name not in offered:
        checks.append(Check("model server", False, f"does not offer '{info.name}' (offers {', '.join(offered)})",
                            fatal=False))
    else:
        checks.append(Check("model server", True, "reachable"))
    return checks


def _slack_check(settings: Settings) -> Check:
    present = settings.public()
    mode = "Socket Mode" if settings.slack_app_token else "HTTP"
    parts = [f"mode {mode}", f"SLACK_BOT_TOKEN {present['slack_bot_token']}"]
    if settings.slack_app_token:
        parts.append(f"SLACK_APP_TOKEN {present['slack_app_token']}")
    else:
        parts.append(f"SLACK_SIGNING_SECRET {present['slack_signing_secret']}")
        parts.append(f"listening on {settings.host}:{settings.port}")
    parts.append(f"{len(settings.admins)} admins")
    if settings.slack_api_url:
        parts.append(f"API {settings.slack_api_url}")
    from licensebot.slack.app import check_slack_settings, check_token, web_client

    try:
        # What `serve` checks before it starts: the secrets its mode needs, then the token.
        check_slack_settings(settings, http_mode=not settings.slack_app_token)
        who = check_token(web_client(settings.slack_bot_token, settings.slack_api_url))
    except LicensebotError as exc:
        return Check("slack", False, "; ".join([*parts, str(exc)]))
    parts.append(f"auth.test ok (bot {who.get('user', '?')} in team {who.get('team_id', '?')})")
    return Check("slack", True, "; ".join(parts))


def _question_log_check(settings: Settings) -> Check:
    """One read of the question log. Not fatal when the database is down (the bot answers and logs
    nothing until it is back); a URL no backend takes is, since `serve` stops on it. A readiness
    probe creates nothing: a SQLite file that does not exist yet is reported, not made."""
    from licensebot.errors import ConfigError, QuestionLogError
    from licensebot.slack.stores import default_url, open_store

    if settings.retention_days == 0:
        return Check("question log", True, "off (LICENSEBOT_RETENTION_DAYS=0): nothing is stored")
    url = settings.database_url or default_url(settings)
    if url.lower().startswith("sqlite://"):
        path = Path(unquote(url.split("://", 1)[1]).removeprefix("/"))
        if not path.exists():
            existing = next(d for d in path.absolute().parents if d.exists())
            try:
                # An unnamed file that vanishes on close: can the folder take one at all?
                with tempfile.TemporaryFile(dir=existing):
                    pass
            except OSError as exc:
                return Check("question log", False, f"sqlite:///{path} cannot be created ({existing}: "
                                                    f"{exc.strerror}); answers are not logged", fatal=False)
            return Check("question log", True, f"sqlite:///{path} (created on the first question)")
    try:
        store = open_store(url)
    except ConfigError as exc:
        return Check("question log", False, str(exc))
    except QuestionLogError as exc:
        return Check("question log", False, f"{exc}; answers are not logged", fatal=False)
    try:
        store.recent_feedback(1)
    except QuestionLogError as exc:
        return Check("question log", False, f"{exc}; answers are not logged until it is back", fatal=False)
    finally:
        store.close()
    return Check("question log", True, store.describe())


def _guarded(name: str, fn: Callable[[], list[Check]]) -> list[Check]:
    try:
        return fn()
    except LicensebotError as exc:
        return [Check(name, False, str(exc))]


def run_checks(rt: Runtime) -> list[Check]:
    return [
        *_guarded("vector store", lambda: _store_checks(rt)),
        *_guarded("embedding model", lambda: [_embedding_check(rt.settings)]),
        *_guarded("answering model", lambda: _model_check(rt)),
        _question_log_check(rt.settings),
        _slack_check(rt.settings),
    ]
