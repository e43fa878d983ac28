from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from api.models import ApiClient
from api.scopes import Scope
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper


def _in_a_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="Say which system this is, for example ESR staff feed or University of Leeds.",
    )
    kind = forms.ChoiceField(
        label="Kind of integration", choices=ApiClient.Kind.choices, widget=forms.RadioSelect
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give only what the system needs.",
    )
    expires_on = NHSDateField(
        label="Token expires on",
        help_text="For example, 31 3 2027. At most 400 days from today.",
        error_messages={"required": "Enter the date the token expires"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"expires_on": _in_a_year()})
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("name", "kind", "scopes", "expires_on", submit="Create client")
