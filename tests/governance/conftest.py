"""A person with something in every category Pathway holds, made through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.services import reviews as review_services
from competencies import services as competency_services
from competencies.models import Assessment
from evaluation import services as evaluation_services
from notifications.services import notify
from pathway.models import Allocation, User
from roledesign import services as roledesign_services
from support.models import SupportKind, SupportLog
from tests import factories
from tests.evaluation.helpers import answer

EVIDENCE = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


@dataclass
class Rich:
    trainee: User
    mentor: User
    tutor: User
    lead_nurse: User
    administrator: User
    evidence_files: dict  # original file name -> bytes


@pytest.fixture
def rich(db) -> Rich:
    today = timezone.localdate()
    week = datetime.timedelta(weeks=1)
    framework, area = factories.published_framework_with(core=3)
    cohort = factories.CohortFactory(framework=framework)
    cohort.clinical_areas.set([area])
    mentor = factories.MentorFactory(full_name="Mona Mentor")
    trainee = factories.TraineeFactory(full_name="Rita Rich", employee_number="E1001", band="3")
    # She applied to an earlier round before she was enrolled.
    factories.make_application(factories.open_round(), applicant=trainee)
    enrolment = factories.enrol(cohort, trainee=trainee, area=area, mentor=mentor)
    issue = evaluation_services.issue_create(
        actor=None,
        questionnaire=factories.questionnaire_with(),
        cohort=cohort,
        audience="both",
        opens_on=today,
        closes_on=today + 2 * week,
        anonymous=False,
    )
    record = enrolment.record
    tutor = factories.TutorFactory(full_name="Tom Tutor")
    factories.AllocationFactory(
        trainee=trainee, supporter=tutor, kind=Allocation.Kind.TUTOR, start_date=today - week
    )
    lead = factories.LeadNurseFactory(full_name="Lena Lead")
    administrator = factories.AdministratorFactory(full_name="Adam Admin")
    first, second, *_ = [p.competency for p in record.progress.select_related("competency")]

    competency_services.practice_log(
        actor=trainee,
        record=record,
        competencies=[first],
        practised_on=today - week,
        supervisor=mentor,
        supervisor_name=mentor.full_name,
        activity="Took a full set of observations",
    )
    files = {
        "reflection.pdf": (EVIDENCE / "reflection.pdf").read_bytes(),
        "chart photo.png": (EVIDENCE / "chart-photo.png").read_bytes(),
    }
    for name, content in files.items():
        competency_services.evidence_add(
            actor=trainee,
            record=record,
            competencies=[first],
            kind="file",
            title=f"Evidence {name}",
            upload=SimpleUploadedFile(name, content),
        )
    request = competency_services.sign_off_request_create(
        actor=trainee, record=record, competency=first, mentor=mentor
    )
    competency_services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome=Assessment.Outcome.ACHIEVED,
        method=first.assessment_methods[0],
        assessed_on=today,
    )
    review_services.review_record(
        actor=tutor,
        enrolment=enrolment,
        held_on=today - week,
        progress_summary="Good start.",
        rag="green",
        rag_reason="On track.",
        actions=[
            {"description": "Book a shared shift", "owner": trainee, "due_date": today + week}
        ],
    )
    answer(issue, trainee, likert=4, single=1, text="More time with my mentor")
    notify(recipient=trainee, kind="review_due", subject="Your review is due", body="Soon")
    factories.PathwayMoveFactory(person=trainee)
    SupportLog.objects.create(
        educator=factories.PracticeEducatorFactory(),
        kind=SupportKind.TRAINING,
        person=trainee,
        on=today,
        minutes=30,
    )
    roledesign_services.competence_view_record(actor=lead, person=trainee)
    return Rich(trainee, mentor, tutor, lead, administrator, files)
