from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from axes.signals import user_locked_out

        from notifications.services import notify_account_locked, notify_sign_in_changed
        from pathway.identity.signals import sign_in_changed

        user_locked_out.connect(notify_account_locked, dispatch_uid="notify-account-locked")
        sign_in_changed.connect(notify_sign_in_changed, dispatch_uid="notify-sign-in-changed")
