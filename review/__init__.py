"""Reviewing what was found: exports, and the local web UI."""
