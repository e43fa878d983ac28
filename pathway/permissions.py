"""View decorators: anonymous people are sent to sign in; signed-in people without the
permission get 403. (rules' own decorator with raise_exception=True gives 403 to both.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from rules.contrib.views import permission_required


def require_perm(perm: str, fn=None):
    def decorator(view):
        return login_required(permission_required(perm, fn=fn, raise_exception=True)(view))

    return decorator
