from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_IS_DEVELOPMENT", False):
        return [
            Error(
                "DJANGO_SECRET_KEY is not set: Pathway is using its development key.",
                hint="Set DJANGO_SECRET_KEY to a long random value in production.",
                id="pathway.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def ledger_key_set(app_configs, **kwargs):
    if getattr(settings, "LEDGER_KEY_IS_DEVELOPMENT", False):
        return [
            Error(
                "PATHWAY_LEDGER_KEYS is not set: sign-off records are hashed with Pathway's "
                "development key, which anyone with the source code knows.",
                hint="Set PATHWAY_LEDGER_KEYS to id:secret with a long random secret, kept "
                "outside the database (docs/operations.md: the ledger key and rotating it).",
                id="pathway.E002",
            )
        ]
    return []
