"""The form for enrolling a cohort's trainees from a file, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import get_text_list

from cohorts import enrolment_files
from cohorts.enrolment_files import EnrolmentImportError
from pathway import spreadsheets

# How many problems go into the error summary; the page lists them all in a table.
SUMMARY_LIMIT = 20


class EnrolmentImportForm(forms.Form):
    file = forms.FileField(
        label="File of trainees to enrol",
        error_messages={
            "required": "Select a CSV file or an Excel spreadsheet of trainees to enrol",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
        },
    )

    confirm_unprepared = forms.BooleanField(
        label=(
            "I understand that some of these mentors' preparation is missing or out of date, "
            "and I still want to allocate them"
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        headers = get_text_list([c.header for c in enrolment_files.COLUMNS], "and")
        self.fields["file"].help_text = format_html(
            "A CSV file or an Excel spreadsheet (.xlsx), up to {}, with a header row and one "
            "row per trainee. The columns are {}. Download the "
            '<a href="{}" download>CSV template</a> or the '
            '<a href="{}" download>Excel template</a>.',
            filesizeformat(settings.PATHWAY_MAX_UPLOAD_BYTES),
            headers,
            reverse("cohorts:enrolment_template_csv"),
            reverse("cohorts:enrolment_template_xlsx"),
        )
        self.helper = FormHelper()  # the nhsuk pack adds the multipart enctype itself
        self.helper.layout = Layout("file", Submit("submit", "Enrol trainees"))
        if self.data.get("confirm_unprepared"):  # keep the box shown once it was asked for
            self.ask_confirmation([])

    def ask_confirmation(self, messages: list[str]) -> None:
        """Show the mentor preparation warning and the "I understand" checkbox (the file must
        be chosen again: browsers do not keep it)."""
        from pathway.forms import confirmation_warning

        self.helper.layout = Layout(
            "file",
            confirmation_warning(messages) if messages else HTML(""),
            "confirm_unprepared",
            Submit("submit", "Enrol trainees"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.limits(enrolment_files.LIMITS_USE).max_bytes:
            raise forms.ValidationError(enrolment_files.too_large_message())
        return upload

    def add_import_errors(self, error: EnrolmentImportError) -> None:
        """Put the file's problems on the file field, so the error summary lists them."""
        lines = error.lines
        for line in lines[:SUMMARY_LIMIT]:
            self.add_error("file", line)
        if len(lines) > SUMMARY_LIMIT:
            more = len(lines) - SUMMARY_LIMIT
            self.add_error(
                "file",
                f"and {more} more problem{'s' if more != 1 else ''}: see the full list below",
            )
