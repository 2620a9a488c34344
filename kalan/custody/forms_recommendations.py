"""The recommendations' forms: the recommendation, a response, a status.
They only read what was typed; the rules are ``kalan.custody.services_recommendations``'s, whose
errors come back at their field."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.custody.models import Recommendation
from kalan.people.models import Unit


def _units() -> list[tuple[str, list[tuple[int, str]]]]:
    """Units grouped by corps (a select that needs no script)."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    units = Unit.objects.select_related("corps", "place").order_by("corps__order", "name")
    for unit in units:
        groups[str(unit.corps)].append((unit.pk, f"{unit.name} ({unit.place})"))
    return list(groups.items())


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommandation"), widget=forms.Textarea(attrs={"rows": 5}))
    unit = forms.ModelChoiceField(
        label=_("Unité destinataire"), queryset=Unit.objects.all(), required=False
    )
    authority = forms.CharField(
        label=_("Autorité destinataire"),
        max_length=200,
        required=False,
        help_text=_(
            "Par exemple : Direction générale de la police nationale, ministère de la Justice. "
            "Une unité, une autorité, ou les deux."
        ),
    )
    priority = forms.ChoiceField(label=_("Priorité"), choices=Recommendation.Priority.choices)
    due_on = DateField(label=_("Échéance"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "---------"), *_units()]  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data.get("unit"),
            "authority": data.get("authority") or "",
            "text": data["text"],
            "priority": data["priority"],
            "due_on": data.get("due_on"),
        }


class ResponseForm(forms.Form):
    received_on = DateField(label=_("Reçue le"))
    respondent = forms.CharField(label=_("De la part de"), max_length=200)
    text = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 4}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=Recommendation.Status.choices)
