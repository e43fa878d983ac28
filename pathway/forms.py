"""Forms for sign-in, accounts and allocations, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html, format_html_join

from pathway import formtools, spreadsheets
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper
from pathway.identity.config import local_passwords_enabled, may_use_password
from pathway.lockout import Client
from pathway.models import Allocation, RoleCode, User
from pathway.preparation import confirmation_message
from pathway.selectors import allocation_check_day, mentor_preparation_status
from pathway.signatures import password_verify

UNPREPARED_LABEL = (
    "I understand that this mentor's preparation is missing or out of date, and I still want "
    "to allocate them"
)


def confirmation_warning(messages: list[str]) -> formtools.Markup:
    """An NHS.UK warning callout naming each mentor whose preparation needs confirming (their
    names are data: Markup, not crispy's HTML, which would run them as a template)."""
    items = format_html_join("", "<li>{}</li>", ((m,) for m in messages))
    return formtools.Markup(
        format_html(
            '<div class="nhsuk-warning-callout" data-testid="unprepared-warning">'
            '<h2 class="nhsuk-warning-callout__label"><span role="text">'
            '<span class="nhsuk-u-visually-hidden">Important: </span>Mentor preparation'
            "</span></h2>"
            "<p>Mentors should complete mentor preparation, and an update every 12 months, "
            "before they support a trainee.</p>"
            '<ul class="nhsuk-list nhsuk-list--bullet">{}</ul></div>',
            items,
        )
    )


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your lead nurse for help.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        # Refused before authenticate(), so nothing over-long reaches the lockout records.
        self.fields["username"].validators.append(
            MaxLengthValidator(254, "Enter a correct email address and password")
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = nhsuk_helper("username", "password", submit="Sign in")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, client: Client | None = None, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = nhsuk_helper(
            "old_password", "new_password1", "new_password2", submit="Change password"
        )

    def clean_old_password(self):
        # Checked by the signature service, so a wrong guess here counts towards the same
        # lockout as signing in and signing a record.
        old_password = self.cleaned_data["old_password"]
        try:
            password_verify(person=self.user, password=old_password, client=self.client)
        except ValidationError as wrong:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            ) from wrong
        return old_password


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@nhs.net"
        )
        self.helper = nhsuk_helper("email", submit="Send reset link")

    def get_users(self, email):
        # Django skips people without a usable password; but people added by a bulk enrolment
        # have none yet, and this is how they choose their first one. With local passwords
        # off, only break-glass accounts have a password to reset.
        people = User._default_manager.filter(email__iexact=email, is_active=True)
        return people if local_passwords_enabled() else people.filter(is_superuser=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = nhsuk_helper("new_password1", "new_password2", submit="Set password")

    def clean(self):
        if not may_use_password(self.user):
            raise ValidationError(
                "Pathway does not use passwords at your trust: sign in with your NHS account"
            )
        return super().clean()


class AllocationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Role in supporting this trainee",
        choices=Allocation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how this person supports the trainee"},
    )
    supporter = formtools.ModelChoiceField(
        label="Who",
        queryset=User.objects.none(),
        empty_label="Select a person",
        error_messages={"required": "Select who supports the trainee"},
    )
    start_date = NHSDateField(
        label="Start date",
        help_text="For example, 15 9 2025",
        error_messages={"required": "Enter the start date"},
    )
    end_date = NHSDateField(
        label="End date (optional)",
        required=False,
        help_text="Leave blank if the allocation has no planned end",
    )
    confirm_unprepared = forms.BooleanField(label=UNPREPARED_LABEL, required=False)

    FIELDS = ("kind", "supporter", "start_date", "end_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporter"].queryset = (
            User.objects.filter(
                is_active=True,
                roles__code__in=[
                    RoleCode.MENTOR,
                    RoleCode.TUTOR,
                    RoleCode.PRACTICE_EDUCATOR,
                    RoleCode.MANAGER,
                ],
            )
            .distinct()
            .order_by("full_name")
        )
        self.helper = nhsuk_helper(*self.FIELDS, submit="Save allocation")

    def ask_confirmation(self, messages: list[str]) -> None:
        """Show the warning and the "I understand" checkbox above the submit button."""
        self.helper = nhsuk_helper(
            *self.FIELDS,
            confirmation_warning(messages),
            "confirm_unprepared",
            submit="Save allocation",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "End date must be the same as or after the start date")
        supporter = cleaned.get("supporter")
        if (
            cleaned.get("kind") == Allocation.Kind.MENTOR
            and supporter is not None
            and start
            # Someone who cannot be a mentor at all is refused by the service, with its reason.
            and supporter.is_registered_professional
            and supporter.has_role(RoleCode.MENTOR)
        ):
            status = mentor_preparation_status(supporter, on=allocation_check_day(start))
            if status.needs_confirmation:
                self.ask_confirmation([confirmation_message(str(supporter), status)])
                if not cleaned.get("confirm_unprepared"):
                    self.add_error(
                        "confirm_unprepared",
                        "Confirm that you understand this mentor's preparation is missing or "
                        "out of date",
                    )
        return cleaned


class EsrImportForm(forms.Form):
    """An ESR "staff in post" extract, CSV or XLSX (pathway.esr)."""

    file = forms.FileField(
        label="Staff extract from ESR",
        help_text="A CSV file or an Excel spreadsheet (.xlsx) with a header row",
        error_messages={
            "required": "Select the staff extract to import",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("file", Submit("submit", "Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = spreadsheets.limits("esr").max_bytes
        if upload.size > limit:
            raise forms.ValidationError(spreadsheets.too_large_message(limit))
        return upload

    def add_import_errors(self, error, *, bound: bool = True) -> None:
        """The file's problems on the file field, so the error summary lists them (the first
        ten; the page lists them all)."""
        if not bound:
            self.is_bound, self.data, self.files = True, {}, {}
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
        lines = error.lines
        for line in lines[:10]:
            self.add_error("file", line)
        if len(lines) > 10:
            more = len(lines) - 10
            self.add_error(
                "file",
                f"and {more} more problem{'s' if more != 1 else ''}: see the full list below",
            )


class EsrConfirmForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Submit("confirm", "Import these people"))


class RecordAccessSearchForm(forms.Form):
    """Search the access log: always bound to request.GET (no filters is valid). A filter with
    a mistake is shown as an error, with what was typed, and left out of the search."""

    viewed = forms.CharField(
        label="Whose record",
        help_text="Part of their name, email address or employee number",
        max_length=100,
        required=False,
        error_messages={"max_length": "Whose record must be 100 characters or fewer"},
    )
    viewer = forms.CharField(
        label="Who looked",
        help_text="Part of their name, email address or employee number",
        max_length=100,
        required=False,
        error_messages={"max_length": "Who looked must be 100 characters or fewer"},
    )
    since = NHSDateField(label="From (optional)", required=False, help_text="For example, 1 9 2026")
    until = NHSDateField(label="To (optional)", required=False, help_text="For example, 30 9 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "access-log-filters"
        self.helper.layout = Layout("viewed", "viewer", "since", "until", Submit("apply", "Search"))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self) -> dict:
        """The filters that are valid, ready for pathway.selectors.access_log_search."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "viewed": " ".join((cleaned.get("viewed") or "").split()),
            "viewer": " ".join((cleaned.get("viewer") or "").split()),
            "since": cleaned.get("since"),
            "until": cleaned.get("until"),
        }
