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
