"""Forms of the user management pages. They check the input's shape; the rules on roles,
partners, sessions and passwords are the services' (``kalan.core.services_users``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.roles import Role
from kalan.core.selectors_users import sessions_for_assignment
from kalan.core.templatetags.kalan import date_range
from kalan.plans.models import Partner
from kalan.workshops.models import Session


class SessionChoiceField(forms.ModelMultipleChoiceField):
    """Sessions told apart the way the programme names them: workshop, number, place, dates."""

    def label_from_instance(self, obj: Session) -> str:
        return _("%(workshop)s — session %(number)s — %(place)s, %(dates)s") % {
            "workshop": obj.workshop.title,
            "number": obj.number,
            "place": obj.place.name,
            "dates": date_range(obj.start_date, obj.end_date),
        }


def _new_password(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def _passwords_match(form: forms.Form, cleaned: dict[str, Any]) -> None:
    password, again = cleaned.get("password"), cleaned.get("password_confirm")
    if password and again and password != again:
        form.add_error("password_confirm", _("Les deux mots de passe diffèrent."))


class UserForm(forms.Form):
    """An account's names, role, partner and assigned sessions."""

    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        help_text=_("Ce que la personne tape pour se connecter, par exemple awa.diarra."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[("", "—"), *Role.choices])
    partner = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        help_text=_("Pour un compte partenaire seulement : il voit ce que ce partenaire finance."),
    )
    sessions = SessionChoiceField(
        label=_("Sessions assignées"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_(
            "Pour un formateur seulement : il ne voit que ces sessions. "
            "Ctrl (ou Cmd) + clic pour en choisir plusieurs."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions_for_assignment()  # type: ignore[attr-defined]


class UserCreateForm(UserForm):
    password = _new_password(_("Mot de passe initial"))
    password_confirm = _new_password(_("Mot de passe initial (encore)"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _passwords_match(self, cleaned)
        return cleaned


class UserEditForm(UserForm):
    is_active = forms.BooleanField(
        label=_("Compte actif"),
        required=False,
        help_text=_(
            "Un compte désactivé ne peut plus se connecter et ses sessions ouvertes prennent fin. "
            "Les comptes ne sont jamais supprimés : le journal d’audit y renvoie."
        ),
    )


class PasswordSetForm(forms.Form):
    """A new password typed twice; the service checks it against the password policy."""

    password = _new_password(_("Nouveau mot de passe"))
    password_confirm = _new_password(_("Nouveau mot de passe (encore)"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _passwords_match(self, cleaned)
        return cleaned
