"""Keeping a signed-in session alive while it is used, cheaply; and the Content Security Policy."""

from __future__ import annotations

import time

import csp.middleware
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from pathway.inline_assets import policy_hashes
from pathway.memo import request_memo
from pathway.signatures import AccountLocked

# How often activity pushes the idle timeout on. Saving the session on every request (Django's
# SESSION_SAVE_EVERY_REQUEST) costs several queries per page; once a minute is as good for a
# 30-minute timeout, which then falls between 29 and 30 minutes after the last page.
TOUCH_EVERY_SECONDS = 60
SEEN_KEY = "_pathway_seen"


def mark_seen_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves the session with a fresh expiry: count it as the first activity."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


class SessionActivityMiddleware:
    """Marks a signed-in session as used at most once a minute, so that Django saves it with
    a fresh expiry (SESSION_COOKIE_AGE from now): the idle timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(SEEN_KEY, 0)) >= TOUCH_EVERY_SECONDS:
                session[SEEN_KEY] = now
        return response


class RequestMemoMiddleware:
    """Opens pathway.memo's memory for the length of one request (permission checks ask the
    database about allocations once a page, not once a check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_memo():
            return self.get_response(request)


class AccountLockedMiddleware:
    """When a wrong password (at sign-off, or changing it) locks the account, the person is
    signed out there and then and told why; the lock has ended their other sessions too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AccountLocked):
            logout(request)
            return render(request, "registration/locked_out.html", status=429)
        return None


class PrivatePagesMiddleware:
    """A signed-in person's pages are never kept by the browser or anything between: on a
    shared ward computer, Back after sign-out must not show the last person's page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not response.has_header("Cache-Control")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            add_never_cache_headers(response)
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's policy, plus the hashes of the static files each page carries inline
    (pathway/inline_assets.py): those texts and no others, so no 'unsafe-inline'."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or not settings.PATHWAY_INLINE_ASSETS:
            return parts
        update = {key: list(value) for key, value in (parts.update or {}).items()}
        for directive, hashes in policy_hashes().items():
            update[directive] = update.get(directive, []) + hashes
        parts.update = update
        return parts
