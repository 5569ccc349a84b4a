"""The one exception of the storage package."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be opened, migrated or written; the message says what to do."""
