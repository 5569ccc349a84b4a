"""The one exception of the config package."""

from __future__ import annotations


class ConfigError(Exception):
    """A config file is missing or invalid; the message names the file, entry and field."""
