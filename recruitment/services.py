"""Writes for recruitment. Every function checks who is acting and refuses any move the state
machine (recruitment.models.TRANSITIONS) does not allow, with a ValidationError that says why.

`actor=None` is for the demo and tests building data: no permission check (as in cohorts).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CURRENT_STATUSES, Cohort, Enrolment
from cohorts.services.cohorts import enrolment_create
from notifications.models import Kind as NotificationKind
from notifications.services import notifications_add_news, notifications_settle, notify
from pathway.models import Band, ClinicalArea, RoleCode, User
from recruitment.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CriterionAssessment,
    Interview,
    RecruitmentRound,
    SelectionCriterion,
)

S = ApplicationStatus


def _require(actor, perm, obj=None, message="Only the lead nurse can do this"):
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


def _clean_criteria(criteria: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    cleaned = []
    for text, essential in criteria:
        text = (text or "").strip()
        if len(text) > 500:
            raise ValidationError({"criteria": "Each criterion must be 500 characters or fewer"})
        if text:
            cleaned.append((text, bool(essential)))
    if not cleaned:
        raise ValidationError({"criteria": "Enter at least one selection criterion"})
    return cleaned


def _check_dates(cohort: Cohort, opens_on: datetime.date, closes_on: datetime.date):
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The closing date must be on or after the opening"})
    if closes_on >= cohort.intake_date:
        raise ValidationError({"closes_on": "The closing date must be before the cohort's intake"})


# Rounds --------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor: User | None,
    cohort: Cohort,
    opens_on: datetime.date,
    closes_on: datetime.date,
    criteria: Iterable[tuple[str, bool]],
    places: int | None = None,
    description: str = "",
) -> RecruitmentRound:
    """Open a cohort for applications, with its selection criteria and closing date."""
    _require(actor, "recruitment.manage")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status == Cohort.Status.FINISHED:
        raise ValidationError("This cohort has finished: open recruitment for a later one")
    if RecruitmentRound.objects.filter(cohort=cohort).exists():
        raise ValidationError("Recruitment to this cohort is already open")
    _check_dates(cohort, opens_on, closes_on)
    criteria = _clean_criteria(criteria)
    recruitment = RecruitmentRound.objects.create(
        cohort=cohort,
        opens_on=opens_on,
        closes_on=closes_on,
        places=places,
        description=(description or "").strip(),
        created_by=actor,
    )
    SelectionCriterion.objects.bulk_create(
        SelectionCriterion(round=recruitment, text=text, essential=essential, order=order)
        for order, (text, essential) in enumerate(criteria, start=1)
    )
    return recruitment


@transaction.atomic
def round_update(
    *,
    actor: User | None,
    recruitment: RecruitmentRound,
    opens_on: datetime.date,
    closes_on: datetime.date,
    criteria: Iterable[tuple[str, bool]],
    places: int | None = None,
    description: str = "",
) -> RecruitmentRound:
    """Change the dates and details. The criteria can change only until someone is assessed
    against them: shortlisting must be against the criteria people applied under."""
    _require(actor, "recruitment.manage")
    recruitment = RecruitmentRound.objects.select_for_update().get(pk=recruitment.pk)
    _check_dates(recruitment.cohort, opens_on, closes_on)
    criteria = _clean_criteria(criteria)
    current = [(c.text, c.essential) for c in recruitment.criteria.all()]
    if criteria != current:
        if CriterionAssessment.objects.filter(criterion__round=recruitment).exists():
            raise ValidationError(
                {
                    "criteria": "Applicants have been shortlisted against these criteria: "
                    "they can no longer change"
                }
            )
        recruitment.criteria.all().delete()
        SelectionCriterion.objects.bulk_create(
            SelectionCriterion(round=recruitment, text=text, essential=essential, order=order)
            for order, (text, essential) in enumerate(criteria, start=1)
        )
    recruitment.opens_on, recruitment.closes_on = opens_on, closes_on
    recruitment.places = places
    recruitment.description = (description or "").strip()
    recruitment.full_clean()
    recruitment.save()
    return recruitment


# Applications --------------------------------------------------------------------------------


def _event(application, from_status, to_status, actor, comment=""):
    ApplicationEvent.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        by=actor,
        comment=comment,
    )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("round__cohort", "applicant", "manager")
        .get(pk=application.pk)
    )


def _move(application: Application, to: str, actor, comment: str = "") -> None:
    """Move a (locked) application on, or refuse a move the state machine does not allow."""
    current = S(application.status)
    if not application.can_become(to):
        raise ValidationError(
            f"An application that is {current.label.lower()} cannot become {S(to).label.lower()}"
        )
    application.status = to
    application.save()
    _event(application, current, to, actor, comment)
    if to in NEWS_FOR_MANAGER:
        # The manager who supported the application sees where it led, under what they did.
        notifications_add_news(
            url=reverse("recruitment:support_decide", args=[application.pk]),
            news=NEWS_FOR_MANAGER[to].format(name=application.applicant.full_name),
        )


# What the manager who answered the support request reads, as the application moves on.
NEWS_FOR_MANAGER = {
    S.SHORTLISTED: "{name} has been shortlisted",
    S.NOT_SHORTLISTED: "{name} was not shortlisted",
    S.APPOINTABLE: "{name} was interviewed and is appointable",
    S.NOT_APPOINTED: "{name} was interviewed and not appointed",
    S.OFFERED: "{name} has been offered a place",
    S.ACCEPTED: "{name} has accepted a place",
    S.DECLINED: "{name} has declined the offer of a place",
    S.ENROLLED: "{name} is enrolled on the programme",
    S.WITHDRAWN: "{name} has withdrawn the application",
}


@transaction.atomic
def application_submit(
    *,
    actor: User | None,
    recruitment: RecruitmentRound,
    applicant: User,
    manager: User,
    job_title: str,
    clinical_area: ClinicalArea,
    statement: str,
    employee_number: str = "",
    phone: str = "",
    today: datetime.date | None = None,
) -> Application:
    """An application to a cohort: by the applicant themself while the round is open, or
    recorded by the lead nurse on their behalf (until the cohort's intake)."""
    today = today or timezone.localdate()
    on_behalf = actor is not None and actor.pk != applicant.pk
    if on_behalf:
        _require(actor, "recruitment.manage")
    else:
        _require(actor, "recruitment.apply", message="Only band 3 staff can apply")
    recruitment = RecruitmentRound.objects.select_related("cohort").get(pk=recruitment.pk)
    _check_round_takes_applications(recruitment, on_behalf=on_behalf, today=today)
    _check_applicant_and_manager(recruitment, applicant=applicant, manager=manager)
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": "Enter the supporting statement"})
    application = Application(
        round=recruitment,
        applicant=applicant,
        manager=manager,
        job_title=(job_title or "").strip(),
        band=applicant.band,
        clinical_area=clinical_area,
        employee_number=(employee_number or "").strip(),
        phone=(phone or "").strip(),
        statement=statement,
        recorded_by=actor,
    )
    application.full_clean(exclude=["enrolment"])
    application.save()
    _event(
        application,
        "",
        S.AWAITING_SUPPORT,
        actor,
        "Recorded by the lead nurse for the applicant" if on_behalf else "",
    )
    _ask_manager_for_support(application)
    return application


def _check_round_takes_applications(
    recruitment: RecruitmentRound, *, on_behalf: bool, today: datetime.date
) -> None:
    """An applicant applies while the round is open; the lead nurse may record an application
    for them until the cohort's intake. Never once the cohort has finished."""
    if recruitment.cohort.status == Cohort.Status.FINISHED:
        raise ValidationError("This cohort has finished")
    if on_behalf:
        if today >= recruitment.cohort.intake_date:
            raise ValidationError("The cohort has started: applications can no longer be made")
    elif not recruitment.is_open(today):
        if today < recruitment.opens_on:
            raise ValidationError(
                f"Applications open on {recruitment.opens_on.day} {recruitment.opens_on:%B %Y}"
            )
        raise ValidationError("The closing date has passed")


def _check_applicant_and_manager(
    recruitment: RecruitmentRound, *, applicant: User, manager: User
) -> None:
    """A band 3 applicant, not on the programme already nor applying twice to this round, and
    a ward or unit manager who is someone else."""
    if applicant.band != Band.BAND_3:
        raise ValidationError(
            {"applicant": "The programme is for band 3 staff: their record shows another band"}
        )
    if manager.pk == applicant.pk:
        raise ValidationError({"manager": "Name your line manager, not yourself"})
    if not manager.is_active or not manager.has_role(RoleCode.MANAGER):
        raise ValidationError({"manager": "Choose a ward or unit manager"})
    if Enrolment.objects.filter(trainee=applicant, status__in=CURRENT_STATUSES).exists():
        raise ValidationError(
            {"applicant": f"{applicant} is already on the programme in a current cohort"}
        )
    if Application.objects.filter(round=recruitment, applicant=applicant).exists():
        raise ValidationError(
            {"applicant": f"{applicant} has already applied to {recruitment.cohort}"}
        )


def _ask_manager_for_support(application: Application) -> None:
    applicant, recruitment = application.applicant, application.round
    notify(
        recipient=application.manager,
        kind=NotificationKind.SUPPORT_REQUESTED,
        subject=f"{applicant.full_name} asks for your support to join {recruitment.cohort}",
        body=(
            f"{applicant.full_name} has applied to train as an assistant practitioner in "
            f"{recruitment.cohort} and named you as their manager. Confirm whether you support "
            "the application."
        ),
        url=reverse("recruitment:support_decide", args=[application.pk]),
    )


@transaction.atomic
def support_decide(
    *, actor: User | None, application: Application, supports: bool, comment: str = ""
) -> Application:
    """The named manager confirms, or declines, their support (declining needs a reason)."""
    _require(
        actor,
        "recruitment.decide_support",
        application,
        "Only the manager the applicant named can answer this",
    )
    application = _locked(application)
    comment = (comment or "").strip()
    if not supports and not comment:
        raise ValidationError({"comment": "Say why you cannot support this application"})
    _move(application, S.SUPPORTED if supports else S.NOT_SUPPORTED, actor, comment)
    application.support_comment = comment
    application.support_decided_at = timezone.now()
    application.save(update_fields=["support_comment", "support_decided_at"])
    notifications_settle(
        actor=actor,
        url=reverse("recruitment:support_decide", args=[application.pk]),
        did="supported" if supports else "declined to support",
    )
    if not supports:
        notify(
            recipient=application.applicant,
            kind=NotificationKind.APPLICATION_DECIDED,
            subject=f"Your manager cannot support your application to {application.round.cohort}",
            body=f"{actor.full_name if actor else 'Your manager'} said: {comment}",
            url=reverse("recruitment:application_detail", args=[application.pk]),
        )
    return application


@transaction.atomic
def shortlist_decide(
    *,
    actor: User | None,
    application: Application,
    assessments: Mapping[int, tuple[bool, str]],
    shortlist: bool,
    notes: str = "",
    on: datetime.date | None = None,
) -> Application:
    """Assess the application against every selection criterion (met or not, with notes) and
    shortlist it or not. Someone who does not meet an essential criterion is not shortlisted."""
    _require(actor, "recruitment.manage")
    application = _locked(application)
    if not application.can_become(S.SHORTLISTED):
        _move(application, S.SHORTLISTED, actor)  # raises the state machine's refusal
    criteria = list(application.round.criteria.all())
    missing = [c for c in criteria if c.pk not in assessments]
    if missing:
        raise ValidationError(f"Say whether the application meets: {missing[0].text}")
    unmet = [c for c in criteria if c.essential and not assessments[c.pk][0]]
    if shortlist and unmet:
        raise ValidationError(
            {
                "decision": f"An essential criterion is not met ({unmet[0].text}): "
                "the application cannot be shortlisted"
            }
        )
    application.assessments.all().delete()
    CriterionAssessment.objects.bulk_create(
        CriterionAssessment(
            application=application,
            criterion=c,
            met=bool(assessments[c.pk][0]),
            notes=(assessments[c.pk][1] or "").strip(),
        )
        for c in criteria
    )
    notes = (notes or "").strip()
    _move(application, S.SHORTLISTED if shortlist else S.NOT_SHORTLISTED, actor, notes)
    application.shortlist_notes = notes
    if shortlist:
        application.shortlisted_on = on or timezone.localdate()
    application.save(update_fields=["shortlist_notes", "shortlisted_on"])
    return application


@transaction.atomic
def interview_record(
    *,
    actor: User | None,
    application: Application,
    held_on: datetime.date,
    panel: str,
    outcome: str,
    score: int | None = None,
    notes: str = "",
) -> Interview:
    _require(actor, "recruitment.manage")
    application = _locked(application)
    if outcome not in Interview.Outcome.values:
        raise ValidationError({"outcome": "Select the outcome of the interview"})
    to = S.APPOINTABLE if outcome == Interview.Outcome.APPOINTABLE else S.NOT_APPOINTED
    if not application.can_become(to):
        _move(application, to, actor)  # raises
    if held_on < application.submitted_at.date():
        raise ValidationError({"held_on": "The interview cannot be before the application"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Record an interview once it has been held"})
    panel = (panel or "").strip()
    if not panel:
        raise ValidationError({"panel": "Enter who sat on the panel"})
    if score is not None and not 0 <= score <= 100:
        raise ValidationError({"score": "The score must be between 0 and 100"})
    interview = Interview(
        application=application,
        held_on=held_on,
        panel=panel,
        score=score,
        outcome=outcome,
        notes=(notes or "").strip(),
        recorded_by=actor or application.round.created_by or application.applicant,
    )
    interview.full_clean(exclude=["application", "recorded_by"])
    interview.save()
    _move(application, to, actor, interview.notes)
    return interview


@transaction.atomic
def offer_make(
    *, actor: User | None, application: Application, notes: str = "", on=None
) -> Application:
    _require(actor, "recruitment.manage")
    application = _locked(application)
    notes = (notes or "").strip()
    _move(application, S.OFFERED, actor, notes)
    application.offered_on = on or timezone.localdate()
    application.offer_notes = notes
    application.save(update_fields=["offered_on", "offer_notes"])
    notify(
        recipient=application.applicant,
        kind=NotificationKind.APPLICATION_DECIDED,
        subject=f"You are offered a place in {application.round.cohort}",
        body="Accept or decline the offer of a place on the assistant practitioner programme.",
        url=reverse("recruitment:application_detail", args=[application.pk]),
    )
    return application


@transaction.atomic
def offer_respond(
    *, actor: User | None, application: Application, accept: bool, comment: str = ""
) -> Application:
    """The applicant accepts or declines their offer."""
    _require(actor, "recruitment.respond", application, "Only the applicant can answer the offer")
    application = _locked(application)
    _move(application, S.ACCEPTED if accept else S.DECLINED, actor, (comment or "").strip())
    application.responded_on = timezone.localdate()
    application.save(update_fields=["responded_on"])
    return application


@transaction.atomic
def application_enrol(
    *,
    actor: User | None,
    application: Application,
    clinical_area: ClinicalArea,
    start_date: datetime.date | None = None,
) -> Enrolment:
    """An accepted offer becomes an enrolment in one step: the trainee role, the training
    record on the cohort's framework, and the enrolment (cohorts' enrolment service)."""
    _require(actor, "recruitment.manage")
    application = _locked(application)
    if not application.can_become(S.ENROLLED):
        _move(application, S.ENROLLED, actor)  # raises
    cohort = application.round.cohort
    areas = list(cohort.clinical_areas.all())
    if areas and clinical_area not in areas:
        raise ValidationError({"clinical_area": f"Choose one of {cohort}'s clinical areas"})
    if start_date is not None and start_date < cohort.intake_date:
        raise ValidationError({"start_date": "The start cannot be before the cohort's intake"})
    if start_date is not None and start_date >= cohort.planned_end_date:
        raise ValidationError({"start_date": "The start must be before the cohort's planned end"})
    enrolment = enrolment_create(
        actor=actor,
        cohort=cohort,
        trainee=application.applicant,
        clinical_area=clinical_area,
        start_date=start_date,
    )
    application.enrolment = enrolment
    _move(application, S.ENROLLED, actor, f"Enrolled in {clinical_area}")
    return enrolment


@transaction.atomic
def application_withdraw(
    *, actor: User | None, application: Application, reason: str = ""
) -> Application:
    """The applicant withdraws (or the lead nurse records that they did), before enrolment."""
    if actor is not None and not (
        actor.has_perm("recruitment.respond", application) or actor.has_perm("recruitment.manage")
    ):
        raise PermissionDenied("Only the applicant can withdraw their application")
    application = _locked(application)
    _move(application, S.WITHDRAWN, actor, (reason or "").strip())
    return application
