"""Demo data for the core: a trust, its clinical areas, a programme and its people.

Modelled on the case study: a one-year assistant practitioner course in critical care, run with
a university partner; a first cohort of five who have finished and a second of sixteen who are
part-way through today. Every function here is safe to run twice.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pathway.models import (
    Allocation,
    ClinicalArea,
    Module,
    Organisation,
    Programme,
    RegistrationBody,
    RoleCode,
    Site,
    User,
)

DEMO_PASSWORD = "pathway-demo-2026"
DOMAIN = "example.nhs.uk"


@dataclass
class DemoContext:
    """What each app's demo step leaves for the next (apps seed in INSTALLED_APPS order)."""

    today: datetime.date
    trust: Organisation | None = None
    university: Organisation | None = None
    programme: Programme | None = None
    areas: dict[str, ClinicalArea] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    cohort_one: list[User] = field(default_factory=list)
    cohort_two: list[User] = field(default_factory=list)
    mentors: list[User] = field(default_factory=list)
    tutors: list[User] = field(default_factory=list)
    educators: list[User] = field(default_factory=list)
    managers: list[User] = field(default_factory=list)
    sign_ins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def cohort_two_start(self) -> datetime.date:
        # Week 22 of 52 today: the second cohort is running, part-way through.
        return self.today - datetime.timedelta(weeks=22)

    @property
    def cohort_one_start(self) -> datetime.date:
        return self.cohort_two_start - datetime.timedelta(weeks=52)

    @property
    def cohort_one_end(self) -> datetime.date:
        return self.cohort_one_start + datetime.timedelta(weeks=52)


CLINICAL_AREAS = [
    ("critical-care", "Critical care"),
    ("emergency-department", "Emergency department (A&E)"),
    ("coronary-care", "Coronary care"),
    ("theatre-recovery", "Theatre recovery"),
    ("medical-admissions", "Medical admissions"),
]

COHORT_ONE = ["Aisha Khan", "Ben Thornton", "Claire Doyle", "Daniel Okafor", "Emma Walsh"]
COHORT_TWO = [
    "Tom Barker",
    "Fatima Hussain",
    "Gary Lister",
    "Hannah Price",
    "Imran Shah",
    "Jade Robinson",
    "Kieran Murphy",
    "Laura Bennett",
    "Mohammed Ali",
    "Natalie Green",
    "Owen Fletcher",
    "Priya Patel",
    "Rachel Stones",
    "Sean Gallagher",
    "Tanya Hughes",
    "Usman Rafiq",
]
MENTORS = [
    "Sarah Mitchell",
    "James Holroyd",
    "Grace Adeyemi",
    "Michael Burns",
    "Lucy Chapman",
    "David Nowak",
]


@functools.cache
def _demo_password_hash() -> str:
    # Hashing once and sharing the hash keeps seeding fast: each hash takes a deliberate ~0.3s.
    return make_password(DEMO_PASSWORD)


def _person(email, full_name, *, roles, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, password=_demo_password_hash(), **fields)
        user.full_clean(exclude=["password"])
        user.save()
    user.grant_roles(*roles)
    return user


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{DOMAIN}"


def seed(context: DemoContext) -> None:
    trust, _ = Organisation.objects.get_or_create(
        name="Northfield Teaching Hospitals NHS Trust",
        defaults={"kind": Organisation.Kind.TRUST, "code": "RXX"},
    )
    university, _ = Organisation.objects.get_or_create(
        name="University of Northfield", defaults={"kind": Organisation.Kind.UNIVERSITY}
    )
    Organisation.objects.get_or_create(
        name="Northfield Education and Training Commissioner",
        defaults={"kind": Organisation.Kind.COMMISSIONER},
    )
    sites = [
        Site.objects.get_or_create(organisation=trust, name=name)[0]
        for name in ("St Anne's Hospital", "Northfield General Infirmary")
    ]
    for code, name in CLINICAL_AREAS:
        area, _ = ClinicalArea.objects.get_or_create(code=code, defaults={"name": name})
        area.sites.add(*sites)
        context.areas[code] = area
    critical_care = context.areas["critical-care"]

    lead = _person(
        f"lead.nurse@{DOMAIN}",
        "Joanne Whitaker",
        roles=[RoleCode.LEAD_NURSE],
        job_title="Lead nurse, workforce development",
        band="8a",
        registration_body=RegistrationBody.NMC,
        registration_number="92A1234E",
        employee_number="100001",
    )
    admin = _person(
        f"admin@{DOMAIN}",
        "Peter Sykes",
        roles=[RoleCode.ADMINISTRATOR],
        job_title="Clinical systems administrator",
        employee_number="100002",
    )
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])

    programme, _ = Programme.objects.get_or_create(
        name="Assistant practitioner: one-year course",
        defaults={
            "organisation": trust,
            "university": university,
            "duration_weeks": 52,
            "lead": lead,
            "description": (
                "A modular one-year course with the University of Northfield: a named tutor, "
                "clinical training days in the hospital and mentors in practice, leading from "
                "band 3 support worker to band 4 assistant practitioner."
            ),
        },
    )
    for order, (title, credits) in enumerate(
        [
            ("Foundations of assistant practice", 20),
            ("Anatomy, physiology and the deteriorating patient", 20),
            ("Evidence-based practice and reflection", 20),
            ("Critical care skills in practice", 20),
        ],
        start=1,
    ):
        Module.objects.get_or_create(
            programme=programme, title=title, defaults={"credits": credits, "order": order}
        )

    tutors = [
        _person(
            _email(name.removeprefix("Dr ")),
            name,
            roles=[RoleCode.TUTOR],
            job_title="Lecturer in adult nursing, University of Northfield",
        )
        for name in ("Dr Ruth Fielding", "Mark Ellison")
    ]
    educators = [
        _person(
            _email(name),
            name,
            roles=[RoleCode.PRACTICE_EDUCATOR],
            job_title=title,
            band=band,
            registration_body=RegistrationBody.NMC,
            registration_number=number,
            clinical_area=critical_care,
            employee_number=f"1001{index}0",
        )
        for index, (name, title, band, number) in enumerate(
            [
                ("Karen Lowe", "Senior practice educator", "6", "85B2201E"),
                ("Nadia Rahman", "Practice educator", "5", "09C3302E"),
                ("Chris Taylor", "Practice educator", "5", "11D4403E"),
            ]
        )
    ]
    managers = [
        _person(
            _email(name),
            name,
            roles=[RoleCode.MANAGER],
            job_title=title,
            band="7",
            registration_body=RegistrationBody.NMC,
            registration_number=number,
            clinical_area=critical_care,
            employee_number=f"1002{index}0",
        )
        for index, (name, title, number) in enumerate(
            [
                ("Angela Brooks", "Ward manager, critical care unit 1", "88E5504E"),
                ("Robert Hale", "Ward manager, critical care unit 2", "90F6605E"),
            ]
        )
    ]
    mentors = [
        _person(
            _email(name),
            name,
            roles=[RoleCode.MENTOR],
            job_title="Staff nurse, critical care" if index else "Sister, critical care",
            band="6" if index == 0 else "5",
            registration_body=RegistrationBody.NMC,
            registration_number=f"{10 + index}G{7700 + index}E",
            clinical_area=critical_care,
            employee_number=f"1003{index}0",
        )
        for index, name in enumerate(MENTORS)
    ]

    def trainee(name, index, cohort):
        return _person(
            _email(name),
            name,
            roles=[RoleCode.TRAINEE],
            job_title="Assistant practitioner" if cohort == 1 else "Trainee assistant practitioner",
            band="4" if cohort == 1 else "3",
            clinical_area=critical_care,
            employee_number=f"20{cohort}{index:03d}",
        )

    context.cohort_one = [trainee(n, i, 1) for i, n in enumerate(COHORT_ONE)]
    context.cohort_two = [trainee(n, i, 2) for i, n in enumerate(COHORT_TWO)]

    _allocate(
        context.cohort_one,
        mentors,
        tutors,
        educators,
        managers,
        start=context.cohort_one_start,
        end=context.cohort_one_end,
    )
    _allocate(
        context.cohort_two,
        mentors,
        tutors,
        educators,
        managers,
        start=context.cohort_two_start,
        end=None,
    )

    context.trust, context.university, context.programme = trust, university, programme
    context.mentors, context.tutors = mentors, tutors
    context.educators, context.managers = educators, managers
    context.people.update({"lead": lead, "admin": admin})
    context.sign_ins = [
        ("Trainee", context.cohort_two[0].email),
        ("Mentor", mentors[0].email),
        ("Tutor", tutors[0].email),
        ("Practice educator", educators[0].email),
        ("Lead nurse", lead.email),
        ("Ward manager", managers[0].email),
        ("Administrator", admin.email),
    ]


def _allocate(trainees, mentors, tutors, educators, managers, *, start, end):
    """Two mentors each, one tutor, one practice educator and a line manager, in rotation."""
    for index, person in enumerate(trainees):
        wanted = [
            (mentors[index % 3], Allocation.Kind.MENTOR),
            (mentors[3 + index % 3], Allocation.Kind.MENTOR),
            (tutors[index % 2], Allocation.Kind.TUTOR),
            (educators[index % 3], Allocation.Kind.PRACTICE_EDUCATOR),
            (managers[index % 2], Allocation.Kind.MANAGER),
        ]
        for supporter, kind in wanted:
            Allocation.objects.get_or_create(
                trainee=person,
                supporter=supporter,
                kind=kind,
                start_date=start,
                defaults={"end_date": end},
            )


def today() -> datetime.date:
    return timezone.localdate()
