"""Forms of the documents app: a command written to, a round of invitation letters, the
travellers of a round of mission orders. The rules live in ``services`` (called by the views);
the forms only read the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalan.core.forms import DateField
from kalan.core.models import Place
from kalan.documents.letters import default_paid
from kalan.documents.mission_orders import (
    DEFAULT_TRANSPORT,
    default_departure,
    default_return,
)
from kalan.documents.models import Addressee
from kalan.people.models import Corps
from kalan.workshops.models import Session


class AddresseeForm(forms.Form):
    name = forms.CharField(
        label=_("Commandement"),
        max_length=200,
        help_text=_("Par exemple : Direction régionale de la Police de Mopti."),
    )
    head_title = forms.CharField(
        label=_("Titre du chef"),
        max_length=200,
        help_text=_(
            "Tel qu’il est écrit sur la lettre : « Monsieur le Directeur régional de la Police "
            "nationale »."
        ),
    )
    head_name = forms.CharField(label=_("Nom du chef"), max_length=120, required=False)
    corps = forms.ModelChoiceField(
        label=_("Corps"), queryset=Corps.objects.order_by("order", "name"), required=False
    )
    place = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Place.objects.filter(kind__in=[Place.Kind.REGION, Place.Kind.DISTRICT]).order_by(
            "name"
        ),
        required=False,
        help_text=_("Le modèle de liste propose les unités du corps dans cette région."),
    )
    postal_address = forms.CharField(
        label=_("Adresse postale"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    active = forms.BooleanField(label=_("Actif"), required=False, initial=True)


class LettersForm(forms.Form):
    addressees = forms.ModelMultipleChoiceField(
        label=_("Commandements"),
        queryset=Addressee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    officers = forms.IntegerField(
        label=_("Agents demandés à chaque commandement"),
        help_text=_("Le nombre d’agents que chaque commandement choisi doit désigner."),
    )
    deadline = DateField(label=_("Date limite de la liste"))
    dated = DateField(label=_("Date de la lettre"))
    profile = forms.CharField(
        label=_("Profil des agents"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=600,
    )
    paid = forms.CharField(
        label=_("Prise en charge"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=600,
        help_text=_("Ce que l’institution paie à chaque participant, tel que la lettre le dit."),
    )

    def __init__(self, *args: Any, session: Session, currency: str = "XOF", **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "officers": 5,
                "deadline": session.start_date - dt.timedelta(days=7),
                "dated": min(timezone.localdate(), session.start_date - dt.timedelta(days=21)),
                "profile": session.workshop.target_audience,
                "paid": default_paid(session, currency),
            },
        )
        super().__init__(*args, **kwargs)
        queryset = Addressee.objects.filter(active=True).order_by("name")
        self.fields["addressees"].queryset = queryset  # type: ignore[attr-defined]


class TravellerForm(forms.Form):
    include = forms.BooleanField(label=_("Émettre"), required=False)
    user_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nom et prénoms"), max_length=160, required=False)
    function = forms.CharField(label=_("Fonction"), max_length=200, required=False)
    transport = forms.CharField(label=_("Moyen de transport"), max_length=120, required=False)
    departure = DateField(label=_("Départ"), required=False)
    return_on = DateField(label=pgettext_lazy("date de retour", "Retour"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("include"):
            return data
        for name in ("name", "function", "transport", "departure", "return_on"):
            if not data.get(name):
                self.add_error(name, _("Ce champ est obligatoire."))
        return data


TravellerFormSet = forms.formset_factory(TravellerForm, extra=0)


def travellers_initial(session: Session) -> list[dict[str, Any]]:
    """The session's trainers, ticked, then three blank rows for anyone else."""
    dates = {"departure": default_departure(session), "return_on": default_return(session)}
    rows: list[dict[str, Any]] = [
        {
            "include": True,
            "user_id": user.pk,
            "name": user.get_full_name() or user.get_username(),
            "function": _("Formateur"),
            "transport": DEFAULT_TRANSPORT,
            **dates,
        }
        for user in session.trainers.order_by("last_name", "first_name")
    ]
    rows += [{"transport": DEFAULT_TRANSPORT, **dates} for _n in range(3)]
    return rows


class MissionOrdersDateForm(forms.Form):
    dated = DateField(label=_("Date des ordres de mission"))
