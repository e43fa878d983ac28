"""Each record's progress summary (ADR 0026): kept equal to a recount by every service that
changes progress, exact on any day although achievements expire, and rebuilt by a command."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from competencies import services
from competencies.models import (
    Assessment,
    CompetencyProgress,
    ProgressState,
    RecordSummary,
    SignOffRequest,
    TrainingRecord,
)
from competencies.summaries import (
    achieved_today,
    record_summaries_rebuild,
    record_summary_refresh,
    required,
    waiting_since,
)
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _recount(record) -> dict:
    """The summary's columns counted afresh from the progress rows."""
    numbers = {
        f"{kind}_{name}": value
        for kind in ("core", "specific")
        for name, value in (("required", 0), ("achieved", 0), ("next_expiry", None))
    }
    achieved = Q(state=ProgressState.ACHIEVED)
    for is_core, n, achieved_n, next_expiry in (
        CompetencyProgress.objects.filter(record=record)
        .order_by()
        .values_list("competency__is_core")
        .annotate(
            n=Count("pk"),
            achieved=Count("pk", filter=achieved),
            next_expiry=Min("expires_on", filter=achieved),
        )
    ):
        kind = "core" if is_core else "specific"
        numbers.update(
            {
                f"{kind}_required": n,
                f"{kind}_achieved": achieved_n,
                f"{kind}_next_expiry": next_expiry,
            }
        )
    waiting = SignOffRequest.objects.filter(record=record, status=SignOffRequest.Status.OPEN)
    numbers["open_requests"] = waiting.count()
    numbers["oldest_open_request_at"] = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    numbers["newest_open_request_at"] = waiting.aggregate(newest=Max("created_at"))["newest"]
    return numbers


def _stored(record) -> dict:
    summary = RecordSummary.objects.get(record=record)
    return {name: getattr(summary, name) for name in _recount(record)}


def _achieved_on(record, day) -> tuple[int, int]:
    """What the summary says is achieved on `day` (core, specific), as the overview reads it."""
    row = (
        TrainingRecord.objects.filter(pk=record.pk)
        .annotate(
            core=achieved_today("core", today=day, path="summary", record="pk"),
            specific=achieved_today("specific", today=day, path="summary", record="pk"),
        )
        .values_list("core", "specific")
        .get()
    )
    return tuple(row)


def _truly_achieved_on(record, day) -> tuple[int, int]:
    rows = CompetencyProgress.objects.filter(record=record).currently_achieved(day)
    return (
        rows.filter(competency__is_core=True).count(),
        rows.filter(competency__is_core=False).count(),
    )


def _waiting_before_on_summary(record, before) -> int:
    return (
        TrainingRecord.objects.filter(pk=record.pk)
        .annotate(n=waiting_since(before, path="summary", record="pk"))
        .values_list("n", flat=True)
        .get()
    )


def _assert_exact(record):
    assert _stored(record) == _recount(record)
    for day in (TODAY() - _days(800), TODAY() - _days(1), TODAY(), TODAY() + _days(400)):
        assert _achieved_on(record, day) == _truly_achieved_on(record, day)
    waiting = SignOffRequest.objects.filter(record=record, status=SignOffRequest.Status.OPEN)
    for before in (timezone.now() - _days(days) for days in (40, 25, 15, 5, -1)):
        expected = waiting.filter(created_at__lt=before).count()
        assert _waiting_before_on_summary(record, before) == expected


def _decide(request, mentor, outcome="achieved", day=None):
    return services.sign_off_request_decide(
        actor=mentor,
        sign_off_request=request,
        signature=factories.signature(),
        outcome=outcome,
        method=request.competency.assessment_methods[0],
        assessed_on=day or TODAY(),
        feedback="" if outcome == "achieved" else "Practise the handover once more",
    )


def _ask(record, competency, mentor):
    return services.sign_off_request_create(
        actor=record.trainee, record=record, competency=competency, mentor=mentor
    )


def test_record_create_makes_its_summary(lead_nurse):
    framework = factories.FrameworkFactory()
    domain = factories.DomainFactory(framework=framework)
    area = factories.ClinicalAreaFactory()
    factories.CompetencyFactory(domain=domain, is_core=True)
    factories.CompetencyFactory(domain=domain, is_core=True)
    factories.CompetencyFactory(domain=domain, is_core=False, clinical_areas=[area])
    framework = services.framework_publish(actor=lead_nurse, framework=framework)
    record = services.record_create(
        actor=lead_nurse,
        trainee=factories.TraineeFactory(),
        framework=framework,
        clinical_area=area,
        start_date=TODAY(),
    )
    summary = RecordSummary.objects.get(record=record)
    assert (summary.core_required, summary.specific_required) == (2, 1)
    assert (summary.core_achieved, summary.specific_achieved) == (0, 0)
    _assert_exact(record)


def test_every_kind_of_change_keeps_the_summary_equal_to_a_recount(lead_nurse):
    start = TODAY() - _days(900)
    record, mentor, items = factories.enrolled_trainee(competencies=5, start_date=start)
    yearly, nyc, withdrawn, copied, revoked = items
    yearly.reassessment_months = 12
    yearly.save()
    revoked.is_core = False  # a specific competency: counted on its own side
    revoked.save()

    # Achieved long ago with a yearly reassessment: stored as achieved, expired today.
    _decide(_ask(record, yearly, mentor), mentor, day=start + _days(10))
    _assert_exact(record)
    assert _achieved_on(record, TODAY())[0] == 0
    assert _achieved_on(record, start + _days(20))[0] == 1

    # Not yet competent.
    _decide(_ask(record, nyc, mentor), mentor, outcome="not_yet_competent")
    _assert_exact(record)

    # Asked for, then withdrawn.
    request = _ask(record, withdrawn, mentor)
    _assert_exact(record)
    services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=request)
    _assert_exact(record)

    # Copied from a paper booklet by the lead nurse.
    services.sign_off_transcribe(
        actor=lead_nurse,
        record=record,
        competency=copied,
        signature=factories.signature(),
        assessed_on=TODAY() - _days(3),
        signed_by="Alex Morgan",
    )
    _assert_exact(record)

    # Achieved, then revoked.
    achieved = _decide(_ask(record, revoked, mentor), mentor)
    assert _stored(record)["specific_achieved"] == 1
    _assert_exact(record)
    services.assessment_revoke(
        actor=lead_nurse,
        assessment=achieved,
        reason="Wrong trainee",
        signature=factories.signature(),
    )
    _assert_exact(record)
    assert _stored(record)["specific_achieved"] == 0

    # The expired one asked for again: no longer stored as achieved while it waits...
    again = _ask(record, yearly, mentor)
    _assert_exact(record)
    assert _stored(record)["core_achieved"] == 1  # the copied one only
    # ...withdrawn, it is stored as achieved (and expired) again...
    services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=again)
    _assert_exact(record)
    assert _stored(record)["core_achieved"] == 2
    again = _ask(record, yearly, mentor)
    _assert_exact(record)
    # ...and achieved again today, expiring in a year.
    _decide(again, mentor)
    _assert_exact(record)
    assert _achieved_on(record, TODAY()) == (2, 0)  # the yearly one and the copied one
    assert Assessment.objects.filter(record=record).count() == 6


def test_expiry_is_exact_on_the_day_it_falls(lead_nurse):
    start = TODAY() - _days(500)
    record, mentor, (competency, *_) = factories.enrolled_trainee(start_date=start)
    competency.reassessment_months = 12
    competency.save()
    assessed = start + _days(30)
    _decide(_ask(record, competency, mentor), mentor, day=assessed)
    expires = CompetencyProgress.objects.get(record=record, competency=competency).expires_on
    assert RecordSummary.objects.get(record=record).core_next_expiry == expires
    assert _achieved_on(record, expires - _days(1))[0] == 1
    assert _achieved_on(record, expires)[0] == 0  # expired on its expiry date, as the record says
    for day in (expires - _days(1), expires, expires + _days(1)):
        assert _achieved_on(record, day) == _truly_achieved_on(record, day)


def test_a_record_without_a_summary_reads_as_nothing_and_gets_one_on_its_first_change():
    record, mentor, (competency, *_) = factories.enrolled_trainee()
    assert not RecordSummary.objects.filter(record=record).exists()  # made behind the services
    assert _achieved_on(record, TODAY()) == (0, 0)
    row = (
        TrainingRecord.objects.filter(pk=record.pk)
        .annotate(n=required("core", path="summary"))
        .values_list("n", flat=True)
        .get()
    )
    assert row == 0
    _decide(_ask(record, competency, mentor), mentor)
    _assert_exact(record)


def test_the_command_and_the_rebuild_recount_every_record():
    first, mentor, (competency, *_) = factories.enrolled_trainee()
    second, *_ = factories.enrolled_trainee(competencies=2)
    _decide(_ask(first, competency, mentor), mentor)
    RecordSummary.objects.filter(record=first).update(core_achieved=99, core_required=0)
    CompetencyProgress.objects.filter(record=second).update(state=ProgressState.ACHIEVED)
    call_command("rebuild_record_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _stored(first) == _recount(first)
    assert _stored(second) == _recount(second)
    assert _stored(second)["core_achieved"] == 2
    CompetencyProgress.objects.filter(record=second).update(state=ProgressState.NOT_STARTED)
    assert record_summaries_rebuild([second.pk]) == 1
    assert _stored(second)["core_achieved"] == 0
    assert _stored(first) == _recount(first)


def test_the_summary_counts_requests_waiting_longer_than_a_time_exactly(lead_nurse):
    """The overview counts requests waiting more than 14 days from the summaries: none when the
    oldest waiting is newer, a recount of the record's requests otherwise."""
    record, mentor, (first, second, third) = factories.enrolled_trainee(competencies=3)
    requests = [_ask(record, competency, mentor) for competency in (first, second, third)]
    for request, days in zip(requests, (30, 20, 2), strict=True):
        SignOffRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - _days(days))
    record_summary_refresh(record.pk)
    _assert_exact(record)
    assert _waiting_before_on_summary(record, timezone.now() - _days(14)) == 2
    assert _waiting_before_on_summary(record, timezone.now() - _days(25)) == 1
    assert _waiting_before_on_summary(record, timezone.now() - _days(40)) == 0
    services.sign_off_request_withdraw(actor=record.trainee, sign_off_request=requests[0])
    _assert_exact(record)
    assert _stored(record)["open_requests"] == 2
    assert _waiting_before_on_summary(record, timezone.now() - _days(14)) == 1
    RecordSummary.objects.filter(record=record).delete()
    record_summaries_rebuild([record.pk])
    _assert_exact(record)
