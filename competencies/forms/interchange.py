"""The form for importing a whole framework from a file, rendered with the NHS.UK crispy pack."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.template.defaultfilters import filesizeformat

from competencies.interchange import (
    FORMAT_LABELS,
    FORMATS,
    NEW_VERSION,
    SEPARATE,
    FrameworkImportError,
)
from competencies.interchange.reading import LIMITS_USE
from pathway import spreadsheets

# How many row problems go into the error summary; the page lists them all in a table.
SUMMARY_LIMIT = 10


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="A CSV file or an Excel spreadsheet (.xlsx)",
        error_messages={
            "required": "Select a framework file to import",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
        },
    )
    format = forms.ChoiceField(
        label="Layout of the file",
        choices=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the layout of the file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # the nhsuk pack adds the multipart enctype itself
        self.helper.layout = Layout("file", "format", Submit("submit", "Import framework"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = spreadsheets.limits(LIMITS_USE).max_bytes
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {filesizeformat(limit)}"
            )
        return upload

    def add_import_errors(self, error: FrameworkImportError) -> None:
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


class FrameworkImportConfirmForm(forms.Form):
    """Confirm an import after its preview. When a different framework has the file's ID
    number, the person says whether the file is its new version or a separate framework."""

    on_existing = forms.ChoiceField(
        label="What is this file?",
        choices=[
            (NEW_VERSION, "A new version of the existing framework"),
            (SEPARATE, "A separate framework, with a new ID number"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the file is a new version or a separate framework"
        },
    )
    new_code = forms.CharField(
        label="New ID number (for a separate framework)",
        help_text="Letters, numbers and hyphens, for example ap-critical-care-2026",
        max_length=100,
        required=False,
    )

    def __init__(self, *args, asks_which: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        fields = ["on_existing", "new_code"] if asks_which else []
        if not asks_which:
            del self.fields["on_existing"]
            del self.fields["new_code"]
        self.helper.layout = Layout(*fields, Submit("confirm", "Import framework"))

    def clean(self):
        data = super().clean()
        if data.get("on_existing") == SEPARATE and not (data.get("new_code") or "").strip():
            self.add_error("new_code", "Enter a new ID number for the separate framework")
        return data

    def add_import_errors(self, error: FrameworkImportError) -> None:
        field = "new_code" if "new_code" in self.fields else None
        for line in error.lines[:SUMMARY_LIMIT]:
            self.add_error(field, line)
