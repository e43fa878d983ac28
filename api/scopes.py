"""What an API client may do: named scopes an administrator gives it (ADR 0023)."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    READ_PEOPLE = "read_people", "Read people"
    WRITE_PEOPLE = "write_people", "Create and update people (by employee number)"
    READ_RECORDS = "read_records", "Read programmes, cohorts, enrolments and training records"
    WRITE_MODULE_RESULTS = "write_module_results", "Record module results"
    READ_REGISTER = "read_register", "Read the current-competence register"
    READ_EVENTS = "read_events", "Read the events feed"
    READ_FRAMEWORKS = "read_frameworks", "Export competency frameworks"
    WRITE_FRAMEWORKS = "write_frameworks", "Import competency frameworks (as drafts)"
