"""What the sign-in and account pages offer: only what this deployment has turned on.

{% load identity %}
{% sign_in_options as offered %}        {# offered.sso, offered.passkey, offered.password #}
{% account_sign_in request.user as mine %}
"""

from __future__ import annotations

from django import template

from pathway.identity.config import (
    local_passwords_enabled,
    may_use_password,
    oidc_settings,
    passkeys_enabled,
    sso_enabled,
)
from pathway.identity.selectors import account_links_of, passkeys_of

register = template.Library()


@register.simple_tag
def sign_in_options() -> dict:
    return {
        "sso": sso_enabled(),
        "passkey": passkeys_enabled(),
        "password": local_passwords_enabled(),
        # With local passwords off, break-glass accounts sign in on a page of their own.
        "break_glass": not local_passwords_enabled(),
    }


@register.simple_tag
def account_sign_in(person) -> dict:
    config = oidc_settings()
    links = list(account_links_of(person)) if config else []
    return {
        "passkeys_on": passkeys_enabled(),
        "passkey_count": passkeys_of(person).count() if passkeys_enabled() else 0,
        "linked": [link for link in links if link.issuer == config.issuer] if config else [],
        "password": may_use_password(person) and person.has_usable_password(),
    }
