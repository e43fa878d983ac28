"""The floor of each benchmarked page: bare SQL, written by hand once, that fetches the same
numbers the page shows. Its time is what the database itself needs; a page's time over it is
what Django, our Python and the templates add.

Standard SQL that runs on PostgreSQL and SQLite alike (CASE rather than FILTER).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection

from cohorts.selectors import audit
from cohorts.selectors.reviews import DUE_SOON_DAYS as REVIEW_DUE_SOON_DAYS
from cohorts.views.audit import MOST_PEOPLE
from cohorts.views.cohorts import PAGE_SIZE as COHORT_LIST_PAGE_SIZE
from outcomes.selectors import COHORTS_PER_PAGE
from pathway.paging import PAGE_SIZE
from pathway.preparation import DUE_SOON_DAYS as UPDATE_DUE_SOON_DAYS
from pathway.preparation import update_due_on
from pathway.selectors import DUE_SOON_SHOWN

PROGRESS = """
SELECT p.state, p.practice_count, p.achieved_on, p.expires_on,
       c.id, c.code, c.title, c.is_core, c.supervised_practices_required, d.title
FROM competencies_competencyprogress p
JOIN competencies_competency c ON c.id = p.competency_id
JOIN competencies_domain d ON d.id = c.domain_id
WHERE p.record_id = %s
ORDER BY d."order", d.id, c."order"
"""
OPEN_REQUESTS = """
SELECT r.id, r.created_at, c.code, u.full_name
FROM competencies_signoffrequest r
JOIN competencies_competency c ON c.id = r.competency_id
JOIN pathway_user u ON u.id = r.mentor_id
WHERE r.record_id = %s AND r.status = 'open'
ORDER BY r.created_at
"""
RECENT = """
SELECT a.outcome, a.assessed_on, a.assessor_name, c.code
FROM competencies_assessment a JOIN competencies_competency c ON c.id = a.competency_id
WHERE a.record_id = %s ORDER BY a.sequence DESC LIMIT 10
"""


def trainee_progress(record_id: int, today: datetime.date) -> list[tuple[str, tuple]]:
    return [(PROGRESS, (record_id,)), (OPEN_REQUESTS, (record_id,)), (RECENT, (record_id,))]


def competency_page(record_id: int, competency_id: int) -> list[tuple[str, tuple]]:
    return [
        (
            "SELECT p.state, p.practice_count, p.achieved_on, p.expires_on, c.code, c.title, "
            "c.performance_criteria, d.title FROM competencies_competencyprogress p "
            "JOIN competencies_competency c ON c.id = p.competency_id "
            "JOIN competencies_domain d ON d.id = c.domain_id "
            "WHERE p.record_id = %s AND p.competency_id = %s",
            (record_id, competency_id),
        ),
        (
            "SELECT e.practised_on, e.supervisor_name, e.activity, e.reflection "
            "FROM competencies_practiceentry e JOIN competencies_practiceentry_competencies pc "
            "ON pc.practiceentry_id = e.id WHERE e.record_id = %s AND pc.competency_id = %s "
            "ORDER BY e.practised_on DESC, e.id DESC",
            (record_id, competency_id),
        ),
        (
            "SELECT v.uuid, v.kind, v.title, v.original_filename, v.size "
            "FROM competencies_evidence v "
            "JOIN competencies_evidence_competencies vc ON vc.evidence_id = v.id "
            "WHERE v.record_id = %s AND vc.competency_id = %s ORDER BY v.created_at DESC",
            (record_id, competency_id),
        ),
        (
            "SELECT a.id, a.outcome, a.method, a.assessed_on, a.feedback, a.assessor_name, "
            "a.revokes_id FROM competencies_assessment a "
            "WHERE a.record_id = %s AND a.competency_id = %s ORDER BY a.sequence",
            (record_id, competency_id),
        ),
        (
            "SELECT r.id, u.full_name FROM competencies_signoffrequest r JOIN pathway_user u "
            "ON u.id = r.mentor_id WHERE r.record_id = %s AND r.competency_id = %s "
            "AND r.status = 'open'",
            (record_id, competency_id),
        ),
    ]


def mentor_queue(mentor_id: int, today: datetime.date) -> list[tuple[str, tuple]]:
    current = "a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s)"
    return [
        (
            "SELECT r.id, r.created_at, u.full_name, c.code, c.title "
            "FROM competencies_signoffrequest r "
            "JOIN competencies_trainingrecord t ON t.id = r.record_id "
            "JOIN pathway_user u ON u.id = t.trainee_id "
            "JOIN competencies_competency c ON c.id = r.competency_id "
            "WHERE r.mentor_id = %s AND r.status = 'open' ORDER BY r.created_at, r.id",
            (mentor_id,),
        ),
        (
            "SELECT t.id, u.full_name, COUNT(*), "
            "SUM(CASE WHEN p.state = 'achieved' AND (p.expires_on IS NULL OR p.expires_on > %s) "
            "THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN p.state = 'awaiting_sign_off' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN p.state = 'not_yet_competent' THEN 1 ELSE 0 END) "
            "FROM competencies_trainingrecord t JOIN pathway_user u ON u.id = t.trainee_id "
            "JOIN competencies_competencyprogress p ON p.record_id = t.id "
            "WHERE t.is_active AND t.trainee_id IN (SELECT a.trainee_id FROM pathway_allocation a "
            f"WHERE a.supporter_id = %s AND {current}) GROUP BY t.id, u.full_name "
            "ORDER BY u.full_name",
            (today, mentor_id, today, today),
        ),
    ]


def _enrolment_numbers(where: str) -> str:
    """Every number of a dashboard row, for the enrolments `where` picks (alias e)."""
    chosen = f"SELECT e.record_id FROM cohorts_enrolment e WHERE {where}"
    return f"""
SELECT e.id, e.cohort_id, u.full_name, ca.name, e.status, e.start_date,
       pc.core_required, pc.specific_required, pc.core_achieved, pc.specific_achieved,
       pc.last_achieved_on, rv.last_review, at.present, at.absent, at.excused,
       rq.open_requests, rq.oldest, rq.stale
FROM cohorts_enrolment e
JOIN pathway_user u ON u.id = e.trainee_id
JOIN competencies_trainingrecord r ON r.id = e.record_id
JOIN pathway_clinicalarea ca ON ca.id = r.clinical_area_id
LEFT JOIN (
    SELECT p.record_id,
           SUM(CASE WHEN c.is_core THEN 1 ELSE 0 END) AS core_required,
           SUM(CASE WHEN c.is_core THEN 0 ELSE 1 END) AS specific_required,
           SUM(CASE WHEN c.is_core AND p.state = 'achieved'
                     AND (p.expires_on IS NULL OR p.expires_on > %(today)s) THEN 1 ELSE 0 END)
               AS core_achieved,
           SUM(CASE WHEN NOT c.is_core AND p.state = 'achieved'
                     AND (p.expires_on IS NULL OR p.expires_on > %(today)s) THEN 1 ELSE 0 END)
               AS specific_achieved,
           MAX(CASE WHEN p.state = 'achieved' AND (p.expires_on IS NULL
                     OR p.expires_on > %(today)s) THEN p.achieved_on END) AS last_achieved_on
    FROM competencies_competencyprogress p
    JOIN competencies_competency c ON c.id = p.competency_id
    WHERE p.record_id IN ({chosen})
    GROUP BY p.record_id
) pc ON pc.record_id = e.record_id
LEFT JOIN (
    SELECT e2.record_id, MAX(v.held_on) AS last_review
    FROM cohorts_review v JOIN cohorts_enrolment e2 ON e2.id = v.enrolment_id
    WHERE e2.record_id IN ({chosen})
    GROUP BY e2.record_id
) rv ON rv.record_id = e.record_id
LEFT JOIN (
    SELECT a.enrolment_id,
           SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END) AS present,
           SUM(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) AS absent,
           SUM(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END) AS excused
    FROM cohorts_attendance a
    WHERE a.enrolment_id IN (SELECT e.id FROM cohorts_enrolment e WHERE {where})
    GROUP BY a.enrolment_id
) at ON at.enrolment_id = e.id
LEFT JOIN (
    SELECT q.record_id, COUNT(*) AS open_requests, MIN(q.created_at) AS oldest,
           SUM(CASE WHEN q.created_at < %(stale)s THEN 1 ELSE 0 END) AS stale
    FROM competencies_signoffrequest q
    WHERE q.status = 'open' AND q.record_id IN ({chosen})
    GROUP BY q.record_id
) rq ON rq.record_id = e.record_id
WHERE {where}
"""


def _mentors(where: str) -> str:
    return f"""
SELECT a.trainee_id, u.id, u.full_name FROM pathway_allocation a
JOIN pathway_user u ON u.id = a.supporter_id
WHERE a.kind = 'mentor' AND u.is_active AND a.start_date <= %(today)s
  AND (a.end_date IS NULL OR a.end_date >= %(today)s)
  AND a.trainee_id IN (SELECT e.trainee_id FROM cohorts_enrolment e WHERE {where})
"""


def _stale(today: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        today - datetime.timedelta(days=14), datetime.time.min, tzinfo=datetime.UTC
    )


def cohort_dashboard(cohort_id: int, today: datetime.date) -> list[tuple[str, dict]]:
    where = "e.cohort_id = %(cohort)s AND e.status <> 'deferred'"
    params = {"cohort": cohort_id, "today": today, "stale": _stale(today)}
    return [(_enrolment_numbers(where), params), (_mentors(where), params)]


def competency_grid(cohort_id: int, today: datetime.date) -> list[tuple[str, tuple]]:
    records = (
        "SELECT e.record_id FROM cohorts_enrolment e "
        "WHERE e.cohort_id = %s AND e.status <> 'deferred'"
    )
    return [
        (
            "SELECT u.full_name, u.employee_number, e.status, e.record_id FROM cohorts_enrolment e "
            "JOIN pathway_user u ON u.id = e.trainee_id "
            "WHERE e.cohort_id = %s AND e.status <> 'deferred' ORDER BY u.full_name",
            (cohort_id,),
        ),
        (
            "SELECT p.record_id, p.competency_id, p.state, p.expires_on "
            f"FROM competencies_competencyprogress p WHERE p.record_id IN ({records})",
            (cohort_id,),
        ),
        (
            "SELECT c.id, c.code, c.is_core, d.title FROM competencies_competency c "
            "JOIN competencies_domain d ON d.id = c.domain_id WHERE c.id IN ("
            "SELECT p.competency_id FROM competencies_competencyprogress p "
            f'WHERE p.record_id IN ({records})) ORDER BY d."order", c."order"',
            (cohort_id,),
        ),
    ]


def programme_overview(today: datetime.date) -> list[tuple[str, dict]]:
    """The cohorts shown (running and planned, the ten latest finished) with, for those not
    running, their counts by status; and the running cohorts' numbers as the page keeps them
    (cohorts/counts_kept.py), which it reads while nothing they were counted from has moved."""
    return [
        (
            "SELECT k.id, k.name, k.status, e.status, COUNT(e.id) FROM cohorts_cohort k "
            "LEFT JOIN cohorts_enrolment e ON e.cohort_id = k.id AND k.status <> 'running' "
            "WHERE k.status <> 'finished' OR k.id IN (SELECT f.id FROM cohorts_cohort f "
            "WHERE f.status = 'finished' ORDER BY f.planned_end_date DESC, f.id DESC LIMIT 10) "
            "GROUP BY k.id, k.name, k.status, e.status",
            {},
        ),
        (
            "SELECT c.cohort_id, c.version, c.counted_version, c.counted_on, c.numbers "
            "FROM cohorts_runningcohortcounts c JOIN cohorts_cohort k ON k.id = c.cohort_id "
            "WHERE k.status = 'running'",
            {},
        ),
    ]


def account_page(user_id: int) -> list[tuple[str, tuple]]:
    """The person and their roles: all the account page shows."""
    return [
        (
            "SELECT u.full_name, u.email, u.employee_number, u.job_title, u.band "
            "FROM pathway_user u WHERE u.id = %s",
            (user_id,),
        ),
        (
            "SELECT r.code FROM pathway_role r JOIN pathway_user_roles ur ON ur.role_id = r.id "
            "WHERE ur.user_id = %s",
            (user_id,),
        ),
    ]


def sign_off(request_id: int, trainee_id: int, record_id: int, competency_id: int, mentor_id: int):
    """The writes of a sign-off, bare: close the request, read the chain's end and its head,
    append, move the head on, update the progress row. Run inside a transaction the benchmark
    rolls back."""
    now = datetime.datetime.now(datetime.UTC)
    return [
        ("SELECT id FROM pathway_user WHERE id = %s" + _for_update(), (trainee_id,)),
        (
            "UPDATE competencies_signoffrequest SET status = 'decided', closed_at = %s "
            "WHERE id = %s AND status = 'open'",
            (now, request_id),
        ),
        (
            "SELECT h.length, h.last_hash, (SELECT a.sequence FROM competencies_assessment a "
            "WHERE a.trainee_id = h.trainee_id ORDER BY a.sequence DESC LIMIT 1) "
            "FROM competencies_chainhead h WHERE h.trainee_id = %s",
            (trainee_id,),
        ),
        (
            "INSERT INTO competencies_assessment (trainee_id, record_id, competency_id, "
            "request_id, outcome, method, assessed_on, feedback, assessor_id, assessor_name, "
            "assessor_role, assessor_registration, created_at, sequence, previous_hash, "
            "record_hash, hash_version, hash_key_id) VALUES (%s, %s, %s, %s, 'achieved', "
            "'questioning', %s, '', %s, 'x', 'Mentor', '', %s, 100000, '', 'x', 2, 'floor')",
            (trainee_id, record_id, competency_id, request_id, now.date(), mentor_id, now),
        ),
        (
            "UPDATE competencies_chainhead SET length = 100000, last_hash = 'x', updated_at = %s "
            "WHERE trainee_id = %s",
            (now, trainee_id),
        ),
        (
            "UPDATE competencies_competencyprogress SET state = 'achieved', achieved_on = %s "
            "WHERE record_id = %s AND competency_id = %s",
            (now.date(), record_id, competency_id),
        ),
        # The record's summary recounted (ADR 0026).
        (
            "UPDATE competencies_recordsummary SET core_achieved = (SELECT COUNT(*) FROM "
            "competencies_competencyprogress p JOIN competencies_competency c ON "
            "c.id = p.competency_id WHERE p.record_id = %s AND c.is_core AND "
            "p.state = 'achieved') WHERE record_id = %s",
            (record_id, record_id),
        ),
    ]


def _for_update() -> str:
    return " FOR UPDATE" if connection.vendor == "postgresql" else ""


def api_register(today: datetime.date, limit: int) -> list[tuple[str, tuple]]:
    """The API's register page: the client by its token's prefix, then one page of who holds
    which competency today."""
    return [
        (
            "SELECT id, token_hash, scopes, expires_at, revoked_at FROM api_apiclient "
            "WHERE token_prefix = %s",
            ("0000000000",),
        ),
        (
            "SELECT p.id, p.achieved_on, p.expires_on, u.id, u.employee_number, u.full_name, "
            "c.id, c.code, c.title, f.name, f.version "
            "FROM competencies_competencyprogress p "
            "JOIN competencies_trainingrecord r ON r.id = p.record_id "
            "JOIN pathway_user u ON u.id = r.trainee_id "
            "JOIN competencies_framework f ON f.id = r.framework_id "
            "JOIN competencies_competency c ON c.id = p.competency_id "
            "WHERE p.state = 'achieved' AND (p.expires_on IS NULL OR p.expires_on > %s) "
            "AND r.is_active AND p.id > 0 ORDER BY p.id LIMIT %s",
            (today, limit + 1),
        ),
    ]


# The long lists (issue #18 point 6): a page of rows and the numbers its paginator shows.


def _fetch(statement: tuple[str, tuple]) -> list[tuple]:
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _people_matching(text: str) -> tuple[str, tuple]:
    """The condition on people (alias u) whose name, email or employee number contains each
    word of `text`, any case, and its parameters. The words are taken as typed: the benchmark
    searches a surname, with no % or _ in it to escape."""
    words = text.split()
    condition = " AND ".join(
        "(UPPER(u.full_name) LIKE UPPER(%s) OR UPPER(u.email) LIKE UPPER(%s) "
        "OR UPPER(u.employee_number) LIKE UPPER(%s))"
        for _word in words
    )
    return condition or "1 = 1", tuple(f"%{word}%" for word in words for _column in range(3))


def people_list(text: str = "") -> list[tuple[str, tuple]]:
    """How many people match (everyone with no search), and the page of them by name: name,
    email, job title, clinical area and roles (a person with several roles is several rows)."""
    matching, params = _people_matching(text)
    return [
        (f"SELECT COUNT(*) FROM pathway_user u WHERE {matching}", params),
        (
            "SELECT p.id, p.full_name, p.email, p.job_title, a.name, r.code FROM ("
            "SELECT u.id, u.full_name, u.email, u.job_title, u.clinical_area_id "
            f"FROM pathway_user u WHERE {matching} ORDER BY u.full_name, u.email "
            f"LIMIT {PAGE_SIZE}) p "
            "LEFT JOIN pathway_clinicalarea a ON a.id = p.clinical_area_id "
            "LEFT JOIN pathway_user_roles ur ON ur.user_id = p.id "
            "LEFT JOIN pathway_role r ON r.id = ur.role_id ORDER BY p.full_name, p.email",
            params,
        ),
    ]


def audit_history(who: str = "") -> list[tuple[str, tuple]]:
    """The audit history's first page: how many changes there are and the latest fifty, each
    version with the version before it (what the page compares) and who made it, and the
    roles a person had at each; with `who`, first the people it names (as the filter looks
    them up) and only the changes about them. The names of records a version points at
    (an allocation's supporter, say) are not read: the scale data's history has no such
    version.

    Which versions are on the page is read once here, as the benchmark reads its ids: the
    statements then read them by id, as the page does once it has the page's keys."""
    kinds, people, statements = audit.AUDITED, None, []
    if who:
        matching, params = _people_matching(who)
        statements.append(
            (
                f"SELECT u.id, u.full_name, u.email FROM pathway_user u WHERE {matching} "
                f"ORDER BY u.full_name, u.email LIMIT {MOST_PEOPLE + 1}",
                params,
            )
        )
        people = [row[0] for row in _fetch(statements[0])]
        kinds = [kind for kind in kinds if kind.subject]
    changes, params = _audit_changes(kinds, people)
    page = (f"{changes} ORDER BY 1 DESC, 3 DESC, 2 DESC LIMIT {audit.PAGE_SIZE}", params)
    # The page counts no further than one past the most it lists (audit.LISTED_MOST).
    counted = f"SELECT COUNT(*) FROM ({changes} LIMIT {audit.LISTED_MOST + 1}) changes"
    statements += [(counted, params), page]
    on_page = defaultdict(list)
    for _when, history_id, key in _fetch(page):
        on_page[key].append(history_id)
    for key, history_ids in on_page.items():
        statements += _audit_versions(audit.KINDS[key], history_ids)
    return statements


def _audit_changes(kinds, people: list[int] | None) -> tuple[str, tuple]:
    """(when, history id, kind) of every version of the audited kinds, as one UNION ALL."""
    parts, params = [], []
    for kind in kinds:
        part = (
            f"SELECT h.history_date, h.history_id, '{kind.key}' AS kind "
            f"FROM {kind.history_model._meta.db_table} h"
        )
        if people is not None:
            part += f" WHERE h.{kind.subject} IN ({', '.join(['%s'] * len(people))})"
            params += people
        parts.append(part)
    return " UNION ALL ".join(parts), tuple(params)


def _audit_versions(kind, history_ids: list[int]) -> list[tuple[str, tuple]]:
    table = kind.history_model._meta.db_table
    ids = ", ".join(["%s"] * len(history_ids))
    before = (
        f"SELECT MAX(x.history_id) FROM {table} x WHERE x.id = h.id AND x.history_id < h.history_id"
    )
    statements = [
        (
            f"SELECT h.*, b.*, u.full_name, u.email FROM {table} h "
            f"LEFT JOIN {table} b ON b.history_id = ({before}) "
            "LEFT JOIN pathway_user u ON u.id = h.history_user_id "
            f"WHERE h.history_id IN ({ids})",
            tuple(history_ids),
        )
    ]
    for name in kind.m2m:  # a person's roles, at each version and the one before
        through = getattr(kind.history_model, name).model
        statements.append(
            (
                f"SELECT t.* FROM {through._meta.db_table} t WHERE t.history_id IN ({ids}) "
                f"OR t.history_id IN (SELECT ({before}) FROM {table} h "
                f"WHERE h.history_id IN ({ids}))",
                (*history_ids, *history_ids),
            )
        )
    return statements


def cohort_list() -> list[tuple[str, tuple]]:
    """The lead nurse's cohort list: how many cohorts of each status, the first page of them
    (running, planned, finished, each the latest intake first) with programme, dates,
    framework and trainees (current ones, or all but the deferred once finished), and the
    programmes the plans are linked for."""
    counted = (
        "SELECT COUNT(*) FROM cohorts_enrolment e WHERE e.cohort_id = k.id "
        "AND (e.status IN ('active', 'on_break') "
        "OR (k.status = 'finished' AND e.status <> 'deferred'))"
    )
    return [
        ("SELECT k.status, COUNT(*) FROM cohorts_cohort k GROUP BY k.status", ()),
        (
            "SELECT k.id, k.name, k.status, k.intake_date, k.planned_end_date, p.name, "
            f"f.name, f.version, ({counted}) FROM cohorts_cohort k "
            "JOIN pathway_programme p ON p.id = k.programme_id "
            "JOIN competencies_framework f ON f.id = k.framework_id "
            "ORDER BY CASE k.status WHEN 'running' THEN 0 WHEN 'planned' THEN 1 "
            "WHEN 'finished' THEN 2 ELSE 3 END, k.intake_date DESC, k.name "
            f"LIMIT {COHORT_LIST_PAGE_SIZE}",
            (),
        ),
        ("SELECT p.id, p.name FROM pathway_programme p ORDER BY p.name", ()),
    ]


def reviews_due(today: datetime.date) -> list[tuple[str, tuple]]:
    """Everyone's reviews overdue or due within 14 days (the date each enrolment keeps): how
    many, and the first page, most urgent first, with trainee, cohort and last review."""
    due_by = today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS)
    return [
        ("SELECT COUNT(*) FROM cohorts_enrolment e WHERE e.review_due_on <= %s", (due_by,)),
        (
            "SELECT e.id, u.full_name, k.name, e.review_due_on, (SELECT MAX(v.held_on) "
            "FROM cohorts_review v WHERE v.enrolment_id = e.id) FROM cohorts_enrolment e "
            "JOIN pathway_user u ON u.id = e.trainee_id "
            "JOIN cohorts_cohort k ON k.id = e.cohort_id WHERE e.review_due_on <= %s "
            f"ORDER BY e.review_due_on, u.full_name, e.id LIMIT {PAGE_SIZE}",
            (due_by,),
        ),
    ]


MENTORS = (
    "SELECT ur.user_id FROM pathway_user_roles ur JOIN pathway_role r ON r.id = ur.role_id "
    "WHERE r.code = 'mentor'"
)


def mentor_register(today: datetime.date) -> list[tuple[str, tuple]]:
    """The mentor register's first page: how many active mentors there are, the first of
    them by name with their preparation and last update, and the first ten due an update
    within 30 days, the soonest first, with how many are due."""
    low, high = _latest_dates_due_between(
        today, today + datetime.timedelta(days=UPDATE_DUE_SOON_DAYS)
    )
    latest = "COALESCE(m.last_update_on, m.prepared_on)"
    return [
        # Counted as the role's memberships less those of people who have left: reading
        # every person to keep the active mentors took 2.5 ms at 20,000 trainees, this 0.2.
        (
            "SELECT (SELECT COUNT(*) FROM pathway_user_roles ur WHERE ur.role_id = r.id) - "
            "(SELECT COUNT(*) FROM pathway_user_roles ur JOIN pathway_user u "
            "ON u.id = ur.user_id WHERE ur.role_id = r.id AND NOT u.is_active) "
            "FROM pathway_role r WHERE r.code = 'mentor'",
            (),
        ),
        (
            "SELECT u.id, u.full_name, m.prepared_on, m.last_update_on FROM pathway_user u "
            "LEFT JOIN pathway_mentorpreparation m ON m.mentor_id = u.id "
            f"WHERE u.is_active AND u.id IN ({MENTORS}) ORDER BY u.full_name, u.email "
            f"LIMIT {PAGE_SIZE}",
            (),
        ),
        (
            "SELECT u.id, u.full_name, m.prepared_on, m.last_update_on, COUNT(*) OVER () "
            "FROM pathway_mentorpreparation m JOIN pathway_user u ON u.id = m.mentor_id "
            f"WHERE u.is_active AND u.id IN ({MENTORS}) AND {latest} BETWEEN %s AND %s "
            f"ORDER BY {latest}, u.full_name, u.email LIMIT {DUE_SOON_SHOWN}",
            (low, high),
        ),
    ]


def _latest_dates_due_between(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest dates of preparation or update whose annual update falls due
    between two days: worked out here, once, so the SQL compares the stored dates alone."""
    start = first - datetime.timedelta(days=400)
    days = [start + datetime.timedelta(days=n) for n in range((last - start).days + 1)]
    due = [day for day in days if first <= update_due_on(day, None) <= last]
    return due[0], due[-1]


def outcomes_dashboard(today: datetime.date) -> list[tuple[str, tuple]]:
    """The outcomes dashboard's first page: how many cohorts have started, the latest twelve,
    and the facts their outcomes are worked out from (each enrolment's status, dates of
    qualifying and withdrawing, first start, and the trainees' moves since), with the
    stages' names. The rates and retention are arithmetic on these, in Python."""
    page = (
        "SELECT k.id FROM cohorts_cohort k WHERE k.intake_date <= %s "
        f"ORDER BY k.intake_date DESC, k.name, k.id LIMIT {COHORTS_PER_PAGE}"
    )
    changed_to = (
        'SELECT MAX(s."on") FROM cohorts_enrolmentstatuschange s '
        "WHERE s.enrolment_id = e.id AND s.to_status = '{}'"
    )
    return [
        ("SELECT COUNT(*) FROM cohorts_cohort k WHERE k.intake_date <= %s", (today,)),
        (
            "SELECT k.id, k.name, k.intake_date, p.name FROM cohorts_cohort k "
            "JOIN pathway_programme p ON p.id = k.programme_id WHERE k.intake_date <= %s "
            f"ORDER BY k.intake_date DESC, k.name, k.id LIMIT {COHORTS_PER_PAGE}",
            (today,),
        ),
        (
            "SELECT e.id, e.cohort_id, e.trainee_id, u.full_name, e.status, e.status_reason, "
            "e.start_date, e.end_date, r.clinical_area_id, "
            f"({changed_to.format('qualified')}), ({changed_to.format('withdrawn')}), "
            "(SELECT MIN(f.start_date) FROM cohorts_enrolment f WHERE f.record_id = e.record_id) "
            "FROM cohorts_enrolment e JOIN pathway_user u ON u.id = e.trainee_id "
            "JOIN competencies_trainingrecord r ON r.id = e.record_id "
            f"WHERE e.cohort_id IN ({page}) ORDER BY u.full_name, e.id",
            (today,),
        ),
        (
            'SELECT m.person_id, s.code, m."on", m.clinical_area_id, m.reason '
            "FROM outcomes_pathwaymove m JOIN outcomes_stage s ON s.id = m.stage_id "
            "WHERE m.person_id IN (SELECT e.trainee_id FROM cohorts_enrolment e "
            f'WHERE e.cohort_id IN ({page})) ORDER BY m."on", m.id',
            (today,),
        ),
        ('SELECT s.code, s.name FROM outcomes_stage s ORDER BY s."order"', ()),
    ]
