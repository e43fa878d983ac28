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
