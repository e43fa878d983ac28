from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"

    def ready(self):
        from apprenticeships import audit_ksb

        audit_ksb.register()
