"""Model objects as the API's schemas read them (api/schemas.py)."""

from __future__ import annotations


def person(user) -> dict:
    return {
        "id": user.pk,
        "employee_number": user.employee_number or None,
        "full_name": user.full_name,
        "email": user.email,
        "job_title": user.job_title,
        "band": user.band,
        "clinical_area": user.clinical_area.code if user.clinical_area else None,
        "roles": sorted(role.code for role in user.roles.all()),
        "is_active": user.is_active,
    }


def programme(item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "organisation": item.organisation.name,
        "university": item.university.name if item.university else None,
        "duration_weeks": item.duration_weeks,
        "modules": [
            {"id": m.pk, "title": m.title, "credits": m.credits, "order": m.order}
            for m in item.modules.all()
        ],
    }


def cohort(item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "programme_id": item.programme_id,
        "status": item.status,
        "intake_date": item.intake_date,
        "planned_end_date": item.planned_end_date,
        "framework_id": item.framework_id,
        "clinical_areas": sorted(area.code for area in item.clinical_areas.all()),
    }


def enrolment(item) -> dict:
    return {
        "id": item.pk,
        "cohort_id": item.cohort_id,
        "person_id": item.trainee_id,
        "employee_number": item.trainee.employee_number or None,
        "record_id": item.record_id,
        "status": item.status,
        "start_date": item.start_date,
        "end_date": item.end_date,
    }


def training_record(item) -> dict:
    return {
        "id": item.pk,
        "person_id": item.trainee_id,
        "employee_number": item.trainee.employee_number or None,
        "framework_id": item.framework_id,
        "framework": f"{item.framework.name} (version {item.framework.version})",
        "clinical_area": item.clinical_area.code,
        "start_date": item.start_date,
        "is_active": item.is_active,
        "competencies_total": item.competencies_total,
        "competencies_achieved": item.competencies_achieved,
    }


def progress(item) -> dict:
    return {
        "competency_id": item.competency_id,
        "code": item.competency.code,
        "title": item.competency.title,
        "state": item.display_state,
        "practice_count": item.practice_count,
        "achieved_on": item.achieved_on,
        "expires_on": item.expires_on,
    }


def register_entry(item) -> dict:
    trainee, framework = item.record.trainee, item.record.framework
    return {
        "id": item.pk,
        "person_id": trainee.pk,
        "employee_number": trainee.employee_number or None,
        "full_name": trainee.full_name,
        "competency_id": item.competency_id,
        "code": item.competency.code,
        "title": item.competency.title,
        "framework": f"{framework.name} (version {framework.version})",
        "achieved_on": item.achieved_on,
        "expires_on": item.expires_on,
    }


def event(item) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "subject_id": item.subject_id,
        "occurred_at": item.occurred_at,
        "data": item.data,
    }


def framework(item) -> dict:
    return {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "version": item.version,
        "status": item.status,
        "competency_count": item.competency_count,
    }


def page(found, present) -> dict:
    return {"items": [present(item) for item in found.items], "next_cursor": found.next_cursor}
