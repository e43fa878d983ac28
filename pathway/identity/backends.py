"""A gate before Django's password check: when the deployment has turned local passwords off
(PATHWAY_LOCAL_PASSWORDS=false), a password sign-in is refused for every account but the
break-glass ones, before any password is checked. Every password sign-in goes through it:
the sign-in page, the break-glass page and the admin site's. A refusal counts towards the
account's lockout like a wrong password (django.contrib.auth sends user_login_failed)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from pathway.identity.config import is_break_glass, local_passwords_enabled


class LocalPasswordsGate:
    # Not a BaseBackend: without get_user it never loads a session's person (ModelBackend does).
    def authenticate(self, request, username=None, password=None, **kwargs):
        if local_passwords_enabled() or username is None:
            return None  # Django's ModelBackend, next, checks the password as usual
        model = get_user_model()
        try:
            person = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            person = None
        if not is_break_glass(person):
            raise PermissionDenied("Local passwords are off for this account")
        return None
