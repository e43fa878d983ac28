"""What the API reads and writes, as OpenAPI schemas (ninja: pydantic 2)."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema

BIGGEST_ID = 2**63 - 1
Id = Field(..., ge=1, le=BIGGEST_ID)


class FieldError(Schema):
    field: str = Field(..., description="The field, as in the request: 'email', 'limit'")
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class Person(Schema):
    id: int
    employee_number: str | None
    full_name: str
    email: str
    job_title: str
    band: str
    clinical_area: str | None = Field(None, description="The clinical area's code")
    roles: list[str]
    is_active: bool


class PersonIn(Schema):
    """A person from ESR. Fields left out are left as they are; a new person needs
    full_name and email."""

    full_name: str | None = Field(None, min_length=1, max_length=150)
    email: str | None = Field(None, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    job_title: str | None = Field(None, max_length=150)
    band: Literal["", "2", "3", "4", "5", "6", "7", "8a", "8b", "other"] | None = None
    clinical_area: str | None = Field(None, max_length=40)
    is_active: bool | None = None


class Module(Schema):
    id: int
    title: str
    credits: int
    order: int


class Programme(Schema):
    id: int
    name: str
    organisation: str
    university: str | None
    duration_weeks: int
    modules: list[Module]


class Cohort(Schema):
    id: int
    name: str
    programme_id: int
    status: str
    intake_date: datetime.date
    planned_end_date: datetime.date
    framework_id: int
    clinical_areas: list[str]


class Enrolment(Schema):
    id: int
    cohort_id: int
    person_id: int
    employee_number: str | None
    record_id: int
    status: str
    start_date: datetime.date
    end_date: datetime.date | None


class TrainingRecord(Schema):
    id: int
    person_id: int
    employee_number: str | None
    framework_id: int
    framework: str
    clinical_area: str
    start_date: datetime.date
    is_active: bool
    competencies_total: int
    competencies_achieved: int


class Progress(Schema):
    competency_id: int
    code: str
    title: str
    state: str
    practice_count: int
    achieved_on: datetime.date | None
    expires_on: datetime.date | None


class RegisterEntry(Schema):
    id: int
    person_id: int
    employee_number: str | None
    full_name: str
    competency_id: int
    code: str
    title: str
    framework: str
    achieved_on: datetime.date | None
    expires_on: datetime.date | None


class Event(Schema):
    id: int
    kind: str
    subject_id: int
    occurred_at: datetime.datetime
    data: dict


class Framework(Schema):
    id: int
    code: str
    name: str
    version: int
    status: str
    competency_count: int


class FrameworkIn(Schema):
    """A whole framework file, as text: Pathway's CSV layout or Moodle's."""

    layout: Literal["pathway", "moodle"]
    content: str = Field(..., min_length=1, max_length=10_000_000)
    # When a framework with the file's ID number exists and the file differs from it: its next
    # version, or a separate framework under `new_code`. Without it such a file is a 409.
    on_existing: Literal["new_version", "separate"] | None = None
    new_code: str | None = Field(None, min_length=1, max_length=100)


class ModuleResultIn(Schema):
    employee_number: str = Field(..., min_length=1, max_length=32)
    module_id: int = Id
    attempt: int = Field(..., ge=1, le=20)
    outcome: Literal["pass", "fail", "referred"]
    mark: int | None = Field(None, ge=0, le=100)
    date: datetime.date


class ModuleResult(Schema):
    id: int
    employee_number: str
    enrolment_id: int
    module_id: int
    attempt: int
    outcome: str
    mark: int | None
    date: datetime.date


def page_of(item):
    """A page of `item`: the items and the cursor for the next page (null on the last)."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next_cursor": str | None},
            "__module__": __name__,
        },
    )


class EventPage(Schema):
    items: list[Event]
    next_cursor: str = Field(
        ..., description="Ask again with this cursor for what happened since; never null"
    )
    more: bool = Field(..., description="True when more events are waiting now")
