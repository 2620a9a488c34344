"""The journal's filters: a GET form, so that a filtered journal has an address to come back to.

The object text may be a person's name and ends up in the address (history, server logs). The
journal is for administrators only, who see these names anyway; a POST would lose the address
that the pages and the export share. The dates are typed jj/mm/aaaa and read in either form
(``kalan.core.forms.DateField``); the links the page writes carry them in ISO (``dates_iso``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import AuditEntry
from kalan.core.selectors_audit import AuditFilters, audit_object_types


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    account = forms.CharField(label=_("Compte"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Type d’objet"), required=False)
    text = forms.CharField(label=_("Objet"), required=False, max_length=200)
    date_from = DateField(label=_("Du"), required=False)
    date_to = DateField(label=_("Au"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action: Any = self.fields["action"]
        action.choices = [("", _("Toutes les actions")), *AuditEntry.Action.choices]
        object_type: Any = self.fields["object_type"]
        object_type.choices = [("", _("Tous les types")), *audit_object_types()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("La date de fin précède la date de début."), code="dates")
        return cleaned

    def dates_iso(self) -> dict[str, str]:
        """The dates filled in, in ISO, for the links of the page; none when the form is not
        valid."""
        if not self.is_valid():
            return {}
        return {
            name: self.cleaned_data[name].isoformat()
            for name in ("date_from", "date_to")
            if self.cleaned_data[name]
        }

    def filters(self) -> AuditFilters:
        """The filters of a valid form; none at all when the form is not valid."""
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            action=data["action"],
            account=data["account"].strip(),
            object_type=data["object_type"],
            text=data["text"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
