"""Progress reviews: a trainee's reviews, recording one, confirming it, completing actions, and
the list of reviews that are due.

Refusals: anonymous people are sent to sign in; a signed-in person without the permission gets
403 (Forbidden), whoever they are: another trainee, an unrelated mentor or tutor, a manager
trying to record. The enrolment's existence is not hidden behind a 404: its number says
nothing about the trainee, and every refusal is the same 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.access import access_enrolment, access_review, access_review_action
from cohorts.forms.reviews import ReviewForm
from cohorts.selectors import reviews as selectors
from cohorts.services import reviews as services
from pathway.formtools import submit
from pathway.models import RoleCode
from pathway.paging import page_of
from pathway.permissions import require_perm

# Who sees the "reviews due" list: the lead nurse (everyone), and the staff who take part in
# reviews (their own trainees).


@login_required
def review_list(request, pk):
    enrolment = access_enrolment(request.user, pk)
    return render(
        request,
        "cohorts/review_list.html",
        {
            "enrolment": enrolment,
            "reviews": selectors.enrolment_reviews(enrolment),
            "schedule": selectors.enrolment_schedule(enrolment),
            "own": enrolment.trainee_id == request.user.pk,
            "can_record": request.user.has_perm("cohorts.record_review", enrolment),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_add(request, pk):
    enrolment = access_enrolment(request.user, pk, act="cohorts.record_review")
    owners = selectors.action_owner_choices(enrolment)
    form = ReviewForm(request.POST or None, owners=owners)
    if done := submit(
        request,
        form,
        lambda data: services.review_record(
            actor=request.user,
            enrolment=enrolment,
            actions=form.cleaned_actions(),
            **form.review_fields(),
        ),
    ):
        messages.success(request, "Review saved")
        return redirect("cohorts:review_detail", done.result.pk)
    return render(
        request,
        "cohorts/review_form.html",
        {"form": form, "enrolment": enrolment, "page_has_errors": form.has_errors},
    )


@login_required
def review_detail(request, pk):
    review = selectors.review_with_details(access_review(request.user, pk).pk)
    user = request.user
    party = selectors.confirming_party(user, review.enrolment)
    own_party = next((p for p in review.parties if p.party == party), None)
    is_lead = user.has_role(RoleCode.LEAD_NURSE)
    return render(
        request,
        "cohorts/review_detail.html",
        {
            "review": review,
            "enrolment": review.enrolment,
            "own_party": own_party,
            "can_confirm": own_party is not None
            and not own_party.confirmed
            and user.has_perm("cohorts.confirm_review", review),
            "completable_ids": {
                action.pk
                for action in review.actions.all()
                if action.done_on is None and (action.owner_id == user.pk or is_lead)
            },
        },
    )


@require_POST
@login_required
def review_confirm(request, pk):
    review = access_review(request.user, pk, act="cohorts.confirm_review")
    try:
        services.review_confirm(actor=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You have confirmed this review")
    return redirect("cohorts:review_detail", review.pk)


@require_POST
@login_required
def review_action_complete(request, pk):
    action = access_review_action(request.user, pk)
    try:
        services.review_action_complete(actor=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked as done")
    return redirect("cohorts:review_detail", action.review_id)


@require_perm("cohorts.view_reviews_due")
def reviews_due(request):
    user = request.user
    everyone = user.has_role(RoleCode.LEAD_NURSE)
    # Most urgent first, fifty a page: the lead nurse's list covers every running cohort.
    page, page_range = page_of(request, selectors.reviews_due(supporter=None if everyone else user))
    return render(
        request,
        "cohorts/reviews_due.html",
        {"rows": page.object_list, "page": page, "page_range": page_range, "everyone": everyone},
    )


urlpatterns = [
    path("enrolments/<int:pk>/reviews/", review_list, name="review_list"),
    path("enrolments/<int:pk>/reviews/add/", review_add, name="review_add"),
    path("reviews/due/", reviews_due, name="reviews_due"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/confirm/", review_confirm, name="review_confirm"),
    path(
        "review-actions/<int:pk>/complete/",
        review_action_complete,
        name="review_action_complete",
    ),
]
