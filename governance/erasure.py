"""Erasing a person in every app (issue 20, part 4; called by `services.person_erase`).

One function per app. Each redacts the free text about the person (the tombstone the sign-off
ledger uses), deletes their files from storage and keeps the rows: the figures (recruitment,
outcomes, off-the-job hours, support time, questionnaire rates) and other records depend on
them, and the rows point only at the anonymised account. Rows that are only the person's own
words and have no retention duty (named questionnaire answers) are deleted. Audit history rows
of the same records are redacted the same way. Nothing here touches the sign-off ledger.
"""

from __future__ import annotations

import re

from django.db.models import Model, Q, QuerySet

from apprenticeships.models import (
    Apprenticeship,
    BreakInLearning,
    GatewayEvidence,
    GatewaySignature,
    OtjEntry,
    SkillsScan,
    SkillsScanItem,
    TrainingPlan,
    TrainingPlanSignature,
)
from cohorts.models import Enrolment, EnrolmentStatusChange, Review, ReviewAction
from competencies.models import TOMBSTONE
from evaluation.models import Draft, Response
from funding.models import CostLine, FundingSource
from outcomes.models import PathwayMove
from pathway.models import User
from recruitment.models import Application, ApplicationEvent, CriterionAssessment, Interview
from support.models import SupportLog


def redact(queryset: QuerySet, *fields: str) -> None:
    """Replace each field's text with the tombstone where there was any (empty stays empty,
    so nothing appears to have been written that was not)."""
    for name in fields:
        queryset.exclude(**{name: ""}).update(**{name: TOMBSTONE})


def delete_files(model: type[Model], queryset: QuerySet, field: str) -> None:
    """Delete from storage every file the rows (and their audit history) name."""
    storage = model._meta.get_field(field).storage
    names = set(queryset.exclude(**{field: ""}).values_list(field, flat=True))
    history = getattr(model, "history", None)
    if history is not None:
        ids = queryset.values_list("pk", flat=True)
        names |= set(
            history.filter(id__in=ids).exclude(**{field: ""}).values_list(field, flat=True)
        )
    for name in names:
        storage.delete(name)


def replace_name(queryset: QuerySet, fields: tuple[str, ...], name: str, replacement: str):
    """Other people's records that name the person: the name becomes `replacement`."""
    if len(name) < 3:
        return
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    mentions = Q()
    for field in fields:
        mentions |= Q(**{f"{field}__icontains": name})
    for row in queryset.filter(mentions):
        for field in fields:
            setattr(row, field, pattern.sub(replacement, getattr(row, field)))
        type(row)._default_manager.filter(pk=row.pk).update(
            **{field: getattr(row, field) for field in fields}
        )


def erase_cohorts(person: User, name: str, replacement: str) -> None:
    """Their progress reviews' words and actions, and the reasons their enrolment changed;
    their name in other trainees' reviews."""
    reviews = Review.objects.filter(enrolment__trainee=person)
    redact(reviews, "progress_summary", "concerns", "rag_reason")
    redact(ReviewAction.objects.filter(review__enrolment__trainee=person), "description")
    enrolments = Enrolment.objects.filter(trainee=person)
    redact(enrolments, "status_reason")
    redact(Enrolment.history.filter(trainee_id=person.pk), "status_reason")
    redact(EnrolmentStatusChange.objects.filter(enrolment__trainee=person), "reason")
    replace_name(
        Review.objects.exclude(enrolment__trainee=person),
        ("progress_summary", "concerns", "rag_reason"),
        name,
        replacement,
    )
    replace_name(
        ReviewAction.objects.exclude(review__enrolment__trainee=person),
        ("description",),
        name,
        replacement,
    )


def erase_support(person: User, name: str, replacement: str) -> None:
    """Practice educators' notes of support for them. The entries stay: they are the
    educators' time."""
    redact(SupportLog.objects.filter(person=person), "notes")
    replace_name(SupportLog.objects.exclude(person=person), ("notes",), name, replacement)


def erase_recruitment(person: User) -> None:
    """Their applications' details and statement, and what was written about them when they
    were assessed, interviewed and moved on. The applications stay for the figures."""
    applications = Application.objects.filter(applicant=person)
    applications.update(employee_number="", phone="")
    redact(
        applications,
        "job_title",
        "statement",
        "support_comment",
        "shortlist_notes",
        "offer_notes",
    )
    redact(CriterionAssessment.objects.filter(application__applicant=person), "notes")
    redact(Interview.objects.filter(application__applicant=person), "notes")
    redact(ApplicationEvent.objects.filter(application__applicant=person), "comment")


def erase_outcomes(person: User) -> None:
    """The reasons for their career pathway moves (why they left, for example)."""
    redact(PathwayMove.objects.filter(person=person), "reason")


def erase_funding(name: str, replacement: str) -> None:
    """Funding is recorded for cohorts, not people: only a mention of their name goes."""
    replace_name(FundingSource.objects.all(), ("notes",), name, replacement)
    replace_name(CostLine.objects.all(), ("description",), name, replacement)


def erase_apprenticeships(person: User) -> None:
    """Their off-the-job entries' and breaks' words, training plans' words (each plan keeps
    the hash of what was signed), skills scan evidence and gateway evidence, with the files;
    their name where they signed a plan or a gateway declaration."""
    apprenticeships = Apprenticeship.objects.filter(enrolment__trainee=person)
    redact(OtjEntry.objects.filter(apprenticeship__in=apprenticeships), "description")
    redact(OtjEntry.objects.filter(apprenticeship__in=apprenticeships), "decline_reason")
    redact(BreakInLearning.objects.filter(apprenticeship__in=apprenticeships), "reason")
    redact(BreakInLearning.objects.filter(apprenticeship__in=apprenticeships), "decision_note")
    redact(
        TrainingPlan.objects.filter(apprenticeship__in=apprenticeships),
        "provider_responsibilities",
        "employer_responsibilities",
        "apprentice_responsibilities",
        "change_reason",
    )
    TrainingPlanSignature.objects.filter(person=person).update(person_name=TOMBSTONE)
    GatewaySignature.objects.filter(person=person).update(person_name=TOMBSTONE)

    scans = SkillsScan.objects.filter(apprenticeship__in=apprenticeships)
    redact(scans, "reduction_reason")
    redact(
        SkillsScan.history.filter(apprenticeship_id__in=apprenticeships.values("pk")),
        "reduction_reason",
    )
    items = SkillsScanItem.objects.filter(scan__in=scans)
    delete_files(SkillsScanItem, items, "evidence_file")
    item_history = SkillsScanItem.history.filter(scan_id__in=scans.values("pk"))
    for rows in (items, item_history):
        redact(rows, "evidence", "reason")
        rows.update(evidence_file="", evidence_filename="", evidence_content_type="")

    gateway = GatewayEvidence.objects.filter(apprenticeship__in=apprenticeships)
    delete_files(GatewayEvidence, gateway, "file")
    gateway_history = GatewayEvidence.history.filter(
        apprenticeship_id__in=apprenticeships.values("pk")
    )
    for rows in (gateway, gateway_history):
        redact(rows, "reference")
        rows.update(file="", file_name="", content_type="")


def erase_evaluation(person: User) -> None:
    """Their named questionnaire answers (the answers go with each response) and drafts.
    Anonymous answers are linked to no one and are left alone."""
    Response.objects.filter(respondent=person).delete()
    Draft.objects.filter(person=person).delete()


def erase_everywhere(person: User, name: str) -> None:
    """Every app's part of an erasure, before the account itself is anonymised."""
    replacement = f"Erased person {person.pk}"
    erase_cohorts(person, name, replacement)
    erase_support(person, name, replacement)
    erase_recruitment(person)
    erase_outcomes(person)
    erase_funding(name, replacement)
    erase_apprenticeships(person)
    erase_evaluation(person)
