"""Logging helpers."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """Drop the traceback from the log record of a refused request (a 4xx response): Django
    logs PermissionDenied, Http404 and bad requests with their exception attached, and each
    would otherwise fill the log with a traceback for something that went as designed.

    A 503 (the database could not be reached: pathway/availability.py) is one line too, with
    the reason on it: while PostgreSQL restarts every request fails the same way, and a
    traceback each would bury everything else in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status == 503 and record.exc_info:
            reason = " ".join(str(record.exc_info[1]).split()).replace("%", "%%")
            record.msg = f"{record.msg} ({type(record.exc_info[1]).__name__}: {reason})"
        if status is not None and (400 <= status < 500 or status == 503):
            record.exc_info = None
            record.exc_text = None
        return True
