"""The demo's second cohort as an ST0215 apprenticeship: Assistant practitioner (health),
level 5. The standard's KSBs (a representative set, in our own words; the codes follow the
standard's K, S and B numbering), mapped to the demo framework's competencies; every apprentice
of the second cohort with their terms; and one apprentice's skills scan, done, with prior
learning accepted and the off-the-job hours reduced.

The standard's figures are the demo's: check the minimum off-the-job hours against the
funding rules' published list and the funding band against the standard's page before relying
on them.
"""

from __future__ import annotations

import datetime

from apprenticeships.models import ScanOutcome
from apprenticeships.services import prior_learning, standards
from apprenticeships.services.standards import add_months
from cohorts.models import Cohort
from competencies.models import ApprenticeshipStandard, Framework, Ksb

ORDER = 10

REFERENCE, VERSION = "ST0215", "1.1"

# (code, kind, text, [competency ID numbers in the demo framework that evidence it])
KSBS = [
    (
        "K1",
        "K",
        "The law, policy and local procedures that govern safe and ethical practice",
        ["PRO1", "SAF1"],
    ),
    (
        "K2",
        "K",
        "The limits of the assistant practitioner's role, and when to refer to a registered "
        "professional",
        ["PRO1"],
    ),
    ("K3", "K", "How the main body systems work and how illness changes them", ["CLS1", "CLS3"]),
    (
        "K4",
        "K",
        "How to gather information for a holistic assessment of a person's needs",
        ["CLS1", "ED1"],
    ),
    ("K5", "K", "The principles of infection prevention and control", ["IPC1", "IPC2"]),
    (
        "K6",
        "K",
        "Safe handling, storage and administration of medicines under delegation",
        ["MED1", "MED2"],
    ),
    (
        "K7",
        "K",
        "How to recognise abuse and neglect and how to raise a safeguarding concern",
        ["SAF1"],
    ),
    (
        "K8",
        "K",
        "Approaches to communication, including with people who find it hard to communicate",
        ["COM1", "COM3"],
    ),
    ("K9", "K", "Evidence-based practice and how research improves care", []),
    (
        "K10",
        "K",
        "How to record, store and share information in line with data protection law",
        ["COM2"],
    ),
    (
        "S1",
        "S",
        "Carry out clinical, diagnostic or therapeutic interventions within agreed protocols",
        ["CLS2", "CLS3", "CC1"],
    ),
    (
        "S2",
        "S",
        "Observe, measure and record a person's condition and escalate changes",
        ["CLS1", "CLS4", "CCU1"],
    ),
    (
        "S3",
        "S",
        "Contribute to planning, delivering and reviewing person-centred care",
        ["CLS5", "CC2"],
    ),
    (
        "S4",
        "S",
        "Move and position people safely, preventing harm such as pressure damage",
        ["SAF2", "SAF3", "CC4"],
    ),
    (
        "S5",
        "S",
        "Apply infection prevention and control measures in every setting",
        ["IPC1", "IPC2", "CC3"],
    ),
    ("S6", "S", "Keep accurate, clear and timely records", ["COM2"]),
    ("S7", "S", "Supervise, teach and support others in the team", []),
    (
        "S8",
        "S",
        "Reflect on own practice and take part in continuing professional development",
        ["PRO2"],
    ),
    (
        "B1",
        "B",
        "Treat people with dignity, respecting their diversity, beliefs and preferences",
        ["COM1", "COM3"],
    ),
    ("B2", "B", "Show respect and empathy for the people they work with", ["COM3"]),
    (
        "B3",
        "B",
        "Be adaptable, reliable and consistent, with discretion and resilience",
        ["PRO1", "PRO2"],
    ),
]


def _standard() -> ApprenticeshipStandard:
    standard = standards.standard_create(
        actor=None,
        reference=REFERENCE,
        title="Assistant practitioner (health)",
        level=5,
        version=VERSION,
        typical_duration_months=18,
        minimum_otj_hours=500,
        funding_band=12000,
    )
    Ksb.objects.bulk_create(
        Ksb(standard=standard, code=code, kind=kind, text=text, position=position)
        for position, (code, kind, text, _codes) in enumerate(KSBS, start=1)
    )
    return standard


def _map(standard: ApprenticeshipStandard) -> None:
    """Every version of the demo framework names the standard, and its competencies evidence the
    KSBs above. Seeding, not editing: the mapping says which KSBs a sign-off evidences and does
    not change what anyone was assessed against, so published versions get it too."""
    frameworks = list(Framework.objects.filter(code="ap-critical-care"))
    Framework.objects.filter(pk__in=[f.pk for f in frameworks]).update(standard=standard)
    ksbs = {k.code: k for k in standard.ksbs.all()}
    through = Ksb.competencies.through
    links = []
    for framework in frameworks:
        by_code = {c.code: c for c in framework.competencies.all()}
        for code, _kind, _text, competency_codes in KSBS:
            links.extend(
                through(ksb_id=ksbs[code].pk, competency_id=by_code[c].pk)
                for c in competency_codes
                if c in by_code
            )
    through.objects.bulk_create(links, ignore_conflicts=True)


def _scan(apprenticeship, lead) -> None:
    """The first apprentice's skills scan: the Care Certificate and earlier ward sign-offs
    accepted for a few KSBs, everything else to be learned, and 40 hours taken off the plan."""
    scan = prior_learning.skills_scan_start(actor=lead, apprenticeship=apprenticeship)
    accepted = {"K5", "B1", "B2"}
    for item in scan.items.select_related("ksb"):
        if item.ksb is not None and item.ksb.code in accepted:
            prior_learning.scan_item_decide(
                actor=lead,
                item=item,
                outcome=ScanOutcome.ACCEPTED,
                evidence="Care Certificate completed in 2023 as a healthcare support worker; "
                "certificate seen and copied to the personnel file.",
                reason="Covers this fully at the level the standard asks",
            )
        else:
            prior_learning.scan_item_decide(
                actor=lead,
                item=item,
                outcome=ScanOutcome.TO_LEARN,
                reason="New at this level" if item.ksb else "Not yet signed off in this role",
            )
    prior_learning.skills_scan_complete(
        actor=lead,
        scan=scan,
        hours_reduction=40,
        reason="Infection control and the behaviours evidenced by the Care Certificate: the "
        "induction teaching on them is not needed",
    )


def seed(context) -> None:
    if ApprenticeshipStandard.objects.filter(reference=REFERENCE, version=VERSION).exists():
        return  # already seeded
    standard = _standard()
    _map(standard)
    standards.programme_standard_set(actor=None, programme=context.programme, standard=standard)
    second = Cohort.objects.filter(programme=context.programme, name="Cohort 2").first()
    if second is None:
        return
    terms = []
    for enrolment in second.enrolments.select_related("trainee").order_by("trainee__full_name"):
        start = enrolment.start_date
        terms.append(
            standards.apprenticeship_terms_save(
                actor=None,
                enrolment=enrolment,
                practical_period_start=start,
                planned_end_date=add_months(start, 18) - datetime.timedelta(days=1),
                levy_funded=True,
            )
        )
    if terms:
        _scan(terms[0], context.people["lead"])
