"""A feed owner's upload of their partner's export."""

from django import forms

from mast.web.forms.base import GovukForm


class FeedUploadForm(GovukForm):
    """A partner's export, sent by one of the feed's owners, for the loader to check and load."""

    source = forms.ChoiceField(label="Which feed is this file for?")
    file = forms.FileField(label="Upload a file")

    def __init__(self, *args, sources, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["source"].choices = [(s.code, s.name) for s in sources]
        self.fields["source"].error_messages["required"] = "Select which feed the file is for"
        self.fields["source"].error_messages["invalid_choice"] = "Select one of your feeds"
        self.fields["file"].error_messages.update(
            {
                "required": "Select a file",
                "empty": "The selected file is empty",
                "invalid": "Select a file",
            }
        )

    def too_large_message(self) -> str:
        return f"The selected file must be smaller than {self.max_bytes // 1024**2:,} MB"

    def refuse_as_too_large(self) -> None:
        """Stopped at the limit as it streamed in (web/uploads.py): say so, not "Select a file"."""
        self.is_valid()
        self.errors.pop("file", None)
        self.add_error("file", self.too_large_message())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large_message())
        return upload
