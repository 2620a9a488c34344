"""The evidence page's choices (``/rapports/garde-a-vue/``): a GET form whose answer is the
scope of the trainings and the cutoff of ``figures_custody.evidence``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from kalan.core.forms import DateField
from kalan.reports.figures import Scope
from kalan.workshops.models import Workshop


class EvidenceForm(forms.Form):
    """The cutoff (empty: the default, the last day of the first session that trained somebody)
    and a workshop (empty: every workshop's trainings). The keys are the query string's."""

    date = DateField(label=gettext_lazy("Date de référence (avant / après)"), required=False)
    atelier = forms.ModelChoiceField(
        label=gettext_lazy("Formations d’un atelier"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tous les ateliers"),
    )

    def __init__(self, *args: object, workshops: QuerySet[Workshop], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["atelier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = workshops.order_by("title")

    def scope(self) -> Scope:
        workshop = self.cleaned_data.get("atelier")
        return Scope(workshop_id=workshop.pk if workshop else None)

    def cutoff(self) -> dt.date | None:
        return self.cleaned_data.get("date")
