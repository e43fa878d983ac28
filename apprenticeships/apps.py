from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"

    def ready(self):
        from apprenticeships import audit_ksb, audit_plan, audit_terms
        from apprenticeships.dashboard_hours import add_hours
        from apprenticeships.trainee_links import apprentice_links
        from cohorts.selectors.dashboards import dashboard_addition_register
        from cohorts.selectors.trainee_links import trainee_links_register

        audit_ksb.register()
        audit_plan.register()
        audit_terms.register()
        # The cohort dashboard tags apprentices behind on off-the-job hours.
        dashboard_addition_register(add_hours)
        # Links to each apprentice's pages on the dashboard's rows and the trainee's overview.
        trainee_links_register(apprentice_links)
