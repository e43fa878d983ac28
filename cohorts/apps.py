from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts and dashboards"

    def ready(self):
        from cohorts.signing import programme_of_record
        from competencies.signing import programme_finder_register

        # A programme's rule on ways of signing reaches competencies' sign-off service.
        programme_finder_register(programme_of_record)

        from cohorts import counts_kept
        from competencies.summaries import record_summaries_changed

        # The overview's kept numbers are counted again after a change to a cohort's trainees.
        record_summaries_changed.connect(
            counts_kept.on_record_summaries_changed, dispatch_uid="cohorts.counts_kept"
        )
