"""Building a questionnaire: sections, the four kinds of question, order, locking, copying."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import services
from evaluation.models import LIKERT_LABELS, Question, Questionnaire, Section
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_lead_nurse_builds_a_questionnaire_with_each_kind_of_question(lead_nurse):
    questionnaire = factories.questionnaire_with(actor=lead_nurse)
    questions = list(Question.objects.filter(section__questionnaire=questionnaire))
    assert [q.kind for q in questions] == ["likert", "single", "multiple", "text"]
    likert, single, multiple, text = questions
    assert [o.label for o in likert.options.all()] == list(LIKERT_LABELS)
    assert [o.value for o in likert.options.all()] == [1, 2, 3, 4, 5]
    assert [o.label for o in single.options.all()] == ["Weekly", "Monthly", "Rarely"]
    assert multiple.required is False and text.options.count() == 0


def test_likert_labels_can_be_given_but_must_be_five(lead_nurse):
    questionnaire = factories.questionnaire_with(actor=lead_nurse)
    section = questionnaire.sections.get()
    labels = ["Very poor", "Poor", "Fair", "Good", "Very good"]
    question = services.question_add(
        actor=lead_nurse, section=section, kind="likert", text="Overall", options=labels
    )
    assert [o.label for o in question.options.all()] == labels
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=lead_nurse, section=section, kind="likert", text="Bad", options=["a", "b"]
        )
    assert "exactly 5" in str(error.value)


@pytest.mark.parametrize(
    "options, message",
    [((), "at least 2"), (("Yes",), "at least 2"), (("Yes", "yes"), "different")],
)
def test_choice_questions_need_two_different_choices(lead_nurse, options, message):
    questionnaire = factories.questionnaire_with(actor=lead_nurse)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=lead_nurse,
            section=questionnaire.sections.get(),
            kind="single",
            text="Pick",
            options=options,
        )
    assert message in str(error.value)


def test_questions_and_sections_move_up_and_down(lead_nurse):
    questionnaire = factories.questionnaire_with(actor=lead_nurse, sections=2)
    first, second = questionnaire.sections.order_by("order")
    services.section_move(actor=lead_nurse, section=second, direction="up")
    assert list(questionnaire.sections.order_by("order")) == [second, first]
    q1, q2, *_ = first.questions.order_by("order")
    services.question_move(actor=lead_nurse, question=q1, direction="down")
    assert list(first.questions.order_by("order"))[:2] == [q2, q1]
    # Moving the first one up does nothing.
    services.question_move(actor=lead_nurse, question=q2, direction="up")
    assert list(first.questions.order_by("order"))[:2] == [q2, q1]


def test_an_issued_questionnaire_is_locked_and_copied_to_change_it(lead_nurse):
    issue, *_ = factories.issued_questionnaire()
    questionnaire = issue.questionnaire
    question = Question.objects.filter(section__questionnaire=questionnaire).first()
    with pytest.raises(ValidationError, match="copy it"):
        services.question_update(actor=lead_nurse, question=question, text="Changed", kind="text")
    with pytest.raises(ValidationError, match="copy it"):
        services.section_add(actor=lead_nurse, questionnaire=questionnaire, title="More")
    copy = services.questionnaire_copy(
        actor=lead_nurse, questionnaire=questionnaire, title="Next cohort"
    )
    assert copy.family == questionnaire.family and copy.copied_from == questionnaire
    original = list(
        Question.objects.filter(section__questionnaire=questionnaire).values_list(
            "key", "text", "kind", "required"
        )
    )
    copied = list(
        Question.objects.filter(section__questionnaire=copy).values_list(
            "key", "text", "kind", "required"
        )
    )
    assert copied == original
    assert Section.objects.filter(questionnaire=copy).count() == 1
    # The copy is not issued, so it can change; the original stays as it was.
    copied_question = Question.objects.filter(section__questionnaire=copy).first()
    services.question_update(
        actor=lead_nurse, question=copied_question, text="Changed", kind="text"
    )
    question.refresh_from_db()
    assert question.text != "Changed"


def test_only_the_lead_nurse_builds(db):
    for person in (
        factories.TraineeFactory(),
        factories.MentorFactory(),
        factories.AdministratorFactory(),
        factories.PracticeEducatorFactory(),
    ):
        with pytest.raises(PermissionDenied):
            services.questionnaire_create(actor=person, title="Mine")
    assert not Questionnaire.objects.exists()


def test_the_builder_pages(client, lead_nurse):
    client.force_login(lead_nurse)
    response = client.post(reverse("evaluation:questionnaire_create"), {"title": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    response = client.post(
        reverse("evaluation:questionnaire_create"), {"title": "End of programme"}
    )
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse(
        "evaluation:questionnaire_detail", args=[questionnaire.pk]
    )
    client.post(
        reverse("evaluation:section_add", args=[questionnaire.pk]), {"title": "Your mentor"}
    )
    section = questionnaire.sections.get()
    response = client.post(
        reverse("evaluation:question_add", args=[section.pk]),
        {"text": "Pick one", "kind": "single", "options": "Only one", "required": "yes"},
    )
    assert response.status_code == 200
    assert "Give at least 2 choices" in response.content.decode()
    client.post(
        reverse("evaluation:question_add", args=[section.pk]),
        {"text": "Supported?", "kind": "likert", "options": "", "required": "no"},
    )
    question = section.questions.get()
    assert question.required is False and question.options.count() == 5
    page = client.get(reverse("evaluation:questionnaire_detail", args=[questionnaire.pk]))
    assert "Supported?" in page.content.decode()
    client.post(reverse("evaluation:question_delete", args=[question.pk]), {})
    assert not section.questions.exists()
