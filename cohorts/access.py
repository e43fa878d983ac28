"""Fetch-and-authorise for cohorts, enrolments, reviews and programmes (pathway/access.py's
policy).

A cohort and a programme are not private: anyone without `act` on them gets 403, a missing one
404. Enrolments, reviews and review actions keep the refusal the review pages have always
given (cohorts/views/reviews.py): 403 for anyone who may not act, whoever they are, since an
enrolment's number says nothing about the trainee; 404 only when there is no such thing.
"""

from __future__ import annotations

from cohorts.models import Cohort, Enrolment, Review, ReviewAction
from cohorts.selectors import cohorts as selectors
from cohorts.selectors import reviews as review_selectors
from pathway.access import fetch_or_404, reach, require
from pathway.models import Programme

VIEW_ENROLMENT = "cohorts.view_enrolment"


def access_cohort(viewer, pk, *, act: str = "cohorts.view_cohort") -> Cohort:
    """A cohort is not private: anyone without `act` on it gets 403, a missing one 404."""
    return reach(viewer, lambda: selectors.cohort_by_pk(pk), act=act)


def access_enrolment(viewer, pk, *, act: str = VIEW_ENROLMENT) -> Enrolment:
    """An enrolment with its cohort, programme, trainee and record (403 without `act`)."""
    return reach(viewer, lambda: selectors.enrolment_by_pk(pk), act=act)


def access_review(viewer, pk, *, act: str | None = None) -> Review:
    """A review, for whoever may read its trainee's enrolment; `act` (confirming) is checked on
    the review itself."""
    review = fetch_or_404(lambda: review_selectors.review_by_pk(pk))
    require(viewer, VIEW_ENROLMENT, review.enrolment)
    if act is not None:
        require(viewer, act, review)
    return review


def access_review_action(
    viewer, pk, *, act: str = "cohorts.complete_review_action"
) -> ReviewAction:
    return reach(viewer, lambda: review_selectors.review_action_by_pk(pk), act=act)


def access_programme(viewer, pk, *, act: str = "cohorts.manage_cohorts") -> Programme:
    return reach(viewer, lambda: selectors.programme_by_pk(pk), act=act)
