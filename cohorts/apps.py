from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts and dashboards"

    def ready(self):
        from cohorts.signing import programme_of_record
        from competencies.signing import programme_finder_register

        # A programme's rule on ways of signing reaches competencies' sign-off service.
        programme_finder_register(programme_of_record)
