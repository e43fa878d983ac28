from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Pathway: people and organisation"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from pathway import checks  # noqa: F401  (registers the system checks)
        from pathway.history import mark_rows_loaded_from_fixture
        from pathway.identity import checks as identity_checks  # noqa: F401  (the same)
        from pathway.identity.views import mark_signed_in
        from pathway.lockout import end_sessions_on_lock
        from pathway.middleware import mark_seen_at_sign_in
        from pathway.text import strip_invisible_on_save

        user_logged_in.connect(mark_seen_at_sign_in, dispatch_uid="pathway-session-seen")
        user_logged_in.connect(mark_signed_in, dispatch_uid="pathway-identity-signed-in-at")
        user_locked_out.connect(end_sessions_on_lock, dispatch_uid="pathway-end-sessions-on-lock")
        pre_save.connect(strip_invisible_on_save, dispatch_uid="pathway-strip-invisible")
        # Every model: so that history and other receivers can leave a restore alone.
        pre_save.connect(mark_rows_loaded_from_fixture, dispatch_uid="pathway-fixture-rows")
