"""The permission matrix for funding (see tests/matrix/common.py): the lead nurse's alone.

The world gains a funding source and a cost for its running cohort.
"""

from __future__ import annotations

from decimal import Decimal

from tests import factories
from tests.matrix.common import lead_only


def extend_world(w):
    w.funding_source = factories.FundingSourceFactory(cohort=w.cohort, amount=Decimal("30000"))
    w.cost_line = factories.CostLineFactory(cohort=w.cohort, quantity=Decimal("2"))


MATRIX = {
    "funding:index": lead_only(),
    "funding:cohort_detail": lead_only(),
    "funding:source_add": lead_only(),
    "funding:source_edit": lead_only(),
    "funding:source_delete": lead_only(),
    "funding:cost_add": lead_only(),
    "funding:cost_edit": lead_only(),
    "funding:cost_delete": lead_only(),
}

KWARGS = {
    "funding:cohort_detail": lambda w: {"pk": w.cohort.pk},
    "funding:source_add": lambda w: {"pk": w.cohort.pk},
    "funding:source_edit": lambda w: {"pk": w.funding_source.pk},
    "funding:source_delete": lambda w: {"pk": w.funding_source.pk},
    "funding:cost_add": lambda w: {"pk": w.cohort.pk},
    "funding:cost_edit": lambda w: {"pk": w.cost_line.pk},
    "funding:cost_delete": lambda w: {"pk": w.cost_line.pk},
}
