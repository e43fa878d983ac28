from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Pathway: people and organisation"

    def ready(self):
        from pathway import checks  # noqa: F401  (registers the system checks)
