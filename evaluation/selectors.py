"""Reads for questionnaires: lists, the builder, respondents, and results.

Results are computed from a constant number of queries whatever the number of responses: the
answers are counted per (question, option) in the database, and free texts read in one query.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from cohorts.models import Cohort, Enrolment, EnrolmentStatus
from evaluation.models import (
    Answer,
    Audience,
    Draft,
    Invitation,
    Issue,
    Question,
    QuestionKind,
    Questionnaire,
    Section,
)
from pathway.models import Allocation, User


def anonymous_minimum() -> int:
    """Results of an anonymous issue are shown only when at least this many people answered, and
    only once it has closed; a question of it that fewer people answered has its counts held
    back too (settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM, never under 3; ADR 0014)."""
    return max(3, settings.PATHWAY_ANONYMOUS_RESULTS_MINIMUM)


# Enrolments whose trainees are asked: everyone on the cohort or who finished it; not people
# who withdrew or moved to a later cohort.
ASKED_STATUSES = (
    EnrolmentStatus.ACTIVE,
    EnrolmentStatus.ON_BREAK,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.QUALIFIED,
)


# Builder -----------------------------------------------------------------------------------------


def questionnaire_list() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.annotate(
        section_count=Count("sections", distinct=True),
        question_count=Count("sections__questions", distinct=True),
        issue_count=Count("issues", distinct=True),
    ).order_by("title", "-created_at")


def _structure() -> Prefetch:
    return Prefetch(
        "sections",
        queryset=Section.objects.order_by("order", "id").prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "id").prefetch_related("options"),
            )
        ),
    )


def questionnaire_detail(pk) -> Questionnaire:
    return (
        Questionnaire.objects.select_related("copied_from", "created_by")
        .prefetch_related(
            _structure(),
            Prefetch(
                "issues", queryset=Issue.objects.select_related("cohort").order_by("-opens_on")
            ),
        )
        .get(pk=pk)
    )


def is_locked(questionnaire: Questionnaire) -> bool:
    """Issued at least once: its questions are fixed (copy it to change them)."""
    return Issue.objects.filter(questionnaire=questionnaire).exists()


def section_by_pk(pk) -> Section:
    return Section.objects.select_related("questionnaire").get(pk=pk)


def question_by_pk(pk) -> Question:
    return (
        Question.objects.select_related("section__questionnaire")
        .prefetch_related("options")
        .get(pk=pk)
    )


def cohorts_to_issue_to() -> QuerySet[Cohort]:
    return Cohort.objects.select_related("programme").order_by("-intake_date", "name")


# Respondents -------------------------------------------------------------------------------------


def respondents_for(cohort: Cohort, audience: str, on: datetime.date) -> list[tuple[User, str]]:
    """Who an issue goes to: the cohort's trainees and/or their mentors allocated on that day,
    each person once (as a trainee if they are both)."""
    trainee_ids = Enrolment.objects.filter(cohort=cohort, status__in=ASKED_STATUSES).values(
        "trainee"
    )
    people: dict[int, tuple[User, str]] = {}
    if audience in (Audience.TRAINEES, Audience.BOTH):
        for person in User.objects.filter(pk__in=trainee_ids, is_active=True):
            people[person.pk] = (person, Invitation.As.TRAINEE)
    if audience in (Audience.MENTORS, Audience.BOTH):
        mentors = Allocation.objects.current(on).filter(
            trainee__in=trainee_ids, kind=Allocation.Kind.MENTOR
        )
        for person in User.objects.filter(pk__in=mentors.values("supporter"), is_active=True):
            people.setdefault(person.pk, (person, Invitation.As.MENTOR))
    return sorted(people.values(), key=lambda item: (item[0].full_name, item[0].pk))


# Answering ---------------------------------------------------------------------------------------


@dataclass
class MyIssue:
    issue: Issue
    submitted: bool
    has_draft: bool
    state: str  # upcoming, open, closed


def my_issues(person: User, today: datetime.date) -> list[MyIssue]:
    invitations = (
        Invitation.objects.filter(person=person)
        .select_related("issue__questionnaire", "issue__cohort")
        .order_by("issue__closes_on", "issue__pk")
    )
    drafts = set(Draft.objects.filter(person=person).values_list("issue_id", flat=True))
    return [
        MyIssue(
            issue=inv.issue,
            submitted=inv.submitted,
            has_draft=inv.issue_id in drafts,
            state=inv.issue.state(today),
        )
        for inv in invitations
    ]


def issue_for_respondent(pk) -> Issue:
    return (
        Issue.objects.select_related("questionnaire", "cohort")
        .prefetch_related(Prefetch("questionnaire__sections", queryset=_structure().queryset))
        .get(pk=pk)
    )


def invitation_for(issue: Issue, person: User) -> Invitation | None:
    return Invitation.objects.filter(issue=issue, person=person).first()


def draft_answers(issue: Issue, person: User) -> dict:
    draft = Draft.objects.filter(issue=issue, person=person).first()
    return dict(draft.answers) if draft else {}


# Results -----------------------------------------------------------------------------------------


@dataclass
class OptionCount:
    label: str
    value: int
    count: int
    share: float | None  # of the people who answered the question


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    # An anonymous issue's choice question answered by fewer than the minimum: no counts, no
    # mean, and the number who answered only as "fewer than" (a small group gives people away).
    suppressed: bool = False

    @property
    def kind(self) -> str:
        return self.question.kind


@dataclass
class SectionResult:
    section: Section
    questions: list[QuestionResult]


@dataclass
class IssueResults:
    issue: Issue
    invited: int
    responded: int
    visible: bool
    hidden_reason: str
    sections: list[SectionResult]
    not_responded: list[str]  # names, for named issues only

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None


def issue_detail(pk) -> Issue:
    return Issue.objects.select_related("questionnaire", "cohort__programme", "created_by").get(
        pk=pk
    )


def results_hidden_reason(issue: Issue, responded: int, today: datetime.date) -> str:
    if not issue.anonymous:
        return ""
    if not issue.has_closed(today):
        return (
            "This questionnaire is anonymous: its results are shown once it closes on "
            f"{issue.closes_on:%-d %B %Y}, so that nobody can tell one person's answers from "
            "the change in the results after they submit."
        )
    minimum = anonymous_minimum()
    if responded < minimum:
        return (
            f"This questionnaire is anonymous and {responded} "
            f"{'person' if responded == 1 else 'people'} answered: results are shown only when "
            f"at least {minimum} people answered, so that no answer can be traced to a person."
        )
    return ""


def _likert_stats(options: list[OptionCount]) -> tuple[float | None, float | None]:
    values = [o.value for o in options for _ in range(o.count)]
    if not values:
        return None, None
    return statistics.fmean(values), float(statistics.median(values))


def issue_results(issue: Issue, today: datetime.date) -> IssueResults:
    counts = Invitation.objects.filter(issue=issue).aggregate(
        invited=Count("pk"), responded=Count("pk", filter=Q(submitted=True))
    )
    invited, responded = counts["invited"], counts["responded"]
    reason = results_hidden_reason(issue, responded, today)
    not_responded = []
    if not issue.anonymous:
        not_responded = list(
            Invitation.objects.filter(issue=issue, submitted=False)
            .order_by("person__full_name")
            .values_list("person__full_name", flat=True)
        )
    sections = []
    if not reason:
        sections = _section_results(issue)
    return IssueResults(issue, invited, responded, not reason, reason, sections, not_responded)


def _section_results(issue: Issue) -> list[SectionResult]:
    questionnaire = Questionnaire.objects.prefetch_related(_structure()).get(
        pk=issue.questionnaire_id
    )
    answers = Answer.objects.filter(response__issue=issue)
    option_counts = {
        (row["question_id"], row["option_id"]): row["n"]
        for row in answers.filter(option__isnull=False)
        .values("question_id", "option_id")
        .annotate(n=Count("pk"))
    }
    answered = {
        row["question_id"]: row["n"]
        for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True))
    }
    texts: dict[int, list[str]] = {}
    # Sorted by the text itself: never in the order people submitted.
    for question_id, text in (
        answers.filter(option__isnull=True).order_by("text").values_list("question_id", "text")
    ):
        texts.setdefault(question_id, []).append(text)
    minimum = anonymous_minimum() if issue.anonymous else 0
    return [
        SectionResult(
            section,
            [
                _question_result(
                    question, answered.get(question.pk, 0), option_counts, texts, minimum
                )
                for question in section.questions.all()
            ],
        )
        for section in questionnaire.sections.all()
    ]


def _question_result(question, n: int, option_counts, texts, minimum: int) -> QuestionResult:
    if not question.has_options:
        return QuestionResult(question=question, answered=n, texts=texts.get(question.pk, []))
    if n < minimum:
        # Counts over a handful of people are their answers: held back, and the number who
        # answered with them (an anonymous issue's question that few answered).
        return QuestionResult(question=question, answered=0, suppressed=True)
    item = QuestionResult(question=question, answered=n)
    for option in question.options.all():
        count = option_counts.get((question.pk, option.pk), 0)
        item.options.append(
            OptionCount(option.label, option.value, count, count / n if n else None)
        )
    if question.kind == QuestionKind.LIKERT:
        item.mean, item.median = _likert_stats(item.options)
    return item


# Comparison across cohorts -----------------------------------------------------------------------


@dataclass
class ComparedIssue:
    issue: Issue
    results: IssueResults


@dataclass
class ComparedQuestion:
    key: str
    text: str
    kind: str
    labels: list[str]
    # One row per shown issue: (issue, answered, mean, median, shares by label)
    rows: list[dict]


@dataclass
class Comparison:
    questionnaire: Questionnaire
    issues: list[ComparedIssue]
    hidden: list[ComparedIssue]
    questions: list[ComparedQuestion]


def comparison(questionnaire: Questionnaire, today: datetime.date) -> Comparison:
    """The issues of this questionnaire and of its copies (its family), side by side, question
    by question (a question is the same across copies when it keeps its key)."""
    issues = (
        Issue.objects.filter(questionnaire__family=questionnaire.family)
        .select_related("questionnaire", "cohort")
        .order_by("cohort__intake_date", "opens_on", "pk")
    )
    shown, hidden = [], []
    for issue in issues:
        results = issue_results(issue, today)
        (shown if results.visible else hidden).append(ComparedIssue(issue, results))
    questions: dict[str, ComparedQuestion] = {}
    for compared in shown:
        for section in compared.results.sections:
            for item in section.questions:
                if item.kind == QuestionKind.TEXT or item.suppressed:
                    continue
                key = str(item.question.key)
                entry = questions.get(key)
                if entry is None:
                    entry = questions[key] = ComparedQuestion(
                        key, item.question.text, item.kind, [o.label for o in item.options], []
                    )
                shares = {o.label: o.share for o in item.options}
                entry.rows.append(
                    {
                        "issue": compared.issue,
                        "answered": item.answered,
                        "mean": item.mean,
                        "median": item.median,
                        "shares": [shares.get(label) for label in entry.labels],
                    }
                )
    return Comparison(questionnaire, shown, hidden, list(questions.values()))
