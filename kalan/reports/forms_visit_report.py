"""The form of a custody visit's report: what the NPM's team edits in the browser."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VisitReportForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=300)
    body = forms.CharField(
        label=_("Texte"),
        help_text=_(
            "Un paragraphe par ligne. Une ligne qui commence par « # » est un titre de section, "
            "par « ## » un sous-titre, par « - » un élément de liste."
        ),
        widget=forms.Textarea(attrs={"rows": 30, "class": "press-body"}),
    )
    signature = forms.CharField(label=_("Signature"), max_length=200, required=False)
