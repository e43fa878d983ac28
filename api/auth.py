"""Bearer tokens with scopes, and the per-client rate limit (ADR 0023)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from api.selectors import api_client_for_token
from api.services import api_client_used


class ClientToken(HttpBearer):
    """An operation's security: a client's token that is known, unexpired and unrevoked
    (else 401), holding the operation's scope (else 403)."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        client = api_client_for_token(token)
        if client is None or not client.is_usable():
            return None
        if not client.has_scope(self.scope):
            raise AuthorizationError(message=f"This client does not have the {self.scope} scope")
        api_client_used(client)
        return client


def _rate() -> tuple[int, int]:
    """PATHWAY_API_RATE, "600/minute": (requests, seconds)."""
    count, _, period = settings.PATHWAY_API_RATE.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[(period or "m")[0]]
    return int(count), seconds


class PerClientRate(BaseThrottle):
    """At most N requests per client in each fixed window, counted in Django's cache.

    cache.add then cache.incr: atomic in Redis and memcached, and within one process in the
    local-memory cache. With the local-memory default each worker process counts on its own, so
    the limit is per worker: configure a shared cache (Redis) where the limit matters."""

    def allow_request(self, request) -> bool:
        client = getattr(request, "auth", None)
        if client is None:
            return True
        limit, window = _rate()
        key = f"api-rate:{client.pk}:{int(time.time() // window)}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
        return count <= limit

    def wait(self) -> float:
        _limit, window = _rate()
        return window - time.time() % window
