"""The dashboard's filters: a GET form whose answer is a ``figures.Scope``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.core.formats import date_short
from kalan.core.forms import DateField
from kalan.core.models import Partner, Place
from kalan.plans.models import Axis
from kalan.reports.dashboard import StepChoice
from kalan.reports.figures import Scope


class AxisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Axis) -> str:
        # Several plans have an axis 3: the plan's years tell them apart.
        return _("%(years)s · axe %(number)s : %(title)s") % {
            "years": f"{obj.plan.start_year}-{obj.plan.end_year}",
            "number": obj.number,
            "title": Truncator(obj.title).chars(60),
        }


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return obj.name


class DashboardFilterForm(forms.Form):
    """Period, axis, funder and region; every field may stay empty (no filter).

    The field names are the query string's keys (``?du=2022-01-01&region=12``): short and French,
    like the page's address. None of them names a person. The dates are typed jj/mm/aaaa and
    read in either form (``kalan.core.forms.DateField``); the links ``query`` writes carry them
    in ISO.
    """

    du = DateField(label=gettext_lazy("Du"), required=False)
    au = DateField(label=gettext_lazy("Au"), required=False)
    axe = AxisChoiceField(
        label=gettext_lazy("Axe stratégique"),
        queryset=Axis.objects.select_related("plan").order_by("plan__start_year", "number"),
        required=False,
        empty_label=gettext_lazy("Tous les axes"),
    )
    partenaire = PartnerChoiceField(
        label=gettext_lazy("Partenaire financier"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Tous les partenaires"),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Région"),
        queryset=Place.objects.filter(kind__in=[Place.Kind.REGION, Place.Kind.DISTRICT]).order_by(
            "name"
        ),
        required=False,
        empty_label=gettext_lazy("Toutes les régions"),
    )
    par = forms.ChoiceField(
        label=gettext_lazy("Regrouper par"),
        choices=[
            ("auto", gettext_lazy("Automatique")),
            ("month", gettext_lazy("Mois")),
            ("quarter", gettext_lazy("Trimestre")),
            ("year", gettext_lazy("Année")),
        ],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and end < start:
            self.add_error("au", _("La date de fin précède la date de début."))
        return cleaned

    def scope(self) -> Scope:
        """The sessions the filters keep (call once the form is valid)."""
        data = self.cleaned_data
        return Scope(
            partner_id=data["partenaire"].pk if data.get("partenaire") else None,
            axis_id=data["axe"].pk if data.get("axe") else None,
            region_id=data["region"].pk if data.get("region") else None,
            start=data.get("du"),
            end=data.get("au"),
        )

    def step(self) -> StepChoice:
        step: StepChoice = self.cleaned_data.get("par") or "auto"
        return step

    def query(self) -> str:
        """The filters as a query string, for the download links: only the fields filled, the
        dates in ISO (call once the form is valid)."""
        found: dict[str, str] = {}
        for name in self.fields:
            if not self.data.get(name):
                continue
            value = self.cleaned_data.get(name)
            found[name] = value.isoformat() if isinstance(value, dt.date) else self.data[name]
        return urlencode(found)

    def described(self) -> list[tuple[str, str]]:
        """The filters in words, for the page and the files: « Période : … », « Axe : … »."""
        data = self.cleaned_data
        start: dt.date | None = data.get("du")
        end: dt.date | None = data.get("au")
        if start and end:
            period = _("du %(start)s au %(end)s") % {
                "start": date_short(start),
                "end": date_short(end),
            }
        elif start:
            period = _("à partir du %(start)s") % {"start": date_short(start)}
        elif end:
            period = _("jusqu’au %(end)s") % {"end": date_short(end)}
        else:
            period = _("toutes les dates")
        found = [(_("Période"), period)]
        for name, everything in (
            ("axe", _("tous les axes")),
            ("partenaire", _("tous les partenaires")),
            ("region", _("toutes les régions")),
        ):
            value = data.get(name)
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            found.append(
                (str(field.label), field.label_from_instance(value) if value else everything)
            )
        return found
