"""The anonymous interview's form. It only reads what was typed; the rules (the code's shape and
uniqueness, the consent) are ``kalan.custody.services_interviews``'s, whose errors come back at
their field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.custody.models import Interview


class InterviewForm(forms.Form):
    code = forms.CharField(
        label=_("Code anonyme"),
        max_length=20,
        help_text=_("Lettres sans accent, chiffres et tirets, de 3 à 20 caractères."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "La personne a donné son consentement éclairé à l’entretien et à la prise de notes"
        ),
        required=False,
    )
    allegation = forms.BooleanField(
        label=_("La personne fait état de mauvais traitements"), required=False
    )
    notes = forms.CharField(
        label=_("Notes de l’entretien"), widget=forms.Textarea(attrs={"rows": 10})
    )

    def __init__(self, *args: Any, instance: Interview | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "allegation": instance.allegation,
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            # The consent was recorded with the interview: it is not asked again.
            del self.fields["consent"]
