"""A request id on every log line, so one request can be followed across web servers and into
the work it starts.

A load balancer or proxy usually sends one (X-Request-ID); when it does not, or sends something
that is not a plausible id, Pathway makes its own. The id is answered in the response's
X-Request-ID header, so a person reporting a problem can quote it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "HTTP_X_REQUEST_ID"
# Letters, digits and the separators ids are made of; bounded so a log line cannot be flooded.
PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "pathway_request_id", default="-"
)


def request_id_from(meta: dict) -> str:
    offered = meta.get(HEADER, "")
    return offered if PLAUSIBLE_ID.match(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META)
        request.request_id = request_id
        # Kept until the response is finished, not only while the middleware runs: Django logs
        # a refused or failed request (django.request) after the whole middleware chain.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(sender, **kwargs):
    current_request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record (a dash outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True
