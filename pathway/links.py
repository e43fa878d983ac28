"""The addresses of pages that take no arguments, and of static files, worked out once a
process.

Every page's header, menu and footer link to the same dozen pages and half a dozen static
files; Django's reverse() and static() cost tens of microseconds each, which on the lightest
pages was a fifth of the time. A page's address depends only on the URL configuration and the
script prefix (the path Pathway is served under), a static file's only on the static files
storage (its manifest of hashed names is read once, when it is made): each is remembered for
those and never goes stale. A test that swaps the URL configuration or the storage empties the
memory, as Django empties its own caches then. (Pathway's addresses carry no language prefix;
were i18n_patterns used, the active language would belong in the key.)
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_addresses: dict[tuple[str | None, str, str], str | None] = {}
_static_addresses: dict[tuple[str, str], str] = {}
# The settings a static file's address depends on (Django's own receivers reset the storage).
STATIC_SETTINGS = {"STORAGES", "STATIC_ROOT", "STATIC_URL", "INSTALLED_APPS"}


def url_or_none(name: str) -> str | None:
    """The address of the page named `name`, or None when no such page exists (an app's page
    not there yet: pathway/navigation.py leaves its item out)."""
    urlconf = get_urlconf()
    key = (urlconf, get_script_prefix(), name)
    try:
        return _addresses[key]
    except KeyError:
        pass
    try:
        address = reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        address = None
    _addresses[key] = address
    return address


def fixed_url(name: str) -> str:
    """As `reverse(name)`, remembered: raises NoReverseMatch for a page that does not exist."""
    address = url_or_none(name)
    if address is None:
        raise NoReverseMatch(f"No page named {name!r} without arguments")
    return address


def static_url(path: str) -> str:
    """As `static(path)` (`{% static %}`), remembered."""
    key = (get_script_prefix(), path)
    try:
        return _static_addresses[key]
    except KeyError:
        address = _static_addresses[key] = static(path)
        return address


@receiver(setting_changed)
def _forget_on_new_settings(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _addresses.clear()
    if setting in STATIC_SETTINGS:
        _static_addresses.clear()
