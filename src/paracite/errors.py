"""One error root: every error paracite raises on purpose is a ParaciteError.

Messages are written for the person at the keyboard: they name the file or setting
involved and say what to do next.
"""

from __future__ import annotations


class ParaciteError(Exception):
    """Root of all errors raised by paracite."""


class ConfigError(ParaciteError):
    """A setting is missing or invalid."""


class ExtraMissingError(ConfigError):
    """An optional part (``paracite[local]``, ``paracite[openai]``) is not installed; the
    message says what to install."""


class IngestError(ParaciteError):
    """A file could not be ingested (the message names the file and the reason)."""


class ParseError(IngestError):
    """A file was read but no usable structure could be recovered from it."""


class StoreError(ParaciteError):
    """The passage store could not be opened, read or written."""


class StoreReplacedError(StoreError):
    """The store's database file was deleted or replaced while this process had it open:
    reopening it here would read the new file as if nothing had happened."""


class EmbedderMismatchError(StoreError):
    """The store's vectors were made by another embedder than the settings name: reading
    or writing would mix two models' vectors. ``stored`` and ``configured`` are the two
    identities (``paracite.embed.EmbedderIdentity``)."""

    def __init__(self, message: str, *, stored: object = None, configured: object = None
                 ) -> None:
        super().__init__(message)
        self.stored, self.configured = stored, configured


class NotFoundError(ParaciteError):
    """A document or paragraph asked for by name does not exist in the store."""


class QuestionError(ParaciteError):
    """The question cannot be asked as it is (empty, too long, no words)."""


class LLMError(ParaciteError):
    """The language model backend is not available or failed."""
