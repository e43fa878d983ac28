"""factory-boy factories for the whole project's tests."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@trust.nhs.uk")
    full_name = factory.Faker("name", locale="en_GB")
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
