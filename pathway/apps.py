from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Pathway: people and organisation"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from pathway import checks  # noqa: F401  (registers the system checks)
        from pathway.history import mark_rows_loaded_from_fixture
        from pathway.middleware import mark_seen_at_sign_in

        user_logged_in.connect(mark_seen_at_sign_in, dispatch_uid="pathway-session-seen")
        # Every model: so that history and other receivers can leave a restore alone.
        pre_save.connect(mark_rows_loaded_from_fixture, dispatch_uid="pathway-fixture-rows")
