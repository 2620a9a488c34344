"""Forms of the user management pages. They check the input's shape; the rules on roles,
partners and passwords are the services' (``kalan.core.services_users``). Which sessions a trainer
runs is set on the session's own form (workshops), not here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.models import Partner
from kalan.core.roles import Role


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
    """An account's names, role and partner."""

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
