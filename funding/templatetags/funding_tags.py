"""How money looks: pounds with thousands separators and pence, a minus sign for a shortfall,
and "not yet" where a cost per person has nobody to divide by.

    {% load funding_tags %}
    {{ amount|money }}        £12,345.60
    {{ per_head|money_or_not_yet }}
    {% net_tag finance.net %}  a tag with text: Surplus £1.00 / Shortfall £1.00 / Break even
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

register = template.Library()


def format_money(value) -> str:
    try:
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def money_or_not_yet(value) -> str:
    return "not yet" if value is None else format_money(value)


@register.filter
def quantity(value) -> str:
    amount = Decimal(value).normalize()
    return f"{amount:,f}"


@register.simple_tag
def net_tag(net):
    if net > 0:
        return format_html(
            '<strong class="nhsuk-tag nhsuk-tag--green">Surplus {}</strong>', format_money(net)
        )
    if net < 0:
        return format_html(
            '<strong class="nhsuk-tag nhsuk-tag--red">Shortfall {}</strong>', format_money(-net)
        )
    return format_html('<strong class="nhsuk-tag nhsuk-tag--grey">{}</strong>', "Break even")


@register.simple_tag
def cost_chart(finances):
    """Cost per trainee beside cost per qualified assistant practitioner, by cohort (bars; a
    cohort where nobody has qualified yet has no second bar). The table after it has the
    numbers."""
    from pathway import charts

    rows = [f for f in finances if f.costs]
    parts = [
        f"{f.cohort.name}: {format_money(f.cost_per_trainee) or 'not yet'} per trainee, "
        f"{format_money(f.cost_per_qualified) if f.cost_per_qualified is not None else 'not yet'}"
        " per qualified assistant practitioner"
        for f in rows
    ]
    return charts.bar_chart(
        chart_id="cost-per-head",
        title="Cost per trainee and per qualified assistant practitioner, by cohort",
        description=(
            "Bar chart comparing cohorts. "
            + ("; ".join(parts) + ". " if parts else "No costs are recorded yet. ")
            + "The table after the chart gives the same numbers."
        ),
        x_title="Cohort",
        y_title="Pounds",
        categories=[f.cohort.name for f in rows],
        series=[
            charts.Series(
                "Cost per trainee",
                [
                    float(f.cost_per_trainee) if f.cost_per_trainee is not None else None
                    for f in rows
                ],
            ),
            charts.Series(
                "Cost per qualified assistant practitioner",
                [
                    float(f.cost_per_qualified) if f.cost_per_qualified is not None else None
                    for f in rows
                ],
            ),
        ],
    )
