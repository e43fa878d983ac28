"""Forms for the trainee's record and for sign-off, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Case, When
from django.utils import timezone
from django.utils.functional import cached_property

from competencies.models import Assessment, AssessmentMethod, Evidence
from competencies.signing import allowed_methods
from pathway import formtools
from pathway.fields import NHSDateField
from pathway.formtools import nhsuk_helper
from pathway.identity.config import may_use_password
from pathway.identity.selectors import signing_choices
from pathway.identity.signing import RESUME_FIELD, pending_take
from pathway.lockout import Client
from pathway.models import SignatureMethod
from pathway.signatures import Signature


class CompetencyChoiceField(formtools.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.title}"


class ConditionalRadioSelect(forms.RadioSelect):
    """Radios where choosing one option reveals more questions (NHS.UK conditional radios):
    that option's input names the revealed block in `data-aria-controls`, which the NHS.UK
    script turns into aria-controls. Without the script the block is simply always shown."""

    def __init__(self, *args, reveals: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reveals = reveals or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        block = self.reveals.get(str(value))
        if block:
            option["attrs"]["data-aria-controls"] = block
        return option


class PracticeForm(forms.Form):
    """Logging supervised practice on a phone after a shift: from a competency, the
    competency is already ticked, the date is today and the supervisor one tap in a list, so
    saving takes no typing. Another date, someone not listed and notes are there if needed."""

    TODAY, YESTERDAY, ANOTHER_DAY = "today", "yesterday", "another"
    NOT_LISTED = "not_listed"

    competencies = CompetencyChoiceField(
        label="Which competencies did you practise?",
        queryset=None,
        error_messages={"required": "Select at least one competency"},
    )
    when = forms.ChoiceField(
        label="When did you practise?",
        widget=ConditionalRadioSelect(reveals={ANOTHER_DAY: "conditional-when-another"}),
        error_messages={"required": "Select when you practised"},
    )
    practised_on = NHSDateField(
        label="Date of the practice",
        help_text="For example, 27 3 2026",
        required=False,
    )
    supervisor = forms.ChoiceField(
        label="Who supervised you?",
        widget=ConditionalRadioSelect(reveals={NOT_LISTED: "conditional-supervisor-not-listed"}),
        error_messages={
            "required": "Select who supervised you",
            "invalid_choice": "Select who supervised you from the list, or someone not listed",
        },
    )
    supervisor_name = forms.CharField(
        label="Their name and role",
        help_text="For example, Sam Patel, staff nurse. They will not be asked to confirm it.",
        max_length=150,
        required=False,
    )
    activity = forms.CharField(
        label="What did you do? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    reflection = forms.CharField(
        label="Reflection (optional)",
        help_text="What went well, what you learned, what you would do differently",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    off_the_job = forms.BooleanField(
        label="This was off-the-job training for my apprenticeship",
        help_text="New learning, in your paid hours, away from your normal duties. It counts "
        "towards your off-the-job hours once your supervisor confirms the practice.",
        required=False,
    )
    otj_hours = forms.DecimalField(
        label="Off-the-job hours",
        help_text="For example, 1.5 for an hour and a half",
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("12"),
        max_digits=4,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Hours must be a number, like 1.5",
            "min_value": "Hours must be 0.25 or more",
            "max_value": "Hours must be 12 or fewer",
            "max_decimal_places": "Hours can have up to 2 decimal places, like 1.25",
            "max_digits": "Hours must be 12 or fewer",
            "max_whole_digits": "Hours must be 12 or fewer",
        },
    )

    def __init__(self, *args, competencies, supervisors, chosen=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.chosen = [pk for pk in chosen if pk is not None]
        if self.chosen:
            # The competency the trainee came from first; the others follow, tucked away.
            competencies = competencies.alias(
                pinned=Case(When(pk__in=self.chosen, then=0), default=1)
            ).order_by("pinned", "domain__order", "domain_id", "order")
            self.initial.setdefault("competencies", self.chosen)
        self.fields["competencies"].queryset = competencies
        self.supervisors = {str(person.pk): person for person in supervisors}
        self.fields["supervisor"].choices = [
            (pk, _supervisor_label(person)) for pk, person in self.supervisors.items()
        ] + [(self.NOT_LISTED, "Someone not listed")]
        if not self.supervisors:
            self.initial.setdefault("supervisor", self.NOT_LISTED)
        yesterday = self.today - datetime.timedelta(days=1)
        self.fields["when"].choices = [
            (self.TODAY, f"Today, {_day(self.today)}"),
            (self.YESTERDAY, f"Yesterday, {_day(yesterday)}"),
            (self.ANOTHER_DAY, "Another date"),
        ]
        self.initial.setdefault("when", self.TODAY)

    @cached_property
    def pinned_count(self) -> int:
        """How many competencies (the chosen ones) are shown before "add another"."""
        if not self.chosen:
            return 0
        return self.fields["competencies"].queryset.filter(pk__in=self.chosen).count()

    @property
    def has_others(self) -> bool:
        return bool(self.pinned_count) and len(self.fields["competencies"].choices) > (
            self.pinned_count
        )

    @property
    def others_selected(self) -> bool:
        """Whether an unpinned competency is ticked (or in error): its list starts open."""
        if not self.is_bound:
            return False
        if self.errors.get("competencies"):
            return True
        ticked = {str(value) for value in self.data.getlist("competencies")}
        return bool(ticked - {str(pk) for pk in self.chosen})

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when")
        if when == self.TODAY:
            cleaned["practised_on"] = self.today
        elif when == self.YESTERDAY:
            cleaned["practised_on"] = self.today - datetime.timedelta(days=1)
        elif (
            when == self.ANOTHER_DAY
            and not cleaned.get("practised_on")
            and "practised_on" not in self.errors
        ):
            self.add_error("practised_on", "Enter the date of the practice")
        chosen = cleaned.get("supervisor")
        if chosen == self.NOT_LISTED:
            cleaned["supervisor"] = None
            if not (cleaned.get("supervisor_name") or "").strip():
                self.add_error("supervisor_name", "Enter who supervised you")
        elif chosen:
            cleaned["supervisor"] = self.supervisors[chosen]
            cleaned["supervisor_name"] = ""
        if cleaned.get("off_the_job"):
            if cleaned.get("otj_hours") is None and "otj_hours" not in self.errors:
                self.add_error("otj_hours", "Enter the off-the-job hours")
        else:
            cleaned["otj_hours"] = None
        return cleaned

    def service_data(self) -> dict:
        """What services.practice_log takes."""
        data = self.cleaned_data
        names = ("competencies", "practised_on", "supervisor", "supervisor_name")
        return {
            name: data[name]
            for name in (*names, "activity", "reflection", "off_the_job", "otj_hours")
        }


def _day(day) -> str:
    return f"{day.day} {day:%B}"


def _supervisor_label(person) -> str:
    return f"{person.full_name}, {person.job_title}" if person.job_title else person.full_name


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of evidence is it?",
        choices=Evidence.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of evidence"},
    )
    title = forms.CharField(
        label="Title",
        help_text="A short name you will recognise, for example Fluid balance chart audit",
        max_length=200,
        error_messages={"required": "Enter a title"},
    )
    competencies = CompetencyChoiceField(
        label="Which competencies does it show?",
        queryset=None,
        error_messages={"required": "Select at least one competency"},
    )
    upload = forms.FileField(
        label="File (for file evidence)",
        help_text="PDF, Word document or image, up to 10MB. Remove patient identifiers first.",
        required=False,
    )
    text = forms.CharField(
        label="Reflective account or witness statement",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
    )
    witness_name = forms.CharField(label="Witness name", max_length=150, required=False)
    witness_role = forms.CharField(label="Witness role", max_length=150, required=False)

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies
        self.helper = nhsuk_helper(
            "kind",
            "title",
            "competencies",
            "upload",
            "text",
            Fieldset("Witness (for a witness statement)", "witness_name", "witness_role"),
            submit="Save evidence",
        )


class SignOffRequestForm(forms.Form):
    mentor = formtools.ModelChoiceField(
        label="Which mentor do you want to assess you?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select a mentor"},
    )
    note = forms.CharField(
        label="Message for your mentor (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors
        only = list(mentors[:2])
        if len(only) == 1:
            self.fields["mentor"].initial = only[0].pk
        self.helper = nhsuk_helper("mentor", "note", submit="Ask for sign-off")


class SignatureFormMixin:
    """A form that is signed: the signer gives a fresh proof of identity, as electronic
    practice assessment records ask: their password, their passkey (whose answer the page's
    script puts in `passkey_response`), or a fresh sign-in to their NHS account (the page comes
    back with `signature_resume`, and pathway.identity.signing puts the kept decision back).

    The form only collects it; the service checks it (through pathway.signatures) and its
    refusal, on "signature", is shown on the password box when signing with a password, and
    above the form otherwise. `signing` says which ways the page offers this signer."""

    signer = None
    signing_record = None

    def init_signing(self, *, signer=None, record=None) -> None:
        self.signer = signer
        self.signing_record = record
        # The password box is needed only when signing with a password, by someone who has one.
        self.fields["password"].required = self.signature_method() == SignatureMethod.PASSWORD and (
            signer is None or (may_use_password(signer) and signer.has_usable_password())
        )

    def signature_method(self) -> str:
        data = self.data if self.is_bound else {}
        if data.get(RESUME_FIELD):
            return SignatureMethod.SSO
        if data.get("passkey_response"):
            return SignatureMethod.PASSKEY
        chosen = data.get("sign_with")
        if chosen in (SignatureMethod.PASSKEY, SignatureMethod.SSO):
            return chosen
        return SignatureMethod.PASSWORD

    @cached_property
    def signing(self):
        allowed = allowed_methods(self.signing_record) if self.signing_record else None
        return signing_choices(self.signer, allowed=allowed)

    @property
    def service_error_fields(self) -> dict:
        if self.signature_method() == SignatureMethod.PASSWORD and self.signing.password:
            return {"signature": "password"}
        return {"signature": None}

    def signature(self, http_request) -> Signature:
        client = Client.of(http_request)
        method = self.signature_method()
        if method == SignatureMethod.SSO:
            pending = pending_take(http_request, self.data.get(RESUME_FIELD))
            return Signature.with_sso(pending, client=client)
        if method == SignatureMethod.PASSKEY:
            return Signature.with_passkey(self.data.get("passkey_response", ""), client=client)
        return Signature.with_password(self.cleaned_data.get("password", ""), client=client)

    def forget_password(self) -> None:
        """Never send a password (or a used passkey answer) back to the browser in a page."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["password"] = ""
            self.data.pop("passkey_response", None)
            self.data.pop(RESUME_FIELD, None)


def _signing_helper(*fields) -> FormHelper:
    """The decision's fields; the page draws the <form> and the ways of signing around them
    (templates/pathway/identity/signature_choices.html)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


class ConditionalRadioSelect(forms.RadioSelect):
    """Radios whose options can reveal content (NHS.UK conditional radios): `reveals` maps an
    option's value to the id of what it reveals. The page's script turns data-aria-controls
    into aria-controls; without it, the content simply stays shown."""

    def __init__(self, *args, reveals: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reveals = reveals or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.reveals:
            option["attrs"]["data-aria-controls"] = self.reveals[str(value)]
        return option


FEEDBACK_CONDITIONAL_ID = "conditional-feedback"


def unticked_feedback(criteria, ticked) -> str:
    """The feedback a mentor starts from on "not yet competent": the criteria not ticked."""
    missing = [criterion for criterion in criteria if criterion not in set(ticked)]
    if not missing:
        return ""
    return "Not yet shown:\n" + "\n".join(f"- {criterion}" for criterion in missing)


class SignOffForm(SignatureFormMixin, forms.Form):
    criteria_met = forms.MultipleChoiceField(
        label="Performance criteria",
        help_text="Tick each one you saw the trainee meet",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (Assessment.Outcome.ACHIEVED, "Achieved: competent to practise this unsupervised"),
            (Assessment.Outcome.NOT_YET_COMPETENT, "Not yet competent: needs more practice"),
        ],
        widget=ConditionalRadioSelect(
            reveals={Assessment.Outcome.NOT_YET_COMPETENT: FEEDBACK_CONDITIONAL_ID}
        ),
        error_messages={"required": "Select the outcome"},
    )
    method = forms.ChoiceField(
        label="How did you assess it?",
        choices=AssessmentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you assessed the competency",
            "invalid_choice": "Select one of the assessment methods this competency allows",
        },
    )
    assessed_on = NHSDateField(
        label="Date of assessment",
        help_text="Today or earlier, and not before the trainee started",
        error_messages={"required": "Enter the date of assessment"},
    )
    feedback = forms.CharField(
        label="What does the trainee need to do next?",
        help_text="The trainee sees this. It starts with the criteria you did not tick.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    password = forms.CharField(
        label="Your password",
        help_text="Re-enter your password to sign this record as yourself",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign"},
    )

    def __init__(self, *args, competency, signer=None, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in competency.performance_criteria or [] if c]
        # Posted as positions (short, so a decision kept over an NHS sign-in stays whole);
        # cleaned into the criteria's own words.
        self.fields["criteria_met"].choices = [
            (str(index), criterion) for index, criterion in enumerate(self.criteria)
        ]
        labels = dict(AssessmentMethod.choices)
        allowed = [m for m in competency.assessment_methods or [] if m in labels]
        self.fields["method"].choices = [(m, labels[m]) for m in allowed]
        if allowed:
            # The framework lists its usual method first: at the bedside, one tap fewer.
            self.fields["method"].initial = allowed[0]
        self.fields["assessed_on"].initial = timezone.localdate()
        self.feedback_conditional_id = FEEDBACK_CONDITIONAL_ID
        self.init_signing(signer=signer, record=record)
        self.helper = _signing_helper("method", "assessed_on")

    def clean_feedback(self) -> str:
        # Browsers send a textarea's line ends as CRLF; the record keeps plain newlines.
        return (self.cleaned_data.get("feedback") or "").replace("\r\n", "\n")

    def clean_criteria_met(self) -> list[str]:
        ticked = {int(position) for position in self.cleaned_data["criteria_met"]}
        return [c for index, c in enumerate(self.criteria) if index in ticked]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == Assessment.Outcome.NOT_YET_COMPETENT
            and not (cleaned.get("feedback") or "").strip()
        ):
            self.add_error("feedback", "Give feedback: what the trainee needs to do next")
            # Without the page's script nothing filled the box: start it for the mentor now.
            suggestion = unticked_feedback(self.criteria, cleaned.get("criteria_met") or [])
            if suggestion:
                self.data = self.data.copy()
                self.data["feedback"] = suggestion
        return cleaned

    def decision(self) -> dict:
        """The decision as the service and the signed statement take it."""
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "method": data["method"],
            "assessed_on": data["assessed_on"],
            "feedback": data["feedback"],
            "criteria_met": data["criteria_met"],
        }


class RevokeForm(SignatureFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you revoking this decision?",
        help_text="This is kept with the record and shown to the trainee",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason for revoking this decision"},
    )
    password = forms.CharField(
        label="Your password",
        help_text="Re-enter your password to sign the revocation",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign"},
    )

    def __init__(self, *args, signer=None, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_signing(signer=signer, record=record)
        self.helper = _signing_helper("reason")
