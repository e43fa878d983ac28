"""What the privacy notice shows that other parts of Pathway decide (issue 20, part 6).

The retention periods come from the retention schedule, which lives in a higher layer
(governance): its `privacy_notice` module is found by name (pathway/app_modules.py), so the
notice always says what the schedule says and the core does not import the app. The link to
"Download your data" is given only when that page exists.
"""

from __future__ import annotations

from django.urls import Resolver404, resolve

from pathway.app_modules import each_app_module

MY_DATA_PATH = "/account/my-data/"


def retention_periods() -> list[dict]:
    """[{"kind": ..., "period": ..., "end": ...}] for each kind of record, from the schedule."""
    periods: list[dict] = []
    for module in each_app_module("privacy_notice"):
        periods += module.retention_periods()
    return periods


def my_data_url() -> str | None:
    """The "Download your data" page's address, when this Pathway has one."""
    try:
        resolve(MY_DATA_PATH)
    except Resolver404:
        return None
    return MY_DATA_PATH
