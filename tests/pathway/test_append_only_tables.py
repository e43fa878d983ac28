"""Append-only tables (pathway/db.py, ADR 0007): every model marked `append_only = True` refuses
changes in the model layer everywhere, and on PostgreSQL its table refuses UPDATE, DELETE and
TRUNCATE for any client, so that a new append-only table cannot be left without them."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.state import ProjectState
from django.utils import timezone

from competencies import services
from competencies.models import Assessment
from pathway.db import AppendOnly, append_only_models, append_only_trigger_problems
from tests import factories

pytestmark = pytest.mark.django_db


def _signed_off():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    sign_off_request = factories.ask_for_sign_off(record, competency, mentor)
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=sign_off_request,
        signature=factories.signature(),
        outcome="achieved",
        method=competency.assessment_methods[0],
        assessed_on=timezone.localdate(),
    )


def _refused(sql):
    with connection.cursor() as cursor:
        # Deferred foreign-key checks from the rows just made would otherwise stop a TRUNCATE
        # for their own reason: run them first, so the trigger is what answers.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="is append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def test_the_sign_off_records_are_marked_append_only():
    assert Assessment in append_only_models()


def test_every_append_only_model_refuses_changes_in_the_model_layer():
    for model in append_only_models():
        with pytest.raises(ValidationError, match="append-only"):
            model._default_manager.all().update(pk=0)
        with pytest.raises(ValidationError, match="append-only"):
            model._default_manager.all().delete()


def test_every_append_only_table_has_its_triggers(postgres_only):
    """Read from the database's own catalogue (pg_trigger): a model marked append-only whose
    migration forgot `AppendOnly` fails here."""
    assert append_only_trigger_problems(connection) == []


def test_truncate_of_the_sign_off_records_is_refused(postgres_only):
    assessment = _signed_off()
    # Redactions refer to the records, so a TRUNCATE of the records alone is refused by the
    # foreign key before any trigger: name both tables, so the trigger is what answers.
    _refused("TRUNCATE competencies_assessment, competencies_redaction")
    _refused("TRUNCATE competencies_assessment RESTART IDENTITY CASCADE")
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_truncate_cascading_from_a_table_that_refers_to_them_is_refused(postgres_only):
    assessment = _signed_off()
    # Training records and people are referred to by sign-off records: CASCADE would reach them.
    _refused("TRUNCATE competencies_trainingrecord CASCADE")
    _refused("TRUNCATE pathway_user CASCADE")
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_update_and_delete_are_still_refused(postgres_only):
    assessment = _signed_off()
    for sql, operation in (
        ("UPDATE competencies_assessment SET feedback = 'x' WHERE id = %s", "UPDATE"),
        ("DELETE FROM competencies_assessment WHERE id = %s", "DELETE"),
    ):
        with (
            pytest.raises(DatabaseError, match=f"is append-only: {operation} refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [assessment.pk])
    assert Assessment.objects.filter(pk=assessment.pk, feedback="").exists()


def test_the_operation_is_reversible(postgres_only):
    """Reversed, AppendOnly leaves the table without its triggers; applied again, with both."""
    state = ProjectState.from_apps(apps)
    operation = AppendOnly("assessment")
    with connection.schema_editor() as editor:
        operation.database_backwards("competencies", editor, state, state)
    assert append_only_trigger_problems(connection) == [
        "competencies_assessment: no trigger refusing UPDATE and DELETE",
        "competencies_assessment: no trigger refusing TRUNCATE",
    ]
    with connection.schema_editor() as editor:
        operation.database_forwards("competencies", editor, state, state)
    assert append_only_trigger_problems(connection) == []
