"""Reads for the trainee's record, the mentor's queue and sign-off pages.

Each page's reads take a fixed number of queries however many competencies, entries or
decisions there are: rows are fetched with select_related / prefetch_related and counted with
aggregates, never one query per row.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from competencies.models import (
    Assessment,
    AssessmentMethod,
    Competency,
    CompetencyProgress,
    Evidence,
    PracticeEntry,
    ProgressState,
    SignOffRequest,
    TrainingRecord,
)
from pathway.models import Allocation, RoleCode, User
from pathway.selectors import supported_trainee_ids


def active_record_for(trainee: User) -> TrainingRecord | None:
    return (
        TrainingRecord.objects.filter(trainee=trainee, is_active=True)
        .select_related("trainee", "framework", "clinical_area")
        .first()
    )


def record_by_pk(pk: int) -> TrainingRecord:
    return TrainingRecord.objects.select_related("trainee", "framework", "clinical_area").get(pk=pk)


def progress_on_record(record_pk: int, competency_pk: int) -> CompetencyProgress:
    return CompetencyProgress.objects.select_related(
        "record__trainee", "record__framework", "record__clinical_area", "competency"
    ).get(record_id=record_pk, competency_id=competency_pk)


@dataclass
class Tally:
    achieved: int = 0
    required: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.achieved / self.required) if self.required else 0


@dataclass
class DomainProgress:
    title: str
    rows: list = field(default_factory=list)
    core: Tally = field(default_factory=Tally)
    specific: Tally = field(default_factory=Tally)


@dataclass
class RecordOverview:
    record: TrainingRecord
    domains: list[DomainProgress]
    core: Tally
    specific: Tally
    next_steps: list[dict]
    open_requests: list[SignOffRequest]
    recent_decisions: list[Assessment]
    counts: dict


@dataclass(frozen=True, slots=True)
class CompetencySummary:
    code: str
    title: str
    is_core: bool
    supervised_practices_required: int
    domain_id: int


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One competency on the progress page: what the page shows, read as plain values. About
    130 rows a record, and building three model instances for each was most of the page's
    reading time."""

    competency_id: int
    competency: CompetencySummary
    state: str
    display_state: str
    practice_count: int
    achieved_on: datetime.date | None
    expires_on: datetime.date | None


def _progress_rows(record: TrainingRecord, today: datetime.date):
    """The record's rows in the framework's order, each with its domain's title."""
    values = (
        record.progress.with_display_state(today)
        .order_by("competency__domain__order", "competency__domain_id", "competency__order")
        .values_list(
            "competency_id",
            "competency__code",
            "competency__title",
            "competency__is_core",
            "competency__supervised_practices_required",
            "competency__domain_id",
            "competency__domain__title",
            "state",
            "display_state",
            "practice_count",
            "achieved_on",
            "expires_on",
        )
    )
    for (
        competency_id,
        code,
        title,
        is_core,
        required,
        domain_id,
        domain_title,
        state,
        display_state,
        practice_count,
        achieved_on,
        expires_on,
    ) in values:
        competency = CompetencySummary(code, title, is_core, required, domain_id)
        row = ProgressRow(
            competency_id,
            competency,
            state,
            display_state,
            practice_count,
            achieved_on,
            expires_on,
        )
        yield row, domain_title


def record_overview(
    record: TrainingRecord, *, today: datetime.date | None = None
) -> RecordOverview:
    """Everything the progress page shows, in three queries."""
    today = today or timezone.localdate()
    rows = []
    domains: OrderedDict[int, DomainProgress] = OrderedDict()
    core, specific = Tally(), Tally()
    counts = {state: 0 for state in ProgressState.values}
    for row, domain_title in _progress_rows(record, today):
        rows.append(row)
        competency = row.competency
        domain = domains.setdefault(competency.domain_id, DomainProgress(domain_title))
        domain.rows.append(row)
        achieved = row.display_state == ProgressState.ACHIEVED
        for tally in (
            domain.core if competency.is_core else domain.specific,
            core if competency.is_core else specific,
        ):
            tally.required += 1
            tally.achieved += achieved
        counts[row.display_state] += 1
    open_requests = list(
        record.sign_off_requests.filter(status=SignOffRequest.Status.OPEN)
        .select_related("competency", "mentor")
        .order_by("created_at")
    )
    recent = list(
        Assessment.objects.filter(record=record)
        .select_related("competency")
        .order_by("-sequence")[:10]
    )
    return RecordOverview(
        record=record,
        domains=list(domains.values()),
        core=core,
        specific=specific,
        next_steps=_next_steps(rows),
        open_requests=open_requests,
        recent_decisions=recent,
        counts=counts,
    )


def _next_steps(rows) -> list[dict]:
    """What the trainee should do next, most pressing first (at most six): each a kind and, for
    practice still to log, how much. The words depend on who reads them (competency_tags)."""
    steps = []
    for row in rows:
        competency, state = row.competency, row.display_state
        needed = max(competency.supervised_practices_required - row.practice_count, 0)
        if state == ProgressState.NOT_YET_COMPETENT:
            steps.append((0, row, "feedback", 0))
        elif state == ProgressState.REASSESSMENT_DUE:
            steps.append((1, row, "reassess", 0))
        elif state == ProgressState.IN_PROGRESS and needed == 0:
            steps.append((2, row, "ask", 0))
        elif state == ProgressState.IN_PROGRESS:
            steps.append((3, row, "practise", needed))
    if len(steps) < 6:
        for row in rows:
            if row.display_state == ProgressState.NOT_STARTED:
                steps.append((4, row, "start", 0))
                if len(steps) >= 6:
                    break
    steps.sort(key=lambda step: step[0])
    return [{"row": row, "kind": kind, "needed": needed} for _, row, kind, needed in steps[:6]]


@dataclass
class Feedback:
    """The mentor's last word when it was "not yet competent", and the practice since."""

    assessment: Assessment
    practice_since: int
    practice_needed: int


@dataclass
class CompetencyPage:
    record: TrainingRecord
    competency: Competency
    progress: CompetencyProgress
    practice: list[PracticeEntry]
    evidence: list[Evidence]
    history: list[Assessment]
    open_request: SignOffRequest | None

    @property
    def confirmed_practice(self) -> list[PracticeEntry]:
        return [entry for entry in self.practice if entry.confirmed_at is not None]

    @property
    def unconfirmed_practice(self) -> list[PracticeEntry]:
        return [entry for entry in self.practice if entry.confirmed_at is None]

    @property
    def feedback(self) -> Feedback | None:
        return last_feedback(self.history, self.practice, self.competency)


def last_feedback(history, practice, competency) -> Feedback | None:
    """The standing decision, when it is "not yet competent": shown until a newer decision
    replaces it (or it is revoked). `history` is in chain order, revocations prefetched."""
    standing = [
        a for a in history if a.outcome != Assessment.Outcome.REVOKED and not _is_revoked(a)
    ]
    if not standing or standing[-1].outcome != Assessment.Outcome.NOT_YET_COMPETENT:
        return None
    decision = standing[-1]
    since = sum(1 for entry in practice if entry.created_at > decision.created_at)
    return Feedback(decision, since, competency.supervised_practices_required)


def _is_revoked(assessment) -> bool:
    try:
        return assessment.revoked_by is not None
    except Assessment.DoesNotExist:
        return False


def competency_page(record: TrainingRecord, competency_pk: int) -> CompetencyPage:
    """One competency on one record, with its practice, evidence and decisions: five queries."""
    progress = (
        record.progress.with_display_state()
        .select_related("competency__domain")
        .get(competency_id=competency_pk)
    )
    competency = progress.competency
    practice = list(
        PracticeEntry.objects.filter(record=record, competencies=competency)
        .select_related("confirmed_by")
        .order_by("-practised_on", "-id")
    )
    evidence = list(Evidence.objects.filter(record=record, competencies=competency))
    history = list(
        Assessment.objects.filter(record=record, competency=competency)
        .select_related("revokes")
        .prefetch_related(Prefetch("revoked_by"))
        .order_by("sequence")
    )
    open_request = (
        SignOffRequest.objects.filter(
            record=record, competency=competency, status=SignOffRequest.Status.OPEN
        )
        .select_related("mentor")
        .first()
    )
    return CompetencyPage(record, competency, progress, practice, evidence, history, open_request)


def current_mentors(trainee: User) -> QuerySet[User]:
    """The trainee's mentors today: allocated as mentor, and still holding the mentor role (as
    the rules require of whoever decides a request)."""
    return User.objects.filter(
        pk__in=Allocation.objects.current()
        .filter(trainee=trainee, kind=Allocation.Kind.MENTOR)
        .values("supporter_id"),
        roles__code=RoleCode.MENTOR,
        is_active=True,
    ).order_by("full_name")


def practice_supervisors(
    record: TrainingRecord, *, on: datetime.date | None = None
) -> QuerySet[User]:
    """Who a trainee may name as the supervisor of their practice: registered staff
    (a registration body and number) working in the record's clinical area, and the mentors
    and practice educators allocated to the trainee today who still hold that role (the same
    test as pathway.selectors.counting_allocations). Never the trainee."""
    allocated = Allocation.objects.current(on).filter(trainee_id=record.trainee_id)
    supporters = allocated.filter(
        Q(kind=Allocation.Kind.MENTOR, supporter__roles__code=RoleCode.MENTOR)
        | Q(
            kind=Allocation.Kind.PRACTICE_EDUCATOR,
            supporter__roles__code=RoleCode.PRACTICE_EDUCATOR,
        )
    ).values("supporter_id")
    registered_here = (
        Q(clinical_area_id=record.clinical_area_id)
        & ~Q(registration_body="")
        & ~Q(registration_number="")
    )
    return (
        User.objects.filter(Q(pk__in=supporters) | registered_here, is_active=True)
        .exclude(pk=record.trainee_id)
        .order_by("full_name", "pk")
    )


def practice_competencies(
    record: TrainingRecord, *, today: datetime.date | None = None
) -> QuerySet[Competency]:
    """The competencies practice can be logged against: the record's, less those achieved and
    not yet due for reassessment."""
    achieved = CompetencyProgress.objects.filter(record=record).currently_achieved(today)
    return applicable_competencies_for(record).exclude(pk__in=achieved.values("competency_id"))


def practice_to_confirm(supervisor: User) -> QuerySet[PracticeEntry]:
    """Practice naming this person as its supervisor, not yet confirmed, oldest first."""
    return (
        PracticeEntry.objects.filter(supervisor=supervisor, confirmed_at__isnull=True)
        .exclude(record__trainee=supervisor)
        .select_related("record__trainee")
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("code")))
        .order_by("practised_on", "id")
    )


def practice_by_pk(pk: int) -> PracticeEntry:
    return PracticeEntry.objects.select_related("record__trainee", "supervisor").get(pk=pk)


def applicable_competencies_for(record: TrainingRecord) -> QuerySet[Competency]:
    return (
        Competency.objects.filter(progress__record=record)
        .select_related("domain")
        .order_by("domain__order", "domain_id", "order")
    )


def mentor_queue(mentor: User) -> QuerySet[SignOffRequest]:
    """Open requests sent to this mentor, oldest first."""
    return (
        SignOffRequest.objects.filter(mentor=mentor, status=SignOffRequest.Status.OPEN)
        .select_related("record__trainee", "competency")
        .order_by("created_at", "id")
    )


def supported_records(supporter: User, *, today: datetime.date | None = None):
    """Active records of the trainees this person supports today, with progress counts."""
    today = today or timezone.localdate()
    # The rules' own definition of supporting a trainee, so every record listed here opens.
    trainee_ids = supported_trainee_ids(supporter, on=today)
    achieved = Q(progress__state=ProgressState.ACHIEVED) & (
        Q(progress__expires_on__isnull=True) | Q(progress__expires_on__gt=today)
    )
    return (
        TrainingRecord.objects.filter(trainee_id__in=trainee_ids, is_active=True)
        .select_related("trainee", "clinical_area", "framework")
        .annotate(
            total=Count("progress"),
            achieved=Count("progress", filter=achieved),
            awaiting=Count("progress", filter=Q(progress__state=ProgressState.AWAITING_SIGN_OFF)),
            not_yet_competent=Count(
                "progress", filter=Q(progress__state=ProgressState.NOT_YET_COMPETENT)
            ),
        )
        .order_by("trainee__full_name")
    )


def sign_off_context(sign_off_request: SignOffRequest) -> dict:
    """What the mentor sees when deciding: the practice logged for the competency, the evidence,
    earlier decisions, and the evidence its assessment methods need that is not there."""
    record = sign_off_request.record
    competency = sign_off_request.competency
    evidence = list(Evidence.objects.filter(record=record, competencies=competency))
    return {
        "practice": list(
            PracticeEntry.objects.filter(record=record, competencies=competency).order_by(
                "-practised_on", "-id"
            )
        ),
        "evidence": evidence,
        "missing_evidence": _gaps(competency, {item.kind for item in evidence}),
        "history": list(
            Assessment.objects.filter(record=record, competency=competency)
            .select_related("revokes")
            .order_by("sequence")
        ),
    }


def after_sign_off(sign_off_request: SignOffRequest, *, mentor: User) -> dict:
    """The decision just signed, and what is next in the mentor's queue (oldest first)."""
    queue = mentor_queue(mentor)
    return {
        "assessment": Assessment.objects.get(request=sign_off_request),
        "next_request": queue.first(),
        "waiting": queue.count(),
    }


@dataclass(frozen=True)
class EvidenceGap:
    """Evidence a competency's assessment methods rest on that the record does not hold yet.
    `required` when every method the framework allows for the competency needs evidence (the
    mentor has no way to assess it without): asking for sign-off is refused. Otherwise the
    trainee may still ask, warned."""

    kind: str
    name: str  # "reflective account"
    methods: str  # "direct observation or reflective account"
    required: bool
    message: str  # to the trainee, saying exactly what is missing


# The assessment methods that rest on a piece of evidence the trainee adds to their record.
EVIDENCE_FOR_METHOD = {
    AssessmentMethod.REFLECTIVE_ACCOUNT: Evidence.Kind.REFLECTIVE_ACCOUNT,
    AssessmentMethod.WITNESS_TESTIMONY: Evidence.Kind.WITNESS_STATEMENT,
}


def evidence_gaps(record: TrainingRecord, competency: Competency) -> list[EvidenceGap]:
    """What evidence the competency's assessment methods need and the record lacks: one query
    when it is assessed by reflective account or witness testimony, none otherwise."""
    if not any(m in EVIDENCE_FOR_METHOD for m in competency.assessment_methods or []):
        return []
    held = set(
        Evidence.objects.filter(record=record, competencies=competency).values_list(
            "kind", flat=True
        )
    )
    return _gaps(competency, held)


def _gaps(competency: Competency, held: set[str]) -> list[EvidenceGap]:
    methods = [m for m in competency.assessment_methods or [] if m]
    needed = sorted({EVIDENCE_FOR_METHOD[m] for m in methods if m in EVIDENCE_FOR_METHOD})
    only_by_evidence = bool(methods) and all(m in EVIDENCE_FOR_METHOD for m in methods)
    labels = dict(Evidence.Kind.choices)
    how = _method_names(methods)
    gaps = []
    for kind in needed:
        if kind in held:
            continue
        name = labels[kind].lower()
        if only_by_evidence:
            message = (
                f"Add a {name} to {competency.code} before asking for sign-off: "
                f"it is assessed only by {how}"
            )
        else:
            message = (
                f"You have not added a {name} to {competency.code} yet. Your mentor may "
                f"assess it by {how}: add one first if they will need it"
            )
        gaps.append(EvidenceGap(kind, name, how, only_by_evidence, message))
    return gaps


def _method_names(methods) -> str:
    labels = dict(AssessmentMethod.choices)
    names = [labels.get(m, m).lower() for m in methods]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def evidence_by_uuid(uuid) -> Evidence:
    return Evidence.objects.select_related("record__trainee").get(uuid=uuid)


def request_by_pk(pk: int) -> SignOffRequest:
    return SignOffRequest.objects.select_related(
        "record__trainee", "record__framework", "competency__domain", "mentor"
    ).get(pk=pk)


def assessment_by_pk(pk: int) -> Assessment:
    return Assessment.objects.select_related("record__trainee", "competency", "assessor").get(pk=pk)


def progress_needing_action(record: TrainingRecord, today: datetime.date, *, warn_days: int):
    """The trainee's competencies that need them now: not yet competent (the mentor's feedback
    to act on), reassessment due, or expiring within `warn_days`; for "Things to do"."""
    soon = today + datetime.timedelta(days=warn_days)
    return (
        CompetencyProgress.objects.filter(record=record)
        .filter(
            Q(state=ProgressState.NOT_YET_COMPETENT)
            | Q(state=ProgressState.ACHIEVED, expires_on__isnull=False, expires_on__lte=soon)
        )
        .select_related("competency")
        .order_by("expires_on", "competency__code")
    )
