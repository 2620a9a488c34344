"""The forms of the terms of reference: the sections the programme edits, and the sending."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Partner
from kalan.reports.tdr import SECTIONS
from kalan.workshops.models import Workshop


class TdrForm(forms.Form):
    """One text box per section (``kalan.reports.tdr.SECTIONS``); only the title is required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            if section.key == "title":
                self.fields["title"] = forms.CharField(
                    label=section.label,
                    max_length=300,
                    error_messages={"required": _("Le titre est obligatoire.")},
                )
                continue
            self.fields[section.key] = forms.CharField(
                label=section.label,
                required=False,
                widget=forms.Textarea(attrs={"rows": section.rows}),
            )


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return f"{obj.name} ({obj.acronym})" if obj.acronym else obj.name


class TdrSendForm(forms.Form):
    sent_to = PartnerChoiceField(
        label=_("Envoyé à"),
        queryset=Partner.objects.none(),
        empty_label=_("Choisir le partenaire"),
        error_messages={"required": _("Choisissez le partenaire destinataire.")},
    )
    sent_on = DateField(
        label=_("Date d’envoi"),
        error_messages={"required": _("Indiquez la date d’envoi.")},
    )

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The workshop's funders first: the TDR usually goes to one of them.
        funders = list(workshop.fundings.values_list("partner_id", flat=True))
        partners: QuerySet[Partner] = Partner.objects.annotate(
            funder_first=Case(
                When(pk__in=funders, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("funder_first", "name")
        self.fields["sent_to"].queryset = partners  # type: ignore[attr-defined]
