"""How competencies finds the programme a training record is on (for the programme's rule
on ways of signing): through the record's enrolment in a cohort. Registered at start-up
(cohorts/apps.py) because competencies, below cohorts, must not import it."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from cohorts.models import CURRENT_STATUSES, Enrolment
from pathway.models import Programme


def programme_of_record(record) -> Programme | None:
    """The programme of the record's current enrolment, else of its latest one."""
    enrolment = (
        Enrolment.objects.filter(record_id=record.pk)
        .annotate(
            current=Case(
                When(status__in=CURRENT_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .select_related("cohort__programme")
        .order_by("-current", "-start_date", "-pk")
        .first()
    )
    return enrolment.cohort.programme if enrolment else None
