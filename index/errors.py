"""Errors with one-line messages meant for the person at the keyboard."""
from __future__ import annotations


class ReportQAError(Exception):
    """Base class: ``str(err)`` is a complete, user-facing sentence."""


class DocumentError(ReportQAError):
    """The document is missing, unreadable or empty."""


class IndexCorrupt(ReportQAError):
    """Index files are missing, truncated, edited or from another document/model."""
