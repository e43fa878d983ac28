from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Pathway: people and organisation"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pathway import checks  # noqa: F401  (registers the system checks)
        from pathway.middleware import mark_seen_at_sign_in

        user_logged_in.connect(mark_seen_at_sign_in, dispatch_uid="pathway-session-seen")
