from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"

    def ready(self):
        from apprenticeships import audit_ksb, audit_plan
        from apprenticeships.dashboard_hours import add_hours
        from cohorts.selectors.dashboards import dashboard_addition_register

        audit_ksb.register()
        audit_plan.register()
        # The cohort dashboard tags apprentices behind on off-the-job hours.
        dashboard_addition_register(add_hours)
