"""Questionnaire pages. Thin: permission, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from evaluation import charts, exports, forms, selectors, services
from evaluation.models import Issue, Question, Questionnaire, Section
from pathway.formtools import ConfirmForm, add_service_errors, get_or_post, posted_data
from pathway.permissions import require_perm
from pathway.spreadsheets import FORMATS, filename


def _get(loader, pk):
    try:
        return loader(pk)
    except (
        Questionnaire.DoesNotExist,
        Section.DoesNotExist,
        Question.DoesNotExist,
        Issue.DoesNotExist,
    ) as missing:
        raise Http404 from missing


def _locked_redirect(request, questionnaire):
    messages.info(
        request,
        "This questionnaire has been issued, so its questions cannot change: copy it to make a "
        "new version",
    )
    return redirect("evaluation:questionnaire_detail", questionnaire.pk)


# Landing -----------------------------------------------------------------------------------------


@login_required
def index(request):
    """The header's Questionnaires link: the lead nurse's list, or the questionnaires a trainee
    or mentor is asked to answer."""
    if request.user.has_perm("evaluation.manage"):
        return redirect("evaluation:questionnaire_list")
    if request.user.has_perm("evaluation.answer"):
        return redirect("evaluation:my_questionnaires")
    raise PermissionDenied


# Building ----------------------------------------------------------------------------------------


@require_perm("evaluation.manage")
@require_GET
def questionnaire_list(request):
    return render(
        request,
        "evaluation/questionnaire_list.html",
        {"questionnaires": selectors.questionnaire_list()},
    )


@require_perm("evaluation.manage")
@get_or_post
def questionnaire_create(request):
    form = forms.QuestionnaireForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{questionnaire} created: add its sections and questions")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(request, "evaluation/questionnaire_form.html", {"form": form})


@require_perm("evaluation.manage")
@require_GET
def questionnaire_detail(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    return render(
        request,
        "evaluation/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "locked": bool(questionnaire.issues.all()),
            "today": timezone.localdate(),
        },
    )


@require_perm("evaluation.manage")
@get_or_post
def questionnaire_edit(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    form = forms.QuestionnaireForm(
        posted_data(request),
        initial={"title": questionnaire.title, "description": questionnaire.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(
                actor=request.user, questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Questionnaire saved")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/questionnaire_form.html",
        {"form": form, "questionnaire": questionnaire},
    )


@require_perm("evaluation.manage")
@get_or_post
def questionnaire_copy(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    form = forms.CopyForm(posted_data(request), initial={"title": f"{questionnaire.title} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.questionnaire_copy(
                actor=request.user, questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Copied as {copy}: you can change it before issuing it")
            return redirect("evaluation:questionnaire_detail", copy.pk)
    return render(
        request,
        "evaluation/questionnaire_copy.html",
        {"form": form, "questionnaire": questionnaire},
    )


@require_perm("evaluation.manage")
@get_or_post
def section_add(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = forms.SectionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.section_add(
                actor=request.user, questionnaire=questionnaire, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Section added")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request, "evaluation/section_form.html", {"form": form, "questionnaire": questionnaire}
    )


@require_perm("evaluation.manage")
@get_or_post
def section_edit(request, pk):
    section = _get(selectors.section_by_pk, pk)
    questionnaire = section.questionnaire
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = forms.SectionForm(
        posted_data(request), initial={"title": section.title, "description": section.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(actor=request.user, section=section, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Section saved")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/section_form.html",
        {"form": form, "questionnaire": questionnaire, "section": section},
    )


@require_perm("evaluation.manage")
@get_or_post
def section_delete(request, pk):
    section = _get(selectors.section_by_pk, pk)
    questionnaire = section.questionnaire
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = ConfirmForm(posted_data(request), submit="Delete section", warning=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_remove(actor=request.user, section=section)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Section {section.title} deleted")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/confirm_delete.html",
        {"form": form, "questionnaire": questionnaire, "thing": section, "what": "section"},
    )


def _direction(request) -> str:
    return (
        request.POST.get("direction", "") if request.POST.get("direction") in ("up", "down") else ""
    )


@require_perm("evaluation.manage")
@require_POST
def section_move(request, pk):
    section = _get(selectors.section_by_pk, pk)
    direction = _direction(request)
    try:
        if direction:
            services.section_move(actor=request.user, section=section, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluation:questionnaire_detail", section.questionnaire_id)


@require_perm("evaluation.manage")
@get_or_post
def question_add(request, pk):
    section = _get(selectors.section_by_pk, pk)
    questionnaire = section.questionnaire
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = forms.QuestionForm(posted_data(request), initial={"kind": "likert", "required": "yes"})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=request.user, section=section, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question added")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/question_form.html",
        {"form": form, "questionnaire": questionnaire, "section": section},
    )


@require_perm("evaluation.manage")
@get_or_post
def question_edit(request, pk):
    question = _get(selectors.question_by_pk, pk)
    questionnaire = question.section.questionnaire
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = forms.QuestionForm(
        posted_data(request), initial=forms.QuestionForm.initial_for(question)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                actor=request.user, question=question, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question saved")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/question_form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "section": question.section,
            "question": question,
        },
    )


@require_perm("evaluation.manage")
@get_or_post
def question_delete(request, pk):
    question = _get(selectors.question_by_pk, pk)
    questionnaire = question.section.questionnaire
    if selectors.is_locked(questionnaire):
        return _locked_redirect(request, questionnaire)
    form = ConfirmForm(posted_data(request), submit="Delete question", warning=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_remove(actor=request.user, question=question)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question deleted")
            return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "evaluation/confirm_delete.html",
        {"form": form, "questionnaire": questionnaire, "thing": question, "what": "question"},
    )


@require_perm("evaluation.manage")
@require_POST
def question_move(request, pk):
    question = _get(selectors.question_by_pk, pk)
    direction = _direction(request)
    try:
        if direction:
            services.question_move(actor=request.user, question=question, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluation:questionnaire_detail", question.section.questionnaire_id)


# Issuing and results -----------------------------------------------------------------------------


@require_perm("evaluation.manage")
@get_or_post
def issue_create(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    form = forms.IssueForm(
        posted_data(request),
        cohorts=selectors.cohorts_to_issue_to(),
        initial={"opens_on": timezone.localdate(), "audience": "trainees", "anonymous": "yes"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(
                actor=request.user, questionnaire=questionnaire, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = issue.invitations.count()
            messages.success(
                request,
                f"Issued to {count} {'person' if count == 1 else 'people'} in {issue.cohort}",
            )
            return redirect("evaluation:issue_detail", issue.pk)
    return render(
        request, "evaluation/issue_form.html", {"form": form, "questionnaire": questionnaire}
    )


@require_perm("evaluation.view_results")
@require_GET
def issue_detail(request, pk):
    issue = _get(selectors.issue_detail, pk)
    today = timezone.localdate()
    results = selectors.issue_results(issue, today)
    return render(
        request,
        "evaluation/issue_detail.html",
        {
            "issue": issue,
            "results": results,
            "today": today,
            "charts": charts.question_charts(results),
            "minimum": selectors.anonymous_minimum(),
        },
    )


@require_perm("evaluation.view_results")
@require_GET
def issue_export(request, pk, fmt):
    issue = _get(selectors.issue_detail, pk)
    if fmt not in FORMATS:
        raise Http404
    today = timezone.localdate()
    results = selectors.issue_results(issue, today)
    if not results.visible:
        messages.info(request, results.hidden_reason)
        return redirect("evaluation:issue_detail", issue.pk)
    response = HttpResponse(exports.results_file(results, fmt), content_type=FORMATS[fmt])
    stem = f"{issue.questionnaire.title} {issue.cohort.name}"
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, fmt, today)}"'
    return response


@require_perm("evaluation.view_results")
@require_GET
def questionnaire_comparison(request, pk):
    questionnaire = _get(selectors.questionnaire_detail, pk)
    comparison = selectors.comparison(questionnaire, timezone.localdate())
    return render(
        request,
        "evaluation/comparison.html",
        {
            "questionnaire": questionnaire,
            "comparison": comparison,
            "charts": charts.comparison_charts(comparison),
        },
    )


# Answering ---------------------------------------------------------------------------------------


@require_perm("evaluation.answer")
@require_GET
def my_questionnaires(request):
    today = timezone.localdate()
    items = selectors.my_issues(request.user, today)
    return render(request, "evaluation/my_questionnaires.html", {"items": items, "today": today})


def _respondent_issue(request, issue_pk) -> Issue:
    """The issue, if it was sent to this person; otherwise a 404 (they do not learn it exists)."""
    try:
        issue = selectors.issue_for_respondent(issue_pk)
    except Issue.DoesNotExist as missing:
        raise Http404 from missing
    if not request.user.has_perm("evaluation.respond", issue):
        raise Http404
    return issue


def _closed_or_done(request, issue, today, invitation):
    """The page to show instead of the questions, when they cannot be answered now."""
    if invitation.submitted:
        return render(request, "evaluation/respond_done.html", {"issue": issue})
    state = issue.state(today)
    if state != "open":
        return render(
            request,
            "evaluation/respond_closed.html",
            {"issue": issue, "state": state},
        )
    return None


@require_perm("evaluation.answer")
@require_GET
def respond_start(request, issue_pk):
    issue = _respondent_issue(request, issue_pk)
    today = timezone.localdate()
    invitation = selectors.invitation_for(issue, request.user)
    stop = _closed_or_done(request, issue, today, invitation)
    if stop:
        return stop
    sections = list(issue.questionnaire.sections.all())
    stored = selectors.draft_answers(issue, request.user)
    rows = []
    for number, section in enumerate(sections, start=1):
        questions = list(section.questions.all())
        answered = sum(1 for q in questions if str(q.pk) in stored)
        missing = services.missing_required(questions, stored)
        rows.append(
            {
                "number": number,
                "section": section,
                "answered": answered,
                "total": len(questions),
                "complete": not missing and (answered or not questions),
            }
        )
    return render(
        request,
        "evaluation/respond_start.html",
        {"issue": issue, "rows": rows, "has_draft": bool(stored)},
    )


@require_perm("evaluation.answer")
@get_or_post
def respond_section(request, issue_pk, number):
    issue = _respondent_issue(request, issue_pk)
    today = timezone.localdate()
    invitation = selectors.invitation_for(issue, request.user)
    stop = _closed_or_done(request, issue, today, invitation)
    if stop:
        return stop
    sections = list(issue.questionnaire.sections.all())
    if not 1 <= number <= len(sections):
        raise Http404
    section = sections[number - 1]
    questions = list(section.questions.all())
    stored = selectors.draft_answers(issue, request.user)
    later = request.method == "POST" and "later" in request.POST
    form = forms.SectionAnswerForm(
        posted_data(request),
        questions=questions,
        strict=not later,
        initial=forms.SectionAnswerForm.initial_from(questions, stored),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_save(actor=request.user, issue=issue, answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if later:
                messages.success(
                    request,
                    f"Your answers are saved. You can finish them until "
                    f"{issue.closes_on:%-d %B %Y}.",
                )
                return redirect("evaluation:my_questionnaires")
            if number < len(sections):
                return redirect("evaluation:respond_section", issue.pk, number + 1)
            return redirect("evaluation:respond_check", issue.pk)
    return render(
        request,
        "evaluation/respond_section.html",
        {
            "issue": issue,
            "section": section,
            "number": number,
            "count": len(sections),
            "form": form,
        },
    )


@require_perm("evaluation.answer")
@get_or_post
def respond_check(request, issue_pk):
    issue = _respondent_issue(request, issue_pk)
    today = timezone.localdate()
    invitation = selectors.invitation_for(issue, request.user)
    stop = _closed_or_done(request, issue, today, invitation)
    if stop:
        return stop
    stored = selectors.draft_answers(issue, request.user)
    form = ConfirmForm(posted_data(request), submit="Submit answers")
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(actor=request.user, issue=issue, today=today)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:respond_done", issue.pk)
    sections = []
    for number, section in enumerate(issue.questionnaire.sections.all(), start=1):
        rows = []
        for question in section.questions.all():
            value = stored.get(str(question.pk))
            rows.append({"question": question, "answer": _answer_text(question, value)})
        sections.append({"number": number, "section": section, "rows": rows})
    return render(
        request,
        "evaluation/respond_check.html",
        {"issue": issue, "sections": sections, "form": form},
    )


def _answer_text(question, value) -> list[str]:
    if value in (None, "", []):
        return []
    if not question.has_options:
        return [str(value)]
    labels = {str(o.value): o.label for o in question.options.all()}
    values = value if isinstance(value, list) else [value]
    return [labels.get(str(v), "") for v in values if str(v) in labels]


@require_perm("evaluation.answer")
@require_GET
def respond_done(request, issue_pk):
    issue = _respondent_issue(request, issue_pk)
    invitation = selectors.invitation_for(issue, request.user)
    if not invitation.submitted:
        return redirect("evaluation:respond_start", issue.pk)
    return render(request, "evaluation/respond_done.html", {"issue": issue})


urlpatterns = [
    path("", index, name="index"),
    path("questionnaires/", questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", questionnaire_create, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/copy/", questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:pk>/sections/new/", section_add, name="section_add"),
    path("questionnaires/<int:pk>/issue/", issue_create, name="issue_create"),
    path(
        "questionnaires/<int:pk>/comparison/",
        questionnaire_comparison,
        name="questionnaire_comparison",
    ),
    path("sections/<int:pk>/edit/", section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", section_delete, name="section_delete"),
    path("sections/<int:pk>/move/", section_move, name="section_move"),
    path("sections/<int:pk>/questions/new/", question_add, name="question_add"),
    path("questions/<int:pk>/edit/", question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", question_move, name="question_move"),
    path("issues/<int:pk>/", issue_detail, name="issue_detail"),
    path("issues/<int:pk>/results.<str:fmt>", issue_export, name="issue_export"),
    path("my/", my_questionnaires, name="my_questionnaires"),
    path("respond/<int:issue_pk>/", respond_start, name="respond_start"),
    path("respond/<int:issue_pk>/sections/<int:number>/", respond_section, name="respond_section"),
    path("respond/<int:issue_pk>/check/", respond_check, name="respond_check"),
    path("respond/<int:issue_pk>/done/", respond_done, name="respond_done"),
]
