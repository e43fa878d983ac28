"""factory-boy factories for the whole project's tests."""

from __future__ import annotations

import dataclasses
import datetime

import factory
from django.utils import timezone
from faker import Faker

from competencies import services
from competencies.models import (
    AssessmentMethod,
    Competency,
    CompetencyProgress,
    Domain,
    Framework,
    TrainingRecord,
)
from pathway.models import (
    Allocation,
    ClinicalArea,
    Organisation,
    Programme,
    RegistrationBody,
    RoleCode,
    Site,
    User,
)
from pathway.signatures import Signature

PASSWORD = "correct-horse-battery-staple"


def _grant(user, create, codes, default=()):
    """Give the person their roles: those passed to the factory, else the factory's default."""
    if create:
        user.grant_roles(*(codes if codes is not None else default))
        user.save()


def _roles(*default):
    return factory.PostGeneration(
        lambda user, create, extracted, **kw: _grant(user, create, extracted, default)
    )


_faker = Faker("en_GB")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@trust.nhs.uk")
    # Faker's names include "O'Neill"; tests look for names in pages, where Django escapes a
    # straight apostrophe. A typographic one is how the name is often written, and is not
    # escaped, so the tests stay exact. (Escaping itself is covered by the fuzz tests.)
    full_name = factory.LazyFunction(lambda: _faker.name().replace("'", "’"))
    employee_number = factory.Sequence(lambda n: f"E{100000 + n}")
    job_title = "Healthcare assistant"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    roles = factory.PostGeneration(
        lambda user, create, extracted, **kw: _grant(user, create, extracted)
    )


class TraineeFactory(UserFactory):
    job_title = "Trainee assistant practitioner"
    band = "3"
    roles = _roles(RoleCode.TRAINEE)


class MentorFactory(UserFactory):
    job_title = "Staff nurse"
    band = "5"
    registration_body = RegistrationBody.NMC
    registration_number = factory.Sequence(lambda n: f"{10 + n % 90}A{1000 + n}E")
    roles = _roles(RoleCode.MENTOR)
    # In the mentor register, prepared two months ago (see the support section at the end).
    preparation = factory.RelatedFactory(
        "tests.factories.MentorPreparationFactory", factory_related_name="mentor"
    )


class TutorFactory(UserFactory):
    job_title = "Lecturer in adult nursing"
    roles = _roles(RoleCode.TUTOR)


class PracticeEducatorFactory(UserFactory):
    job_title = "Practice educator"
    band = "6"
    registration_body = RegistrationBody.NMC
    registration_number = factory.Sequence(lambda n: f"{10 + n % 90}B{1000 + n}E")
    roles = _roles(RoleCode.PRACTICE_EDUCATOR)


class LeadNurseFactory(UserFactory):
    job_title = "Lead nurse, workforce development"
    band = "8a"
    registration_body = RegistrationBody.NMC
    registration_number = factory.Sequence(lambda n: f"{10 + n % 90}C{1000 + n}E")
    roles = _roles(RoleCode.LEAD_NURSE)


class ManagerFactory(UserFactory):
    job_title = "Ward manager"
    band = "7"
    registration_body = RegistrationBody.NMC
    registration_number = factory.Sequence(lambda n: f"{10 + n % 90}D{1000 + n}E")
    roles = _roles(RoleCode.MANAGER)


class AdministratorFactory(UserFactory):
    job_title = "System administrator"
    is_staff = True
    is_superuser = True
    roles = _roles(RoleCode.ADMINISTRATOR)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = "Example Teaching Hospitals NHS Trust"


class UniversityFactory(OrganisationFactory):
    name = "University of Example"
    kind = Organisation.Kind.UNIVERSITY


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Hospital site {n}")


class ClinicalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalArea
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Clinical area {n}")
    code = factory.Sequence(lambda n: f"area-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Assistant practitioner programme {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    university = factory.SubFactory(UniversityFactory)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    trainee = factory.SubFactory(TraineeFactory)
    supporter = factory.SubFactory(MentorFactory)
    kind = Allocation.Kind.MENTOR
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Assistant practitioner framework {n}")
    code = factory.Sequence(lambda n: f"ap-framework-{n}")
    version = 1
    status = Framework.Status.DRAFT


class PublishedFrameworkFactory(FrameworkFactory):
    status = Framework.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    title = factory.Sequence(lambda n: f"Domain {n}")
    order = factory.Sequence(lambda n: n)


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        skip_postgeneration_save = True

    domain = factory.SubFactory(DomainFactory)
    framework = factory.SelfAttribute("domain.framework")
    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.Sequence(lambda n: f"Competency {n}")
    description = "Carries out the task safely and in line with trust policy."
    performance_criteria = factory.LazyFunction(
        lambda: ["Explains the procedure to the patient", "Records the outcome accurately"]
    )
    underpinning_knowledge = "Anatomy and physiology relevant to the task."
    is_core = True
    assessment_methods = factory.LazyFunction(
        lambda: [AssessmentMethod.DIRECT_OBSERVATION, AssessmentMethod.QUESTIONING]
    )
    supervised_practices_required = 0
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def clinical_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.clinical_areas.set(extracted)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    trainee = factory.SubFactory(TraineeFactory)
    framework = factory.SubFactory(PublishedFrameworkFactory)
    clinical_area = factory.SubFactory(ClinicalAreaFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))


class CompetencyProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyProgress

    record = factory.SubFactory(TrainingRecordFactory)
    competency = factory.SubFactory(CompetencyFactory)


def enrolled_trainee(*, competencies=3, practices_required=0, mentor=None, **record_fields):
    """A trainee on a published framework with `competencies` core competencies, allocated to a
    mentor today. Returns (record, mentor, [competency, ...])."""
    framework = PublishedFrameworkFactory()
    domain = DomainFactory(framework=framework)
    items = [
        CompetencyFactory(domain=domain, supervised_practices_required=practices_required)
        for _ in range(competencies)
    ]
    record = TrainingRecordFactory(framework=framework, **record_fields)
    for competency in items:
        CompetencyProgress.objects.create(record=record, competency=competency)
    mentor = mentor or MentorFactory()
    AllocationFactory(trainee=record.trainee, supporter=mentor, kind=Allocation.Kind.MENTOR)
    return record, mentor, items


def date_fields(name: str, day) -> dict:
    """A day as the three inputs of an NHS.UK date field called `name`, as a form posts it."""
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def sign_off_data(competency, password: str, *, outcome: str = "achieved", on=None) -> dict:
    """What a mentor posts to sign a competency off with its first assessment method."""
    return {
        "outcome": outcome,
        "method": competency.assessment_methods[0],
        **date_fields("assessed_on", on or timezone.localdate()),
        "password": password,
    }


def signature(password: str = PASSWORD):
    """What a signer offers to sign in tests: their password, checked by the real service."""
    return Signature.with_password(password)


def ask_for_sign_off(record, competency, mentor):
    """The trainee logs the supervised practice the competency needs, through the services,
    then asks `mentor` to sign it off. Returns the open request."""
    for _ in range(competency.supervised_practices_required):
        services.practice_log(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            practised_on=timezone.localdate(),
            supervisor_name="Sam Patel",
            activity="Observations",
        )
    return services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


def decide_achieved(request, mentor):
    """`mentor` signs the request off as achieved today, through the real service."""
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=signature(),
        outcome="achieved",
        method=request.competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )


def published_framework_with(*, core=3, specific=0, area=None, practices_required=0):
    """A published framework with `core` core and `specific` area-specific competencies."""
    framework = PublishedFrameworkFactory()
    domain = DomainFactory(framework=framework)
    area = area or ClinicalAreaFactory()
    for _ in range(core):
        CompetencyFactory(domain=domain, supervised_practices_required=practices_required)
    for _ in range(specific):
        CompetencyFactory(
            domain=domain,
            is_core=False,
            clinical_areas=[area],
            supervised_practices_required=practices_required,
        )
    return framework, area


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Cohort"
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    intake_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(weeks=20))
    planned_end_date = factory.LazyAttribute(lambda o: o.intake_date + datetime.timedelta(weeks=52))
    status = "running"
    framework = factory.SubFactory(PublishedFrameworkFactory)


def enrol(cohort, *, trainee=None, area=None, mentor=None, tutor=None, educator=None):
    """Enrol a trainee on a cohort through the real service, allocating supporters if given."""
    from cohorts.services.cohorts import enrolment_create

    trainee = trainee or TraineeFactory()
    area = area or cohort.clinical_areas.first() or ClinicalAreaFactory()
    enrolment = enrolment_create(actor=None, cohort=cohort, trainee=trainee, clinical_area=area)
    for person, kind in (
        (mentor, Allocation.Kind.MENTOR),
        (tutor, Allocation.Kind.TUTOR),
        (educator, Allocation.Kind.PRACTICE_EDUCATOR),
    ):
        if person is not None:
            AllocationFactory(
                trainee=trainee, supporter=person, kind=kind, start_date=cohort.intake_date
            )
    return enrolment


# Support: practice educators' caseloads and support logs, and the mentor register ---------------


class MentorPreparationFactory(factory.django.DjangoModelFactory):
    """A mentor's register entry: prepared two months ago, no annual update yet."""

    class Meta:
        model = "pathway.MentorPreparation"
        django_get_or_create = ("mentor",)

    mentor = factory.SubFactory("tests.factories.UnpreparedMentorFactory")
    prepared_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    last_update_on = None


class UnpreparedMentorFactory(MentorFactory):
    """A registered mentor with no entry in the mentor register."""

    preparation = factory.PostGeneration(lambda mentor, create, extracted, **kwargs: None)


# Evaluation questionnaires (evaluation/) ----------------------------------------------------------


def questionnaire_with(*, title="Programme evaluation", questions=None, sections=1, actor=None):
    """A questionnaire built through the real services. `questions` is a list of
    (kind, text, required, options) for each section; by default one of each kind."""
    from evaluation import services as evaluation_services

    questions = questions or [
        ("likert", "My mentor supported me well", True, ()),
        ("single", "How often did you meet your mentor?", True, ("Weekly", "Monthly", "Rarely")),
        ("multiple", "Which helped you most?", False, ("Training days", "Mentor", "Tutor")),
        ("text", "What would you change?", False, ()),
    ]
    questionnaire = evaluation_services.questionnaire_create(actor=actor, title=title)
    for number in range(1, sections + 1):
        section = evaluation_services.section_add(
            actor=actor, questionnaire=questionnaire, title=f"Section {number}"
        )
        for kind, text, required, options in questions:
            evaluation_services.question_add(
                actor=actor,
                section=section,
                kind=kind,
                text=text if sections == 1 else f"{text} ({number})",
                required=required,
                options=options,
            )
    return questionnaire


def issued_questionnaire(
    *, trainees=3, mentor=True, anonymous=False, audience="both", questionnaire=None, **dates
):
    """A questionnaire issued (open today) to a running cohort of `trainees`, each with `mentor`
    (one shared mentor) if asked. Returns (issue, trainees, mentor)."""
    from evaluation import services as evaluation_services

    cohort = CohortFactory()
    shared_mentor = MentorFactory() if mentor else None
    people = [enrol(cohort, mentor=shared_mentor).trainee for _ in range(trainees)]
    today = timezone.localdate()
    issue = evaluation_services.issue_create(
        actor=None,
        questionnaire=questionnaire or questionnaire_with(),
        cohort=cohort,
        audience=audience,
        opens_on=dates.get("opens_on", today),
        closes_on=dates.get("closes_on", today + datetime.timedelta(days=14)),
        anonymous=anonymous,
    )
    return issue, people, shared_mentor


# Career pathway outcomes (outcomes/) --------------------------------------------------------------


def pathway_stage(code):
    """One of the pathway's stages (seeded by a migration; recreated after a flush)."""
    from outcomes.selectors import stages_by_code

    return stages_by_code()[code]


class PathwayMoveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.PathwayMove"

    person = factory.SubFactory(TraineeFactory)
    stage = factory.LazyFunction(lambda: pathway_stage("support_worker"))
    on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))


class BridgingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.BridgingModule"

    title = factory.Sequence(lambda n: f"Bridging to nursing module {n}")
    credits = 20
    provider = factory.SubFactory(UniversityFactory)


def qualified_enrolment(cohort, *, trainee=None, area=None, qualified_on=None, completed_on=None):
    """Enrol a trainee and take them through completed to qualified with the real services.
    `qualified_on` defaults to the cohort's planned end."""
    from cohorts.services.cohorts import enrolment_change_status

    enrolment = enrol(cohort, trainee=trainee, area=area)
    qualified_on = qualified_on or cohort.planned_end_date
    enrolment_change_status(
        actor=None, enrolment=enrolment, status="completed", on=completed_on or qualified_on
    )
    return enrolment_change_status(
        actor=None, enrolment=enrolment, status="qualified", on=qualified_on
    )


def withdrawn_enrolment(cohort, *, reason="Personal reasons", on=None, trainee=None):
    from cohorts.services.cohorts import enrolment_change_status

    enrolment = enrol(cohort, trainee=trainee)
    return enrolment_change_status(
        actor=None,
        enrolment=enrolment,
        status="withdrawn",
        on=on or cohort.intake_date + datetime.timedelta(weeks=10),
        reason=reason,
    )


# Recruitment and funding ------------------------------------------------------------------------
# (recruitment/ and funding/: band 3 applicants, rounds, applications moved on through the real
# services to any state, funding sources and costs.)


class Band3StaffFactory(UserFactory):
    """A healthcare support worker at band 3, with no Pathway role yet: a possible applicant."""

    job_title = "Healthcare assistant"
    band = "3"
    roles = _roles()


def open_round(
    cohort=None,
    *,
    criteria=(("Band 3 in post for at least a year", True), ("Care certificate", False)),
    opens_ago=10,
    closes_in=20,
):
    """A cohort (planned, starting in ten weeks) open for applications, through the service."""
    from recruitment.services import round_open

    today = timezone.localdate()
    if cohort is None:
        framework, area = published_framework_with(core=2)
        cohort = CohortFactory(
            framework=framework,
            status="planned",
            intake_date=today + datetime.timedelta(weeks=10),
        )
        cohort.clinical_areas.set([area])
    return round_open(
        actor=None,
        cohort=cohort,
        opens_on=today - datetime.timedelta(days=opens_ago),
        closes_on=today + datetime.timedelta(days=closes_in),
        criteria=list(criteria),
    )


# The path to each state, step by step (see recruitment.models.TRANSITIONS).
_APPLICATION_PATHS = {
    "awaiting_support": [],
    "supported": ["support"],
    "not_supported": ["decline_support"],
    "shortlisted": ["support", "shortlist"],
    "not_shortlisted": ["support", "not_shortlist"],
    "appointable": ["support", "shortlist", "interview"],
    "not_appointed": ["support", "shortlist", "interview_fail"],
    "offered": ["support", "shortlist", "interview", "offer"],
    "accepted": ["support", "shortlist", "interview", "offer", "accept"],
    "declined": ["support", "shortlist", "interview", "offer", "decline"],
    "enrolled": ["support", "shortlist", "interview", "offer", "accept", "enrol"],
    "withdrawn": ["withdraw"],
}


def make_application(recruitment, *, status="awaiting_support", applicant=None, manager=None):
    """An application moved on through the real services (actor=None) to `status`."""
    from recruitment import services

    applicant = applicant or Band3StaffFactory()
    manager = manager or ManagerFactory()
    cohort = recruitment.cohort
    application = services.application_submit(
        actor=None,
        recruitment=recruitment,
        applicant=applicant,
        manager=manager,
        job_title=applicant.job_title or "Healthcare assistant",
        clinical_area=cohort.clinical_areas.first() or ClinicalAreaFactory(),
        statement="I have worked on the ward for three years and want to grow.",
    )
    criteria = list(recruitment.criteria.all())
    steps = {
        "support": lambda a: services.support_decide(actor=None, application=a, supports=True),
        "decline_support": lambda a: services.support_decide(
            actor=None, application=a, supports=False, comment="Not this year"
        ),
        "shortlist": lambda a: services.shortlist_decide(
            actor=None,
            application=a,
            assessments={c.pk: (True, "") for c in criteria},
            shortlist=True,
        ),
        "not_shortlist": lambda a: services.shortlist_decide(
            actor=None,
            application=a,
            assessments={c.pk: (False, "") for c in criteria},
            shortlist=False,
        ),
        "interview": lambda a: services.interview_record(
            actor=None,
            application=a,
            held_on=timezone.localdate(),
            panel="Lead nurse; ward manager",
            outcome="appointable",
            score=72,
        ),
        "interview_fail": lambda a: services.interview_record(
            actor=None,
            application=a,
            held_on=timezone.localdate(),
            panel="Lead nurse; ward manager",
            outcome="not_appointable",
            score=31,
        ),
        "offer": lambda a: services.offer_make(actor=None, application=a),
        "accept": lambda a: services.offer_respond(actor=None, application=a, accept=True),
        "decline": lambda a: services.offer_respond(actor=None, application=a, accept=False),
        "enrol": lambda a: services.application_enrol(
            actor=None,
            application=a,
            clinical_area=cohort.clinical_areas.first() or a.clinical_area,
        ),
        "withdraw": lambda a: services.application_withdraw(actor=None, application=a),
    }
    for step in _APPLICATION_PATHS[status]:
        steps[step](application)
    application.refresh_from_db()
    return application


from decimal import Decimal as _Decimal  # noqa: E402 - this section's own import


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.FundingSource"

    cohort = factory.SubFactory(CohortFactory)
    name = "Education commissioner grant"
    amount = factory.LazyFunction(lambda: _Decimal("10000.00"))


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.CostLine"

    cohort = factory.SubFactory(CohortFactory)
    category = "university_fees"
    description = "University fees"
    quantity = factory.LazyFunction(lambda: _Decimal("1"))
    unit = "trainees"
    unit_cost = factory.LazyFunction(lambda: _Decimal("4500.00"))


# Subject access and the access log (governance, issue #20) -------------------------------------


@dataclasses.dataclass
class RichPerson:
    trainee: object
    mentor: object
    tutor: object
    lead_nurse: object
    administrator: object
    evidence_files: dict  # original file name -> bytes


def rich_person() -> RichPerson:
    """A trainee with something in every category Pathway holds about a person (her details,
    allocations, record, practice, evidence files, a sign-off, an enrolment, a review, a named
    questionnaire answer, notifications, an application, a pathway move, support logged and a
    look at her current competence), made through the real services."""
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohorts.services import reviews as review_services
    from competencies.models import Assessment
    from evaluation import services as evaluation_services
    from notifications.services import notify
    from roledesign import services as roledesign_services
    from support.models import SupportKind, SupportLog
    from tests.evaluation.helpers import answer

    evidence = Path(__file__).resolve().parent / "fixtures" / "evidence"
    today = timezone.localdate()
    week = datetime.timedelta(weeks=1)
    framework, area = published_framework_with(core=3)
    cohort = CohortFactory(framework=framework)
    cohort.clinical_areas.set([area])
    mentor = MentorFactory(full_name="Mona Mentor")
    trainee = TraineeFactory(full_name="Rita Rich", employee_number="E1001", band="3")
    # She applied to an earlier round before she was enrolled.
    make_application(open_round(), applicant=trainee)
    enrolment = enrol(cohort, trainee=trainee, area=area, mentor=mentor)
    issue = evaluation_services.issue_create(
        actor=None,
        questionnaire=questionnaire_with(),
        cohort=cohort,
        audience="both",
        opens_on=today,
        closes_on=today + 2 * week,
        anonymous=False,
    )
    record = enrolment.record
    tutor = TutorFactory(full_name="Tom Tutor")
    AllocationFactory(
        trainee=trainee, supporter=tutor, kind=Allocation.Kind.TUTOR, start_date=today - week
    )
    lead = LeadNurseFactory(full_name="Lena Lead")
    administrator = AdministratorFactory(full_name="Adam Admin")
    first, second, *_ = [p.competency for p in record.progress.select_related("competency")]

    services.practice_log(
        actor=trainee,
        record=record,
        competencies=[first],
        practised_on=today - week,
        supervisor=mentor,
        supervisor_name=mentor.full_name,
        activity="Took a full set of observations",
    )
    files = {
        "reflection.pdf": (evidence / "reflection.pdf").read_bytes(),
        "chart photo.png": (evidence / "chart-photo.png").read_bytes(),
    }
    for name, content in files.items():
        services.evidence_add(
            actor=trainee,
            record=record,
            competencies=[first],
            kind="file",
            title=f"Evidence {name}",
            upload=SimpleUploadedFile(name, content),
        )
    request = services.sign_off_request_create(
        actor=trainee, record=record, competency=first, mentor=mentor
    )
    services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=signature(),
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
    PathwayMoveFactory(person=trainee)
    SupportLog.objects.create(
        educator=PracticeEducatorFactory(),
        kind=SupportKind.TRAINING,
        person=trainee,
        on=today,
        minutes=30,
    )
    roledesign_services.competence_view_record(actor=lead, person=trainee)
    return RichPerson(trainee, mentor, tutor, lead, administrator, files)


# Apprenticeships: training plans, the gateway and inspection (issue 19, parts 5 to 7) -----------


def plan_apprenticeship(enrolment, *, reference="ST0215", start=None, months=24, hours=400):
    """Make the enrolment's programme an apprenticeship on `reference` (ST0215 by default) and
    the enrolment an apprenticeship starting on its start date (or `start`)."""
    import datetime as _dt

    from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme
    from competencies.models import ApprenticeshipStandard

    standard, _ = ApprenticeshipStandard.objects.get_or_create(
        reference=reference,
        version="1.0",
        defaults={
            "title": "Assistant Practitioner (Health)",
            "level": 5,
            "typical_duration_months": 24,
            "minimum_otj_hours": 370,
            "funding_band": 15000,
        },
    )
    ApprenticeshipProgramme.objects.get_or_create(
        programme=enrolment.cohort.programme, defaults={"standard": standard}
    )
    start = start or enrolment.start_date
    return Apprenticeship.objects.create(
        enrolment=enrolment,
        practical_period_start=start,
        planned_end_date=start + _dt.timedelta(days=30 * months),
        planned_otj_hours=hours,
    )


def plan_manager(trainee, *, manager=None, start=None):
    """A line manager allocated to the trainee (the employer party)."""
    manager = manager or ManagerFactory()
    AllocationFactory(
        trainee=trainee,
        supporter=manager,
        kind=Allocation.Kind.MANAGER,
        start_date=start or trainee.enrolments.first().cohort.intake_date,
    )
    return manager


PLAN_TEXT = {
    "provider_responsibilities": "Teach the modules, assess, review progress every 12 weeks.",
    "employer_responsibilities": "Protect off-the-job time, provide a mentor.",
    "apprentice_responsibilities": "Attend, keep the portfolio up to date.",
}


# Apprenticeships: standards, KSBs, apprentices' terms ------------------------------------------


class ApprenticeshipStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competencies.ApprenticeshipStandard"

    reference = factory.Sequence(lambda n: f"ST{9000 + n:04d}")
    title = "Assistant practitioner (health)"
    level = 5
    version = "1.1"
    typical_duration_months = 18
    minimum_otj_hours = 500
    funding_band = 12000


class KsbFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competencies.Ksb"

    standard = factory.SubFactory(ApprenticeshipStandardFactory)
    code = factory.Sequence(lambda n: f"K{n + 1}")
    kind = "K"
    text = factory.Sequence(lambda n: f"Knows thing number {n + 1}")
    position = factory.Sequence(lambda n: n + 1)


def apprentice_on_standard(
    *, ksbs=3, competencies=3, hours=500, start=None, months=18, tutor=None, educator=None
):
    """A trainee enrolled on an apprenticeship programme delivering a new standard with `ksbs`
    KSBs, its framework naming the standard, KSB i mapped to competency i, and terms recorded.
    Returns (apprenticeship, standard, [ksb...], [competency...])."""
    from apprenticeships.models import Apprenticeship, ApprenticeshipProgramme

    standard = ApprenticeshipStandardFactory(minimum_otj_hours=hours)
    framework = PublishedFrameworkFactory(standard=standard)
    domain = DomainFactory(framework=framework)
    items = [CompetencyFactory(domain=domain) for _ in range(competencies)]
    codes = [KsbFactory(standard=standard, code=f"K{i + 1}") for i in range(ksbs)]
    for ksb, competency in zip(codes, items, strict=False):
        ksb.competencies.add(competency)
    programme = ProgrammeFactory()
    ApprenticeshipProgramme.objects.create(programme=programme, standard=standard)
    cohort = CohortFactory(programme=programme, framework=framework)
    enrolment = enrol(cohort, tutor=tutor, educator=educator)
    start = start or enrolment.start_date
    terms = Apprenticeship.objects.create(
        enrolment=enrolment,
        practical_period_start=start,
        planned_end_date=start + datetime.timedelta(days=round(months * 30.5)),
        planned_otj_hours=hours,
    )
    return terms, standard, codes, items
