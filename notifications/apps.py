from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from axes.signals import user_locked_out

        from notifications.services import notify_account_locked

        user_locked_out.connect(notify_account_locked, dispatch_uid="notify-account-locked")
