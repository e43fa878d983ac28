"""Who `make chaos` signs in as, and the work waiting for them (chaos/run.sh runs this once the
private database is migrated and seeded with `manage.py seed_scale`).

Picks trainees of the seeded programme who are training now and their mentors: load mentors
(each deciding the open requests in their queue), load trainees (their mentees: logging
practice and uploading evidence on records their mentors are signing), and one mentor and one
trainee of their own for the fault driver, so that nothing else touches what it breaks. Gives
them all one known password, and through the services, as trainees would, fills each load
mentor's queue with open requests. Writes the plan (JSON) for chaos/driver.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathway.settings")

PASSWORD = "chaos-pathway-2026"  # noqa: S105 - a throwaway database's test accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True, type=Path)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--mentors", type=int, default=4)
    parser.add_argument("--trainees", type=int, default=6)
    parser.add_argument("--requests-per-mentor", type=int, default=45)
    args = parser.parse_args()

    import django

    django.setup()
    plan = build_plan(args)
    args.plan.write_text(json.dumps(plan, indent=1))
    waiting = sum(len(m["open_requests"]) for m in plan["mentors"])
    print(
        f"Plan: {len(plan['mentors'])} mentors with {waiting} open requests,"
        f" {len(plan['trainees'])} trainees, and the fault driver's own mentor and trainee"
    )


def build_plan(args) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from competencies.models import CompetencyProgress, SignOffRequest, TrainingRecord
    from pathway.models import Allocation

    today = timezone.localdate()
    records = {
        r.trainee_id: r
        for r in TrainingRecord.objects.filter(is_active=True, start_date__lte=today)
        .select_related("trainee")
        .order_by("trainee__email")
    }
    mentees = defaultdict(list)
    mentor_of = {}
    for allocation in (
        Allocation.objects.current(today)
        .filter(kind=Allocation.Kind.MENTOR, trainee_id__in=records)
        .select_related("supporter")
        .order_by("supporter__email", "trainee__email")
    ):
        mentees[allocation.supporter].append(records[allocation.trainee_id])
        mentor_of[allocation.trainee_id] = allocation.supporter
    mentors = sorted(mentees, key=lambda m: (-len(mentees[m]), m.email))
    if len(mentors) < args.mentors + 1:
        raise SystemExit(
            f"Need {args.mentors + 1} mentors with current trainees, found {len(mentors)}"
        )
    load_mentors, fault_mentor = mentors[: args.mentors], mentors[args.mentors]

    # Load trainees: the load mentors' mentees, taken in turn from each mentor.
    load_trainees, turn = [], 0
    while len(load_trainees) < args.trainees:
        queue = mentees[load_mentors[turn % len(load_mentors)]]
        index = turn // len(load_mentors)
        if index < len(queue):
            load_trainees.append(queue[index])
        elif turn > args.trainees * len(load_mentors) * 4:
            break
        turn += 1
    fault_record = mentees[fault_mentor][0]

    people = [*load_mentors, fault_mentor, *(r.trainee for r in load_trainees)]
    people.append(fault_record.trainee)
    for person in people:
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])

    for mentor in load_mentors:
        _fill_queue(mentor, mentees[mentor], args.requests_per_mentor, today)
    fault_request = _fill_queue(fault_mentor, [fault_record], 1, today, fresh=True)[0]

    def competencies_of(record):
        return list(
            CompetencyProgress.objects.filter(record=record)
            .order_by("competency_id")
            .values_list("competency_id", flat=True)
        )

    def open_requests(mentor):
        return list(
            SignOffRequest.objects.filter(mentor=mentor, status=SignOffRequest.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    db = connection.settings_dict
    return {
        "base_url": args.base_url,
        "password": PASSWORD,
        "time_zone": settings.TIME_ZONE,
        "database": {
            "host": db["HOST"],
            "port": int(db["PORT"]),
            "name": db["NAME"],
            "user": db["USER"],
        },
        "mentors": [{"email": m.email, "open_requests": open_requests(m)} for m in load_mentors],
        "trainees": [
            {
                "email": r.trainee.email,
                "record": r.pk,
                "start_date": r.start_date.isoformat(),
                "competencies": competencies_of(r),
            }
            for r in load_trainees
        ],
        "fault_mentor": {"email": fault_mentor.email},
        "fault_trainee": {
            "email": fault_record.trainee.email,
            "record": fault_record.pk,
            "competencies": competencies_of(fault_record),
        },
        "fault_request": {
            "id": fault_request.pk,
            "record": fault_request.record_id,
            "competency": fault_request.competency_id,
        },
    }


def _fill_queue(mentor, records, wanted, today, *, fresh=False):
    """Open requests for `mentor` until there are `wanted` (or, with `fresh`, `wanted` new
    ones), made as the trainees make them: practice logged, then sign-off asked for."""
    from competencies import services
    from competencies.models import CompetencyProgress, ProgressState, SignOffRequest

    made = []
    waiting = 0 if fresh else SignOffRequest.objects.filter(mentor=mentor, status="open").count()
    askable = [
        ProgressState.NOT_STARTED,
        ProgressState.IN_PROGRESS,
        ProgressState.NOT_YET_COMPETENT,
    ]
    per_record = -(-(wanted - waiting) // max(len(records), 1))
    for record in records:
        if waiting + len(made) >= wanted:
            break
        rows = list(
            CompetencyProgress.objects.filter(record=record, state__in=askable)
            .select_related("competency")
            .order_by("competency_id")[:per_record]
        )
        if not rows:
            continue
        competencies = [row.competency for row in rows]
        most = max(c.supervised_practices_required for c in competencies)
        for _ in range(most):
            services.practice_log(
                actor=record.trainee,
                record=record,
                competencies=competencies,
                practised_on=today,
                supervisor_name="Sam Patel, staff nurse",
                activity="Supervised practice before the chaos run",
            )
        for competency in competencies:
            if waiting + len(made) >= wanted:
                break
            made.append(
                services.sign_off_request_create(
                    actor=record.trainee, record=record, competency=competency, mentor=mentor
                )
            )
    return made


if __name__ == "__main__":
    main()
