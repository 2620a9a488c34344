from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Partner
from kalan.reports.models import Indicator, Language

TEXTAREA = forms.Textarea(attrs={"rows": 8})


class ActivityReportForm(forms.Form):
    observations = forms.CharField(label=_("Observations"), required=False, widget=TEXTAREA)
    recommendations = forms.CharField(label=_("Recommandations"), required=False, widget=TEXTAREA)


class DonorNarrativeForm(forms.Form):
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=TEXTAREA)
    conclusions = forms.CharField(
        label=_("Conclusions et perspectives"), required=False, widget=TEXTAREA
    )


class DonorPeriodForm(forms.Form):
    """Which partner, which period, which language: read from the address (no personal data).

    A date left empty is the first or the last day of the partner's sessions (the page fills it
    in): another partner chosen in the list is shown over its own period, not the previous one's.
    """

    partenaire = forms.ModelChoiceField(label=_("Partenaire"), queryset=Partner.objects.none())
    du = DateField(label=_("Du"), required=False)
    au = DateField(
        label=_("Au"),
        required=False,
        help_text=_("Dates vides : toute la période des sessions du partenaire."),
    )
    langue = forms.ChoiceField(label=_("Langue"), choices=Language.choices, initial="fr")

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partenaire"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("au", _("La fin de la période précède son début."))
        return data


class TargetsForm(forms.Form):
    """One optional number per indicator of the reports to partners."""

    def __init__(self, *args: Any, current: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for indicator in Indicator:
            self.fields[indicator.value] = forms.FloatField(
                label=indicator.label,
                required=False,
                min_value=0,
                initial=current.get(indicator.value),
            )

    def values(self) -> dict[str, float | None]:
        return {indicator.value: self.cleaned_data.get(indicator.value) for indicator in Indicator}
