"""Every error licensebot raises on purpose, in one tree.

``str(exc)`` is written for the person who can fix the problem (an admin at a terminal);
``exit_code`` is what the CLI exits with; ``chat`` names the wording (in ``prompts/``) shown to
someone asking in Slack, who must never see exception text. All three are decided here, once.
Third-party errors are converted where they are raised, by type (``raise StoreUnavailable(...)
from exc``), so nothing above the boundaries catches a library's exception.

::

    LicensebotError                    exit 1, chat "apology"
    ├── UsageError                     exit 2: fix the command, a setting or the input, run again
    │   ├── ConfigError                a setting is missing, malformed or out of range
    │   │   └── ModelLicenseRefused    the configured model's license is not allowed
    │   └── BadQuestion                empty, too long, only symbols (chat: the message itself)
    ├── SourceError                    a document file cannot be read (bad YAML, bytes, empty)
    │   └── EmptyDocument
    ├── EmbeddingError                 the embedding model cannot be loaded or failed
    ├── StoreError                     the vector store rejected an operation
    │   ├── StoreUnavailable           cannot be reached (chat "index_unavailable")
    │   └── CollectionMissing          a collection was dropped (a reindex switched meanwhile)
    ├── ReindexInProgress              another process holds the reindex lock (chat "reindex_busy")
    ├── ReindexAborted                 a reindex lost its lock; the old index keeps serving
    ├── ModelError                     the answering model cannot be loaded or failed
    │   ├── ModelTimeout
    │   └── GGUFError                  the model file is not readable GGUF
    ├── SlackError                     Slack rejected the token or cannot be reached
    │   └── SlackPostFailed            Slack refused a reply (too long, gone, rate limited)
    ├── QuestionLogError               the question log's database rejected an operation
    │   └── QuestionLogUnavailable     cannot be reached (chat "question_log_unavailable")
    └── DevtoolError                   a benchmark or soak run could not complete
"""

from __future__ import annotations


class LicensebotError(Exception):
    """Base class. ``str(exc)`` is written for the person who can fix it."""

    exit_code = 1
    chat = "apology"


class UsageError(LicensebotError):
    """What was asked cannot be done as given; changing the input or settings fixes it."""

    exit_code = 2


class ConfigError(UsageError):
    """A setting is missing, malformed or out of range."""


class ModelLicenseRefused(ConfigError):
    """The model's license is not on the allowlist, or unknown and undeclared."""


class BadQuestion(UsageError):
    """The question cannot be answered as asked; the message says why, politely."""

    chat = ""
    """Empty: the message itself is written for the asker."""


class SourceError(LicensebotError):
    """A document file cannot be read (bad YAML, undecodable bytes, empty text)."""


class EmptyDocument(SourceError):
    """A document file has no text to index."""


class EmbeddingError(LicensebotError):
    """The embedding model cannot be loaded or failed to embed."""


class StoreError(LicensebotError):
    """The vector store rejected an operation."""

    chat = "index_unavailable"


class StoreUnavailable(StoreError):
    """The vector store cannot be reached (server down, path unusable)."""


class CollectionMissing(StoreError):
    """A collection does not exist (any more): a reindex switched and dropped it."""


class ReindexInProgress(LicensebotError):
    """Another process (or thread) holds the reindex lock."""

    chat = "reindex_busy"

    def __init__(self, holder: object) -> None:
        self.holder = holder
        describe = getattr(holder, "describe", None)
        who = describe() if callable(describe) else str(holder)
        self.who = who
        super().__init__(f"a reindex is already running ({who}); try again when it ends")


class ReindexAborted(LicensebotError):
    """A reindex lost its lock midway; its build was discarded and the old index keeps serving."""

    chat = "reindex_aborted"


class ModelError(LicensebotError):
    """The answering model cannot be loaded or failed while generating."""


class ModelTimeout(ModelError):
    """The answering model took longer than LICENSEBOT_LLM_TIMEOUT."""


class GGUFError(ModelError):
    """The file is not a readable GGUF file."""


class SlackError(LicensebotError):
    """Slack rejected the bot token, or its API cannot be reached."""


class SlackPostFailed(SlackError):
    """Slack refused to post a reply (a chat.* call or a response_url), after its retries."""


class QuestionLogError(LicensebotError):
    """The question log's database rejected an operation (the answer itself is unaffected)."""

    chat = "question_log_unavailable"


class QuestionLogUnavailable(QuestionLogError):
    """The question log's database cannot be reached (server down, wrong host or password)."""


class DevtoolError(LicensebotError):
    """A benchmark or soak run could not complete; the message says which step failed."""
