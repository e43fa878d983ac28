from django.apps import AppConfig


class RoledesignConfig(AppConfig):
    name = "roledesign"
    verbose_name = "Role design and job descriptions"

    def ready(self):
        from roledesign import audit

        audit.register()
