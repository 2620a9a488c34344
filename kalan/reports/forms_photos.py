"""Forms of the photos page: an upload of several files, and a photo's captions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.reports.models import Photo


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks each one's content."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class PhotoUploadForm(forms.Form):
    photos = MultipleFileField(
        label=_("Photos"),
        help_text=_(
            "Une ou plusieurs photos JPEG, PNG ou WebP. Kalan les redresse, les réduit et retire "
            "leurs métadonnées (position GPS, appareil, date) ; l’original n’est pas gardé."
        ),
        # A hint for the file picker only: the server reads each file's content.
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class PhotoCaptionForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["caption", "caption_en"]
        labels = {"caption": _("Légende"), "caption_en": _("Légende en anglais")}
