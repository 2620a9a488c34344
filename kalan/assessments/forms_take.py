"""What a participant types on a phone: the test's code and their own code from the badge."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import QuestionKind


class JoinForm(forms.Form):
    access_code = forms.CharField(
        label=gettext_lazy("Code du test"),
        max_length=12,
        help_text=gettext_lazy("Affiché par le formateur, par exemple K7P2QX."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    participant_code = forms.CharField(
        label=gettext_lazy("Votre code participant"),
        max_length=12,
        help_text=gettext_lazy("Les chiffres imprimés sur votre badge."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_access_code(self) -> str:
        return "".join(str(self.cleaned_data["access_code"]).split()).upper()

    def clean_participant_code(self) -> str:
        return "".join(str(self.cleaned_data["participant_code"]).split())


def answer_from_post(
    content: dict[str, Any], data: QueryDict
) -> tuple[Sequence[str], int | None, str]:
    """The answer a question page sent, as ``answer_save`` takes it: choices, rating, text.

    The service judges what the keys and the rating mean; here only what cannot even be read is
    refused (a rating that is not a number).
    """
    kind = content["kind"]
    if kind == QuestionKind.RATING:
        raw = data.get("rating", "").strip()
        if not raw:
            return [], None, ""
        if not raw.isdigit() or len(raw) > 2:
            raise AssessmentError(
                _("Réponse invalide : rechargez la page et répondez à nouveau."), code="tampered"
            )
        return [], int(raw), ""
    if kind == QuestionKind.OPEN:
        return [], None, data.get("text", "")
    return data.getlist("choice"), None, ""
