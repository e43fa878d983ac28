from django import forms

from notifications.models import Kind
from pathway.formtools import nhsuk_helper


class EmailPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Email me when",
        help_text=(
            "Select all that apply. Pathway always lists every notification on your "
            "notifications page; this only chooses which are also emailed to you."
        ),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            labels = dict(Kind.choices)
            self.fields["email_kinds"].choices = [(kind, labels[kind]) for kind in kinds]
        self.helper = nhsuk_helper("email_kinds", submit="Save email choices")
