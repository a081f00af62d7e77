"""Errors raised by the index package; third-party errors are converted at the boundary."""


class LicenseIndexError(Exception):
    """Base class for everything the index package raises on purpose."""


class SourceError(LicenseIndexError):
    """A document file cannot be read (bad YAML, undecodable bytes, empty text)."""


class EmptyDocument(SourceError):
    """A document file has no text to index."""


class EmbeddingError(LicenseIndexError):
    """The embedding model cannot be loaded or failed to embed."""


class StoreError(LicenseIndexError):
    """The vector store rejected an operation."""


class StoreUnavailable(StoreError):
    """The vector store cannot be reached (server down, path unusable)."""


class ReindexInProgress(LicenseIndexError):
    """Another process (or thread) holds the reindex lock."""

    def __init__(self, holder: object) -> None:
        self.holder = holder
        describe = getattr(holder, "describe", None)
        who = describe() if callable(describe) else str(holder)
        super().__init__(f"a reindex is already running ({who}); try again when it ends")


class ReindexAborted(LicenseIndexError):
    """A reindex lost its lock midway; its build was discarded and the old index keeps serving."""
