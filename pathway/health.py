"""Health endpoints for the load balancer and the container platform.

/healthz answers whether this process is alive: it touches nothing else, so a database outage
does not make the platform restart every web container at once. /readyz answers whether this
server can do useful work now (database, file storage and cache reachable); a server that is
not ready is taken out of the load balancer until it is. Neither needs signing in, and neither
says more than ok or failed for each check, so they give nothing away.

They are answered by a middleware at the top of the stack, before anything checks the host
name, redirects to HTTPS or opens a session: a platform probes each container by its own
address over plain HTTP, and a probe must not be refused as a bad host or fill the session
table.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


def _database() -> None:
    for connection in connections.all():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def _storage() -> None:
    # Written, read back and removed: reachable is not enough if the container cannot write.
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as file:
            if file.read() != b"ok":
                raise OSError("storage returned other bytes than were written")
    finally:
        default_storage.delete(name)


def _cache() -> None:
    key = f"pathway:health:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        # A dummy or local cache is fine for one server; a shared one must answer.
        backend = cache.__class__.__name__
        if backend not in {"DummyCache"}:
            raise OSError("cache did not return what was stored")
    cache.delete(key)


CHECKS = {"database": _database, "storage": _storage, "cache": _cache}


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means not ready; the log says which and why
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz}


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        else:
            response = endpoint()
        add_never_cache_headers(response)
        return response
