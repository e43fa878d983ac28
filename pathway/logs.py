"""Logging helpers."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """Drop the traceback from the log record of a refused request (a 4xx response): Django
    logs PermissionDenied, Http404 and bad requests with their exception attached, and each
    would otherwise fill the log with a traceback for something that went as designed."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
