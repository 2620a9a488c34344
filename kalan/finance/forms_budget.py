"""Forms of a workshop's budget: a line, an expense with its receipt, funds received.

They only read and shape the input; every rule (positive amount, the organisation's currency,
the receipt's content, the workshop's period, the line to exist, the explanation above the
threshold) is the service's (``kalan.finance.services_budget``), whose errors come back at their
field through ``add_budget_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.models import Partner
from kalan.finance.errors import BudgetError
from kalan.finance.models import BudgetCategory
from kalan.workshops.models import Session, Workshop


def add_budget_error(form: forms.Form, error: BudgetError) -> None:
    """Show a service's refusal at its field (the form's top when the field is not in it)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _funders(workshop: Workshop) -> Any:
    return Partner.objects.filter(fundings__workshop=workshop).order_by("name").distinct()


def _only_funder_chosen(form: forms.Form) -> None:
    """A workshop with one funder: that one, already chosen."""
    funders = list(form.fields["partner"].queryset[:2])  # type: ignore[attr-defined]
    if len(funders) == 1:
        form.fields["partner"].initial = funders[0].pk


class AmountField(forms.IntegerField):
    """A whole amount, typed with or without spaces between thousands (« 1 250 000 »): a text
    box (a number box refuses the spaces), with the phone's numeric keypad."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("\u00a0", "")
        return super().to_python(value)


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Ligne"), choices=BudgetCategory.choices)
    partner = forms.ModelChoiceField(label=_("Bailleur"), queryset=Partner.objects.none())
    planned = AmountField(
        label=_("Montant prévu"),
        help_text=_("En unités entières de la monnaie des comptes, sans décimales."),
    )

    def __init__(self, *args: Any, workshop: Workshop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _funders(workshop)  # type: ignore[attr-defined]
        _only_funder_chosen(self)


class VarianceNoteForm(forms.Form):
    variance_note = forms.CharField(
        label=_("Explication de l’écart"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ExpenseForm(forms.Form):
    category = forms.ChoiceField(label=_("Ligne"), choices=BudgetCategory.choices)
    partner = forms.ModelChoiceField(label=_("Bailleur"), queryset=Partner.objects.none())
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False
    )
    amount = AmountField(label=_("Montant"))
    currency = forms.CharField(
        label=_("Monnaie"),
        max_length=3,
        min_length=3,
        help_text=_("Celle des comptes ; un montant dans une autre monnaie est à convertir."),
    )
    spent_on = forms.DateField(
        label=_("Date de la dépense"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("Objet"), max_length=300)
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200, required=False)
    receipt = forms.FileField(
        label=_("Pièce justificative"),
        help_text=_("Facture ou reçu : un PDF, ou une photo ou un scan (JPEG, PNG, WebP)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    variance_note = forms.CharField(
        label=_("Explication de l’écart"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obligatoire quand la dépense fait dépasser à la ligne son montant prévu au-delà du "
            "seuil, si la ligne n’a pas encore d’explication."
        ),
    )

    def __init__(self, *args: Any, workshop: Workshop, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", currency)
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _funders(workshop)  # type: ignore[attr-defined]
        _only_funder_chosen(self)
        self.fields["session"].queryset = Session.objects.filter(  # type: ignore[attr-defined]
            workshop=workshop
        ).select_related("place")


class FundsForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Bailleur"), queryset=Partner.objects.none())
    received_on = forms.DateField(
        label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = AmountField(label=_("Montant"))
    currency = forms.CharField(label=_("Monnaie"), max_length=3, min_length=3)
    reference = forms.CharField(label=_("Référence du virement"), max_length=100, required=False)

    def __init__(self, *args: Any, workshop: Workshop, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", currency)
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _funders(workshop)  # type: ignore[attr-defined]
        _only_funder_chosen(self)
