"""Demo framework and trainee progress, built through the services where a person would act.

The first cohort's history is older than today's allocations, so it is written as a backfill of
already-signed paper records (the trust's booklets), through the same hash chain.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from competencies import selectors, services
from competencies.models import (
    Assessment,
    AssessmentMethod,
    CompetencyProgress,
    Evidence,
    Framework,
    ProgressState,
    SignOffRequest,
    TrainingRecord,
)
from competencies.summaries import record_summary_refresh
from pathway.demo import DEMO_PASSWORD
from pathway.signatures import Signature

# Demo mentors sign as anyone would, through the signature service, with the demo password.
DEMO_SIGNATURE = Signature.with_password(DEMO_PASSWORD)

DO, QU, SI, WT, RA = (
    AssessmentMethod.DIRECT_OBSERVATION,
    AssessmentMethod.QUESTIONING,
    AssessmentMethod.SIMULATION,
    AssessmentMethod.WITNESS_TESTIMONY,
    AssessmentMethod.REFLECTIVE_ACCOUNT,
)

# (domain code, title, [(code, title, core or area codes, practices, reassess months, methods,
#   [criteria])])
FRAMEWORK = [
    (
        "COM",
        "Communication",
        [
            (
                "COM1",
                "Communicate effectively with patients, families and the team",
                "core",
                2,
                None,
                [DO, QU, WT],
                [
                    "Introduces self and explains own role",
                    "Checks understanding",
                    "Uses SBAR when handing over",
                ],
            ),
            (
                "COM2",
                "Keep accurate, contemporaneous patient records",
                "core",
                2,
                None,
                [DO, QU],
                ["Records care at the time it is given", "Signs, dates and times entries"],
            ),
            (
                "COM3",
                "Support patients and relatives in distress",
                "core",
                1,
                None,
                [DO, WT, RA],
                ["Recognises distress", "Escalates concerns to the nurse in charge"],
            ),
        ],
    ),
    (
        "CLS",
        "Clinical skills",
        [
            (
                "CLS1",
                "Record and interpret vital signs using NEWS2",
                "core",
                3,
                12,
                [DO, QU],
                [
                    "Measures all NEWS2 parameters accurately",
                    "Calculates the score",
                    "Escalates a score of 5 or more at once",
                ],
            ),
            (
                "CLS2",
                "Perform venepuncture",
                "core",
                5,
                24,
                [DO, SI],
                [
                    "Identifies the patient positively",
                    "Uses aseptic non-touch technique",
                    "Labels samples at the bedside",
                ],
            ),
            (
                "CLS3",
                "Perform a 12-lead ECG",
                "core",
                3,
                24,
                [DO, SI],
                ["Places electrodes correctly", "Recognises artefact and repeats"],
            ),
            (
                "CLS4",
                "Measure and record fluid balance",
                "core",
                2,
                None,
                [DO, QU],
                ["Totals intake and output hourly", "Reports a positive or negative balance"],
            ),
            (
                "CLS5",
                "Care for a patient with a urinary catheter",
                "core",
                2,
                None,
                [DO, QU],
                ["Maintains a closed system", "Documents catheter care"],
            ),
            (
                "CC1",
                "Take an arterial blood gas sample from an arterial line",
                ["critical-care"],
                5,
                12,
                [DO, SI],
                [
                    "Maintains line patency",
                    "Avoids air in the sample",
                    "Analyses the sample within 10 minutes",
                ],
            ),
            (
                "CC2",
                "Care for a patient with a tracheostomy",
                ["critical-care"],
                4,
                12,
                [DO, SI, QU],
                [
                    "Checks emergency equipment at the start of a shift",
                    "Performs stoma care",
                    "Recognises a blocked tube",
                ],
            ),
            (
                "CC3",
                "Perform closed-system endotracheal suctioning",
                ["critical-care"],
                4,
                12,
                [DO, SI],
                ["Pre-oxygenates as prescribed", "Limits suction to 10 seconds"],
            ),
            (
                "CC4",
                "Reposition a ventilated patient safely",
                ["critical-care"],
                3,
                None,
                [DO],
                ["Secures the airway during turns", "Uses the correct number of staff"],
            ),
            (
                "ED1",
                "Triage support: record a first set of observations",
                ["emergency-department"],
                3,
                None,
                [DO],
                ["Records observations within 15 minutes of arrival"],
            ),
            (
                "CCU1",
                "Apply and monitor continuous cardiac monitoring",
                ["coronary-care"],
                3,
                12,
                [DO, QU],
                ["Sets alarm limits", "Recognises a life-threatening rhythm"],
            ),
        ],
    ),
    (
        "MED",
        "Medicines management",
        [
            (
                "MED1",
                "Check and record controlled drugs as second checker",
                "core",
                3,
                12,
                [DO, QU],
                ["Checks stock balance", "Signs the register correctly"],
            ),
            (
                "MED2",
                "Support the safe storage of medicines",
                "core",
                1,
                None,
                [DO, QU],
                ["Keeps fridge temperatures in range", "Locks medicine cupboards"],
            ),
            (
                "CC5",
                "Prepare infusions for the registered nurse to check",
                ["critical-care"],
                4,
                12,
                [DO, SI],
                ["Uses the correct diluent", "Labels the line and syringe"],
            ),
        ],
    ),
    (
        "SAF",
        "Safeguarding and patient safety",
        [
            (
                "SAF1",
                "Recognise and report safeguarding concerns",
                "core",
                0,
                36,
                [QU, RA],
                ["Names the trust's safeguarding leads", "Describes how to raise a concern"],
            ),
            (
                "SAF2",
                "Assess and prevent pressure ulcers",
                "core",
                2,
                None,
                [DO, QU],
                ["Completes a risk assessment", "Plans repositioning"],
            ),
            (
                "SAF3",
                "Moving and handling of patients",
                "core",
                1,
                12,
                [DO, SI],
                ["Uses hoists safely", "Plans the move with the team"],
            ),
        ],
    ),
    (
        "IPC",
        "Infection prevention and control",
        [
            (
                "IPC1",
                "Apply standard infection control precautions",
                "core",
                1,
                12,
                [DO],
                ["Performs hand hygiene at the five moments", "Chooses the right PPE"],
            ),
            (
                "IPC2",
                "Care for a patient in isolation",
                "core",
                1,
                None,
                [DO, QU],
                ["Explains isolation to the patient", "Manages waste and linen correctly"],
            ),
        ],
    ),
    (
        "PRO",
        "Professional practice",
        [
            (
                "PRO1",
                "Work within the limits of the assistant practitioner role",
                "core",
                0,
                None,
                [QU, RA],
                [
                    "Describes which tasks need a registered nurse",
                    "Explains accountability for delegated tasks",
                ],
            ),
            (
                "PRO2",
                "Reflect on practice and plan own learning",
                "core",
                0,
                None,
                [RA],
                ["Writes a structured reflection", "Agrees learning goals with a mentor"],
            ),
        ],
    ),
]

# How far each second-cohort trainee has got: the share of applicable competencies achieved.
COHORT_TWO_PROFILE = [
    0.55,
    0.5,
    0.45,
    0.42,
    0.4,
    0.38,
    0.35,
    0.33,
    0.3,
    0.28,
    0.25,
    0.2,
    0.15,
    0.12,
    0.08,
    0.04,
]


def seed(context) -> None:
    framework = _framework(context)
    if TrainingRecord.objects.filter(framework=framework).exists():
        return  # progress already seeded: running twice changes nothing
    rng = random.Random(20110901)
    critical_care = context.areas["critical-care"]
    for trainee in context.cohort_one:
        record = services.record_create(
            actor=None,
            trainee=trainee,
            framework=framework,
            clinical_area=critical_care,
            start_date=context.cohort_one_start,
        )
        _backfill_complete(record, context, rng)
        record.is_active = False
        record.save(update_fields=["is_active"])
    for trainee, share in zip(context.cohort_two, COHORT_TWO_PROFILE, strict=True):
        record = services.record_create(
            actor=None,
            trainee=trainee,
            framework=framework,
            clinical_area=critical_care,
            start_date=context.cohort_two_start,
        )
        _progress(record, share, context, rng)
    _demo_trainee_story(context, framework)


def _framework(context) -> Framework:
    framework = Framework.objects.filter(code="ap-critical-care", version=1).first()
    if framework is not None:
        return framework
    framework = services.framework_create(
        actor=None,
        name="Assistant practitioner: critical care",
        code="ap-critical-care",
        description=(
            "Core competencies for every assistant practitioner, and competencies "
            "specific to critical care, the emergency department and coronary care."
        ),
    )
    for domain_code, domain_title, competencies in FRAMEWORK:
        domain = services.domain_create(
            actor=None, framework=framework, code=domain_code, title=domain_title
        )
        for code, title, scope, practices, months, methods, criteria in competencies:
            services.competency_create(
                actor=None,
                domain=domain,
                code=code,
                title=title,
                description=f"The assistant practitioner can {title[0].lower() + title[1:]}.",
                performance_criteria=criteria,
                underpinning_knowledge="Trust policy and the relevant anatomy and physiology.",
                is_core=scope == "core",
                clinical_areas=[] if scope == "core" else [context.areas[c] for c in scope],
                assessment_methods=list(methods),
                supervised_practices_required=practices,
                reassessment_months=months,
            )
    return services.framework_publish(actor=None, framework=framework)


def _mentor_for(record, context):
    index = context.cohort_two.index(record.trainee) if record.trainee in context.cohort_two else 0
    return context.mentors[index % 3]


def _log_practice(record, competency, count, start, end, context, rng):
    mentor_names = [m.full_name for m in context.mentors]
    for _ in range(count):
        day = start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))
        services.practice_log(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            practised_on=day,
            supervisor_name=f"{rng.choice(mentor_names)}, staff nurse",
            activity=f"Carried out {competency.title.lower()} under supervision on the unit.",
            reflection="Went well; next time I will prepare the equipment before starting.",
        )


def _evidence_needed(record, competency) -> None:
    """Add the reflective account or witness statement a competency assessed only that way
    needs before anyone may ask for its sign-off (services.sign_off_request_create)."""
    for gap in selectors.evidence_gaps(record, competency):
        if not gap.required:
            continue
        services.evidence_add(
            actor=record.trainee,
            record=record,
            competencies=[competency],
            kind=gap.kind,
            title=f"{gap.name.capitalize()} for {competency.code}",
            text="What happened, what I did, what went well and what I would do differently.",
            witness_name="Sam Patel" if gap.kind == Evidence.Kind.WITNESS_STATEMENT else "",
            witness_role="Staff nurse" if gap.kind == Evidence.Kind.WITNESS_STATEMENT else "",
        )


def _progress(record, share, context, rng):
    """Achieve `share` of the core and of the specific competencies; start a few more."""
    today = context.today
    ordered = list(
        record.progress.select_related("competency").order_by(
            "competency__domain__order", "competency__order"
        )
    )
    core = [row for row in ordered if row.competency.is_core]
    specific = [row for row in ordered if not row.competency.is_core]
    achieved = core[: round(share * len(core))] + specific[: round(share * len(specific))]
    started = [row for row in ordered if row not in achieved][:2]
    rows = achieved + started
    mentor = _mentor_for(record, context)
    for index, row in enumerate(rows):
        competency = row.competency
        needed = competency.supervised_practices_required
        if row in achieved:
            _log_practice(record, competency, needed, record.start_date, today, context, rng)
            _evidence_needed(record, competency)
            request = services.sign_off_request_create(
                actor=record.trainee, record=record, competency=competency, mentor=mentor
            )
            assessed = min(record.start_date + datetime.timedelta(days=14 + index * 6), today)
            services.sign_off_request_decide(
                actor=mentor,
                sign_off_request=request,
                signature=DEMO_SIGNATURE,
                outcome=Assessment.Outcome.ACHIEVED,
                method=competency.assessment_methods[0],
                assessed_on=assessed,
                feedback="Safe and confident. Well done.",
            )
        else:
            _log_practice(
                record, competency, max(needed - 1, 1), record.start_date, today, context, rng
            )
    return rows


def _backfill_complete(record, context, rng):
    """The first cohort's signed paper booklets, copied in by the lead nurse: every competency
    achieved."""
    mentors = context.mentors
    rows = CompetencyProgress.objects.filter(record=record).select_related("competency")
    for index, row in enumerate(rows):
        competency = row.competency
        row.practice_count = competency.supervised_practices_required
        row.save(update_fields=["practice_count"])
        services.sign_off_transcribe(
            actor=context.people["lead"],
            record=record,
            competency=competency,
            signature=DEMO_SIGNATURE,
            assessed_on=record.start_date + datetime.timedelta(days=20 + index * 12),
            signed_by=mentors[index % 3].full_name,
        )


def _allocated_to(trainee, mentor) -> bool:
    from pathway.models import Allocation

    return Allocation.objects.current().filter(trainee=trainee, supporter=mentor).exists()


def _demo_trainee_story(context, framework):
    """The demo trainee and demo mentor: requests waiting, and one 'not yet competent'."""
    trainee = context.cohort_two[0]
    mentor = context.mentors[0]
    record = TrainingRecord.objects.get(trainee=trainee, is_active=True)
    rng = random.Random(7)
    # Requests waiting in the demo mentor's queue: from several of her trainees, of varied age
    # (one over the 14 days the lead nurse's dashboard flags).
    waiting_days = iter([18, 9, 6, 3, 2, 1, 1, 0])
    for other in context.cohort_two:
        if not _allocated_to(other, mentor):
            continue
        other_record = TrainingRecord.objects.get(trainee=other, is_active=True)
        rows = other_record.progress.filter(state=ProgressState.IN_PROGRESS).select_related(
            "competency"
        )[: 2 if other == trainee else 1]
        for row in rows:
            competency = row.competency
            missing = competency.supervised_practices_required - row.practice_count
            if missing > 0:
                _log_practice(
                    other_record,
                    competency,
                    missing,
                    other_record.start_date,
                    context.today,
                    context,
                    rng,
                )
            _evidence_needed(other_record, competency)
            request = services.sign_off_request_create(
                actor=other,
                record=other_record,
                competency=competency,
                mentor=mentor,
                note="I have done this several times on nights now and feel ready.",
            )
            SignOffRequest.objects.filter(pk=request.pk).update(
                created_at=timezone.now() - datetime.timedelta(days=next(waiting_days, 0))
            )
            # Made earlier than it was: the summary keeps when the oldest waiting was made.
            record_summary_refresh(other_record.pk)
    # One decision of "not yet competent", with feedback, for the demo trainee.
    row = (
        record.progress.filter(state=ProgressState.NOT_STARTED).select_related("competency").first()
    )
    if row is not None:
        competency = row.competency
        _log_practice(
            record,
            competency,
            max(competency.supervised_practices_required, 1),
            record.start_date,
            context.today,
            context,
            rng,
        )
        _evidence_needed(record, competency)
        request = services.sign_off_request_create(
            actor=trainee, record=record, competency=competency, mentor=mentor
        )
        services.sign_off_request_decide(
            actor=mentor,
            sign_off_request=request,
            signature=DEMO_SIGNATURE,
            outcome=Assessment.Outcome.NOT_YET_COMPETENT,
            method=competency.assessment_methods[0],
            assessed_on=context.today - datetime.timedelta(days=3),
            feedback=(
                "Good preparation, but you did not check the patient's identity band "
                "before starting. Practise twice more with me and ask again."
            ),
        )
