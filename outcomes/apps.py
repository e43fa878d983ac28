from django.apps import AppConfig
from django.apps import apps as installed_apps
from django.db.models.signals import post_migrate


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Career pathway outcomes"

    def ready(self):
        post_migrate.connect(_put_back_missing_stages, sender=self)


def _put_back_missing_stages(sender, *, using, apps=installed_apps, **kwargs):
    """After migrate or flush: the stages the outcome calculations rely on are all there.
    (migrate passes the migrated state's apps; flush passes none.)"""
    try:
        apps.get_model("outcomes", "Stage")
    except LookupError:
        return  # outcomes migrated back to before its stages existed
    from outcomes.services import stages_ensure  # models are ready only now

    stages_ensure(using=using)
