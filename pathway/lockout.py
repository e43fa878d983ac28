"""One lockout per account, whatever proves identity: signing in, signing a record, changing a
password (and, later, a passkey or a single sign-on re-authentication).

django-axes keeps the count. Every failure is counted against the account's address as
Pathway stores it (trimmed, lower case), so `Name@trust.nhs.uk` and ` name@trust.nhs.uk`
are one account with one count, and a success under any spelling resets only that account.

When an account locks, every session it has ends (`User.session_generation`, below) and
its holder is told (notifications listens for axes' `user_locked_out`).
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db.models import F
from django.http import HttpRequest

from pathway.models import User


def account_key(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the account an attempt is counted against."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = getattr(request, "POST", {}).get("username")
    if username is None:
        return None
    return str(username).strip().lower()[:254]


@dataclass(frozen=True)
class Client:
    """Where an attempt came from, for the lockout's log: an address and a browser."""

    ip_address: str = ""
    user_agent: str = ""
    path: str = ""

    @classmethod
    def of(cls, http_request) -> Client:
        if http_request is None:
            return cls()
        return cls(
            ip_address=http_request.META.get("REMOTE_ADDR", ""),
            user_agent=http_request.META.get("HTTP_USER_AGENT", "")[:255],
            path=http_request.path,
        )


def _attempt(client: Client | None) -> HttpRequest:
    # axes counts attempts from an HTTP request; an attempt that did not come over HTTP (a
    # command, a task) is described by an empty one.
    client = client or Client()
    attempt = HttpRequest()
    attempt.META["REMOTE_ADDR"] = client.ip_address or "0.0.0.0"
    attempt.META["HTTP_USER_AGENT"] = client.user_agent or "Pathway"
    attempt.path = attempt.path_info = attempt.META["PATH_INFO"] = client.path or "/"
    return attempt


def is_locked_out(*, email: str, client: Client | None = None) -> bool:
    return AxesProxyHandler.is_locked(_attempt(client), {"username": email})


def failed_attempt_record(*, email: str, client: Client | None = None) -> bool:
    """Count a failed proof of identity against the account. True when it is now locked."""
    attempt = _attempt(client)
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=attempt)
    return bool(getattr(attempt, "axes_locked_out", False)) or is_locked_out(
        email=email, client=client
    )


def end_sessions_on_lock(sender, request=None, username=None, **kwargs) -> None:
    """Receiver of axes' user_locked_out: every session the locked account has ends, so a
    shared ward computer left signed in cannot go on guessing, nor go on being used."""
    if username:
        User.objects.filter(email__iexact=username).update(
            session_generation=F("session_generation") + 1
        )


# Password reset requests: at most this many an hour for one address, and from one place.
RESETS_PER_ADDRESS_PER_HOUR = 3
RESETS_PER_CLIENT_PER_HOUR = 20


def reset_requests_throttled(*, email: str, client: Client) -> bool:
    """Count a password reset request; True when it is one too many this hour (it is then
    quietly not sent). Kept in the cache, which production shares between servers."""
    from django.core.cache import cache
    from django.utils import timezone

    hour = int(timezone.now().timestamp() // 3600)
    keys = [
        (f"reset:address:{email.strip().lower()[:254]}:{hour}", RESETS_PER_ADDRESS_PER_HOUR),
        (f"reset:client:{client.ip_address}:{hour}", RESETS_PER_CLIENT_PER_HOUR),
    ]
    throttled = False
    for key, limit in keys:
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3600)
            count = 1
        throttled = throttled or count > limit
    return throttled
