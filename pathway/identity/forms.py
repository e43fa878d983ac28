"""Forms for passkeys, signing in with one, and a programme's rule on ways of signing."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from pathway.formtools import nhsuk_helper
from pathway.identity.passkeys import MOST_JSON
from pathway.models import SignatureMethod

NAME_HINT = "So you can tell your passkeys apart, for example Ward 7 computer or My phone"


def _name_field() -> forms.CharField:
    return forms.CharField(
        label="Name for this passkey",
        help_text=NAME_HINT,
        max_length=60,
        error_messages={
            "required": "Give the passkey a name, for example My phone",
            "max_length": "The name must be 60 characters or fewer",
        },
    )


def _response_field(required_message: str) -> forms.CharField:
    # Filled in by static/js/passkeys.js with what the browser's passkey answered.
    return forms.CharField(
        required=False,
        max_length=MOST_JSON,
        widget=forms.HiddenInput(attrs={"data-passkey-response": ""}),
        error_messages={"max_length": required_message},
    )


class PasskeyAddForm(forms.Form):
    name = _name_field()
    passkey_response = _response_field("Your browser did not create a passkey. Try again.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("name", "passkey_response", submit="Create passkey")
        self.helper.attrs = {
            "data-passkey-create": "",
            "data-options-url": reverse("identity:passkey_add_options"),
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("passkey_response"):
            self.add_error(
                None,
                "Your browser did not create a passkey. Passkeys need a browser with "
                "JavaScript turned on: try again, or use another device.",
            )
        return cleaned


class PasskeyRenameForm(forms.Form):
    name = _name_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "New name"
        self.helper = nhsuk_helper("name", submit="Save name")


class PasskeySignInForm(forms.Form):
    """What the sign-in page's passkey button posts (its script fills the answer in)."""

    passkey_response = _response_field("Your passkey's answer could not be read. Try again.")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("passkey_response"):
            self.add_error(None, "Your browser did not send a passkey. Try again.")
        return cleaned


class ProgrammeSigningForm(forms.Form):
    methods = forms.MultipleChoiceField(
        label="How may mentors sign this programme's records?",
        help_text="Select all that apply",
        choices=[
            (SignatureMethod.PASSKEY, "With a passkey (fingerprint, face or PIN)"),
            (SignatureMethod.SSO, "By signing in again to their NHS account"),
            (SignatureMethod.PASSWORD, "With their Pathway password"),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one way of signing",
            "invalid_choice": "Select only the ways of signing listed",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("methods", submit="Save")
