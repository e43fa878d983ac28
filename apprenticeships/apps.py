from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"

    def ready(self):
        from apprenticeships.dashboard_hours import note_behind_on_hours
        from cohorts.selectors.dashboards import row_notes_register

        # The cohort dashboard tags apprentices behind on off-the-job hours.
        row_notes_register(note_behind_on_hours)
