"""Pathway's authentication backends.

LocalPasswordsGate: a gate before the password check. When the deployment has turned local
passwords off (PATHWAY_LOCAL_PASSWORDS=false), a password sign-in is refused for every account
but the break-glass ones, before any password is checked. Every password sign-in goes through
it: the sign-in page, the break-glass page and the admin site's. A refusal counts towards the
account's lockout like a wrong password (django.contrib.auth sends user_login_failed).

PersonBackend: Django's ModelBackend, loading each request's person in one query.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from pathway.identity.config import is_break_glass, local_passwords_enabled
from pathway.selectors import signed_in_person


class LocalPasswordsGate:
    # Not a BaseBackend: without get_user it never loads a session's person (PersonBackend does).
    def authenticate(self, request, username=None, password=None, **kwargs):
        if local_passwords_enabled() or username is None:
            return None  # PersonBackend (Django's ModelBackend), next, checks the password
        model = get_user_model()
        try:
            person = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            person = None
        if not is_break_glass(person):
            raise PermissionDenied("Local passwords are off for this account")
        return None


class PersonBackend(ModelBackend):
    """Django's ModelBackend (passwords, and the person each request's session is signed in
    as), reading that person with their clinical area and roles in one query rather than
    three (pathway.selectors.signed_in_person). Read afresh for every request, never cached:
    a person made inactive, a new password (the session hash), a role taken away or a signed
    out session counts on the very next request, on every server (ADR 0027)."""

    def get_user(self, user_id):
        person = signed_in_person(user_id)
        return person if person is not None and self.user_can_authenticate(person) else None

    async def aget_user(self, user_id):
        # The same read (ModelBackend's own would read the roles separately).
        return await sync_to_async(self.get_user)(user_id)
