"""Funding and costs: the figures on known numbers, money in Decimal and pounds, the pages,
and who may see them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cohorts.models import Enrolment, EnrolmentStatus
from cohorts.services.cohorts import enrolment_change_status
from funding import selectors, services
from funding.models import CostLine, FundingSource
from funding.templatetags.funding_tags import format_money
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _qualify(enrolment):
    enrolment_change_status(actor=None, enrolment=enrolment, status=EnrolmentStatus.COMPLETED)
    enrolment_change_status(actor=None, enrolment=enrolment, status=EnrolmentStatus.QUALIFIED)


@pytest.fixture
def cohort():
    """Five enrolled: three qualified, one withdrew, one moved to a later cohort (not
    counted here). Funding £23,000; costs £26,000."""
    cohort = factories.CohortFactory(name="Cohort A")
    enrolments = [factories.enrol(cohort) for _ in range(5)]
    for enrolment in enrolments[:3]:
        _qualify(enrolment)
    enrolment_change_status(
        actor=None,
        enrolment=enrolments[3],
        status=EnrolmentStatus.WITHDRAWN,
        reason="Left the trust",
    )
    Enrolment.objects.filter(pk=enrolments[4].pk).update(status=EnrolmentStatus.DEFERRED)
    services.source_save(
        actor=None, cohort=cohort, name="Education commissioner grant", amount=D("20000")
    )
    services.source_save(actor=None, cohort=cohort, name="Trust contribution", amount=D("3000"))
    for category, description, quantity, unit_cost in [
        ("university_fees", "Module fees", "4", "4500.00"),
        ("backfill", "Backfill for 12 training days", "360", "13.50"),
        ("educator_time", "Practice educator time", "100", "30.00"),
        ("other", "Books", "1", "140.00"),
    ]:
        services.cost_save(
            actor=None,
            cohort=cohort,
            category=category,
            description=description,
            quantity=D(quantity),
            unit_cost=D(unit_cost),
        )
    return cohort


def test_costs_per_trainee_and_per_qualified_assistant_practitioner(cohort):
    finance = selectors.cohort_finance(cohort.pk)
    assert finance.funding == D("23000.00")
    assert finance.costs == D("26000.00")
    assert finance.net == D("-3000.00")
    assert finance.trainees == 4  # the one who moved on counts in the later cohort
    assert finance.qualified == 3
    assert finance.cost_per_trainee == D("6500.00")
    assert finance.cost_per_qualified == D("8666.67")  # 26,000 / 3, to the penny
    assert dict(finance.category_rows) == {
        "University fees": D("18000.00"),
        "Backfill for training days": D("4860.00"),
        "Educator time": D("3000.00"),
        "Other": D("140.00"),
    }


def test_nobody_qualified_yet_is_not_yet_not_a_division_by_zero():
    cohort = factories.CohortFactory()
    factories.enrol(cohort)
    factories.CostLineFactory(cohort=cohort, quantity=D("1"), unit_cost=D("9000"))
    finance = selectors.cohort_finance(cohort.pk)
    assert finance.qualified == 0
    assert finance.cost_per_qualified is None
    assert finance.cost_per_trainee == D("9000.00")
    lead = factories.LeadNurseFactory()
    html = _client(lead).get(reverse("funding:cohort_detail", args=[cohort.pk])).content.decode()
    assert "not yet (0 qualified)" in html
    overview = _client(lead).get(reverse("funding:index")).content.decode()
    assert "not yet" in overview


def test_a_cohort_with_nothing_recorded():
    cohort = factories.CohortFactory()
    finance = selectors.cohort_finance(cohort.pk)
    assert (finance.funding, finance.costs, finance.net) == (D("0"), D("0"), D("0"))
    assert finance.cost_per_trainee is None


def test_money_is_exact_decimal():
    cohort = factories.CohortFactory()
    for _ in range(3):
        services.cost_save(
            actor=None,
            cohort=cohort,
            category="other",
            description="Ten pence",
            quantity=D("1"),
            unit_cost=D("0.10"),
        )
    assert selectors.cohort_finance(cohort.pk).costs == D("0.30")


@pytest.mark.parametrize(
    "value, shown",
    [
        (D("0"), "£0.00"),
        (D("1234.5"), "£1,234.50"),
        (D("-3000"), "−£3,000.00"),
        (D("8666.666"), "£8,666.67"),
        (D("1000000"), "£1,000,000.00"),
    ],
)
def test_pounds_formatting(value, shown):
    assert format_money(value) == shown


def test_the_pages_show_the_figures_and_net_position(cohort):
    lead = factories.LeadNurseFactory()
    html = _client(lead).get(reverse("funding:cohort_detail", args=[cohort.pk])).content.decode()
    assert "£26,000.00" in html and "£23,000.00" in html
    assert "Shortfall −£3,000.00" not in html and "Shortfall £3,000.00" in html
    assert "£8,666.67" in html and "£6,500.00" in html
    assert "£4,860.00" in html  # backfill: 360 hours at £13.50
    overview = _client(lead).get(reverse("funding:index")).content.decode()
    assert "Cohort A" in overview and "£8,666.67" in overview


def test_adding_a_source_accepts_pounds_as_people_type_them():
    cohort = factories.CohortFactory()
    lead = factories.LeadNurseFactory()
    response = _client(lead).post(
        reverse("funding:source_add", args=[cohort.pk]),
        {"name": "Education commissioner grant", "amount": "£45,000.50"},
    )
    assert response.status_code == 302
    assert FundingSource.objects.get(cohort=cohort).amount == D("45000.50")


@pytest.mark.parametrize("amount", ["-5", "12.345", "lots", "1e400", "NaN", "99999999999999"])
def test_bad_amounts_are_refused_with_the_error_summary(amount):
    cohort = factories.CohortFactory()
    lead = factories.LeadNurseFactory()
    response = _client(lead).post(
        reverse("funding:source_add", args=[cohort.pk]), {"name": "Grant", "amount": amount}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not FundingSource.objects.exists()


def test_adding_a_cost_shows_the_backfill_hours_and_saves():
    cohort = factories.CohortFactory()
    factories.enrol(cohort)
    factories.enrol(cohort)
    lead = factories.LeadNurseFactory()
    client = _client(lead)
    url = reverse("funding:cost_add", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert "0 training days and 2 trainees" in page
    response = client.post(
        url,
        {
            "category": "backfill",
            "description": "Backfill",
            "quantity": "150",
            "unit": "hours",
            "unit_cost": "13.50",
        },
    )
    assert response.status_code == 302
    cost = CostLine.objects.get(cohort=cohort)
    assert cost.total == D("2025.00")


def test_editing_and_removing(cohort):
    lead = factories.LeadNurseFactory()
    client = _client(lead)
    source = FundingSource.objects.get(cohort=cohort, name="Trust contribution")
    url = reverse("funding:source_edit", args=[source.pk])
    version = re.search(r'name="version" value="([^"]+)"', client.get(url).content.decode())[1]
    response = client.post(
        url, {"name": "Trust contribution", "amount": "5000", "version": version}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.amount == D("5000.00")
    cost = CostLine.objects.get(cohort=cohort, category="other")
    assert client.post(reverse("funding:cost_delete", args=[cost.pk])).status_code == 302
    assert not CostLine.objects.filter(pk=cost.pk).exists()
    assert selectors.cohort_finance(cohort.pk).costs == D("25860.00")


def test_services_refuse_anyone_but_the_lead_nurse():
    cohort = factories.CohortFactory()
    for person in (factories.ManagerFactory(), factories.AdministratorFactory()):
        with pytest.raises(PermissionDenied):
            services.source_save(actor=person, cohort=cohort, name="Grant", amount=D("1"))
        with pytest.raises(PermissionDenied):
            services.cost_save(
                actor=person,
                cohort=cohort,
                category="other",
                description="x",
                quantity=D("1"),
                unit_cost=D("1"),
            )


def test_services_refuse_negative_money():
    cohort = factories.CohortFactory()
    with pytest.raises(ValidationError):
        services.source_save(actor=None, cohort=cohort, name="Grant", amount=D("-1"))
    with pytest.raises(ValidationError):
        services.cost_save(
            actor=None,
            cohort=cohort,
            category="nonsense",
            description="x",
            quantity=D("1"),
            unit_cost=D("1"),
        )


def test_the_overview_takes_the_same_queries_for_any_number_of_cohorts(
    django_assert_num_queries,
):
    def build():
        cohort = factories.CohortFactory()
        factories.enrol(cohort)
        factories.FundingSourceFactory(cohort=cohort)
        factories.CostLineFactory(cohort=cohort)

    build()
    with django_assert_num_queries(3):
        selectors.finances()
    build()
    build()
    with django_assert_num_queries(3):
        assert len(selectors.finances()) == 3


ROLES = {
    "trainee": factories.TraineeFactory,
    "mentor": factories.MentorFactory,
    "tutor": factories.TutorFactory,
    "practice_educator": factories.PracticeEducatorFactory,
    "manager": factories.ManagerFactory,
    "administrator": factories.AdministratorFactory,
    "band 3 staff": factories.Band3StaffFactory,
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_but_the_lead_nurse_is_refused(role, cohort):
    client = _client(ROLES[role]())
    source = FundingSource.objects.filter(cohort=cohort).first()
    cost = CostLine.objects.filter(cohort=cohort).first()
    pages = [
        ("funding:index", []),
        ("funding:cohort_detail", [cohort.pk]),
        ("funding:source_add", [cohort.pk]),
        ("funding:source_edit", [source.pk]),
        ("funding:source_delete", [source.pk]),
        ("funding:cost_add", [cohort.pk]),
        ("funding:cost_edit", [cost.pk]),
        ("funding:cost_delete", [cost.pk]),
    ]
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name, args in pages[2:]:
        posted = {"name": "Sneaky", "amount": "1", "description": "Sneaky", "category": "other"}
        assert client.post(reverse(name, args=args), posted).status_code == 403, name
    # Refused before anything is looked up: a missing one is refused the same way.
    assert client.get(reverse("funding:source_edit", args=[source.pk + 1000])).status_code == 403
    assert not FundingSource.objects.filter(name="Sneaky").exists()
    assert not CostLine.objects.filter(description="Sneaky").exists()
    assert FundingSource.objects.filter(pk=source.pk).exists()
    assert CostLine.objects.filter(pk=cost.pk).exists()


def test_the_lead_nurse_gets_404_for_what_is_not_there(cohort):
    client = _client(factories.LeadNurseFactory())
    for name in (
        "funding:source_edit",
        "funding:cost_edit",
        "funding:source_add",
        "funding:cost_add",
    ):
        assert client.get(reverse(name, args=[10**6])).status_code == 404, name
        assert client.get(reverse(name, args=[2**70])).status_code == 404, name


def test_anonymous_people_are_sent_to_sign_in(cohort):
    response = Client().get(reverse("funding:index"))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("page", ["funding:index", "funding:cohort_detail"])
def test_pages_take_the_same_queries_for_more_rows(page, cohort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(factories.LeadNurseFactory())
    url = reverse(page, args=[cohort.pk] if page == "funding:cohort_detail" else [])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()
    before = count()
    for _ in range(3):
        factories.FundingSourceFactory(cohort=cohort)
        factories.CostLineFactory(cohort=cohort)
        other = factories.CohortFactory()
        factories.FundingSourceFactory(cohort=other)
    factories.enrol(cohort)
    assert count() == before


def test_the_overview_chart_has_its_numbers_in_words_and_skips_not_yet(cohort):
    nobody = factories.CohortFactory(name="Cohort B")
    factories.enrol(nobody)
    factories.CostLineFactory(cohort=nobody, quantity=D("1"), unit_cost=D("100"))
    html = _client(factories.LeadNurseFactory()).get(reverse("funding:index")).content.decode()
    assert "<svg" in html
    assert "Funding and costs by cohort (the chart" in html
    assert "Cohort A: £6,500.00 per trainee, £8,666.67 per qualified" in html
    assert "Cohort B: £100.00 per trainee, not yet per qualified" in html
    # Three bars: two for Cohort A, one for Cohort B.
    assert html.count('class="app-chart__bar"') == 3
