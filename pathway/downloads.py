"""Sending a stored file to the person who asked for it, after the caller has checked that they
may have it (ADR 0008, ADR 0025).

Files are streamed through Pathway, never handed out as a storage URL: the browser only ever
sees a Pathway address, so the permission is checked on every download, nothing that works
without signing in is left in the history of a shared ward computer, and the headers (an
attachment, the type judged at upload, `nosniff`, `no-store`) are ours. A storage that cannot be
reached gives "try again" (503), not the page for faults in our code.
"""

from __future__ import annotations

import contextlib
import logging

from django.http import FileResponse, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def file_attachment(request, stored, *, filename: str, content_type: str) -> HttpResponse:
    """`stored` is a FieldFile (or any storage file with a name). The storage is read here,
    in the view, so that a storage fault is answered before any byte is sent."""
    try:
        handle = stored.open("rb")
        # FileResponse measures the file (seek and tell) to set Content-Length, which makes
        # Blob Storage fetch the blob now, within its timeouts.
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=content_type or "application/octet-stream",
        )
    except OSError as error:
        with contextlib.suppress(OSError):
            stored.close()
        logger.error("Could not read stored file %s: %s", stored.name, error)
        return render(request, "pathway/file_unavailable.html", status=503)
    # Who fetched which file, in the log with the request id (storage URLs would not tell us).
    logger.info("Sent stored file %s to person %s", stored.name, request.user.pk)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
