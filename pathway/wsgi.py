import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathway.settings")

application = get_wsgi_application()

if not settings.DEBUG and settings.SECRET_KEY_IS_DEVELOPMENT:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY before serving Pathway with DEBUG off.")
if not settings.DEBUG and settings.LEDGER_KEY_IS_DEVELOPMENT:
    raise ImproperlyConfigured("Set PATHWAY_LEDGER_KEYS before serving Pathway with DEBUG off.")
