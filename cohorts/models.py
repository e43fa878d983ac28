"""Cohorts, enrolment, training days, reviews and dashboards (filled by the cohorts issue)."""
