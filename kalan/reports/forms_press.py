"""The form of a press release: what the communication unit edits in the browser."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kalan.reports.models import Photo


class PhotoChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Photo) -> str:
        label = obj.caption or gettext("Photo n° %(order)s") % {"order": obj.order}
        if obj.is_family:
            label = gettext("%(label)s (photo de famille)") % {"label": label}
        return gettext("Session %(number)s — %(label)s") % {
            "number": obj.session.number,
            "label": label,
        }


class PressReleaseForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=300)
    body = forms.CharField(
        label=_("Texte"),
        help_text=_(
            "Un paragraphe par ligne ; une ligne vide entre deux paragraphes se lit mieux."
        ),
        widget=forms.Textarea(attrs={"rows": 28, "class": "press-body"}),
    )
    signature = forms.CharField(label=_("Signature"), max_length=200, required=False)
    photo = PhotoChoiceField(
        label=_("Photo"),
        queryset=Photo.objects.none(),
        required=False,
        empty_label=_("Aucune photo"),
    )

    def __init__(self, *args: Any, photos: QuerySet[Photo], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].queryset = photos  # type: ignore[attr-defined]
