"""The choice of a financial report: funder, period, language (read from the address)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Partner
from kalan.reports.models import Language


class FinancialPeriodForm(forms.Form):
    """``bailleur`` empty: every funder (the programme's staff only); a donor viewer's form
    holds its own partner, required."""

    bailleur = forms.ModelChoiceField(
        label=_("Bailleur"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("Tous les bailleurs"),
    )
    du = DateField(label=_("Du"))
    au = DateField(
        label=_("Au"),
        help_text=_("Les ateliers dont une session commence dans la période."),
    )
    langue = forms.ChoiceField(label=_("Langue"), choices=Language.choices, initial="fr")

    def __init__(
        self, *args: Any, partners: QuerySet[Partner], everyone: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bailleur"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners
        field.required = not everyone
        if not everyone:
            field.empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("au", _("La fin de la période précède son début."))
        return data
