from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from kalan.core.errors import KalanError
from kalan.core.models import Organisation, Signatory
from kalan.core.services import logo_check


def form_add_error(form: forms.BaseForm, error: KalanError | ValidationError) -> None:
    """Show a service's error at the field that caused it, or above the form when it has none."""
    if isinstance(error, KalanError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, ValidationError(str(error.message), code=error.code))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            form.add_error(target, errors)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    """A native date picker: works on phones and needs no JavaScript library."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LoginForm(AuthenticationForm):
    """Django's login form with the browser hints a laptop at a venue needs.

    An account name longer than any account's is refused as a wrong login, before any password
    is checked: Django's form only tells the browser (``maxlength``), so such a name went on to
    django-axes, whose record of the failure holds 255 characters at most; PostgreSQL refused it
    and the login page answered 500.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.username_field.max_length or 254):
            raise self.get_invalid_login_error()
        return super().clean()


class OrganisationForm(forms.Form):
    """The institution's name, acronym and logo, as its documents print them."""

    name = forms.CharField(label=_("Nom de l’institution"), max_length=200)
    acronym = forms.CharField(label=_("Sigle"), max_length=30, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Image PNG ou JPEG, 2 Mo au plus ; imprimée en tête de chaque document."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo:
            logo_check(logo)
        return logo


SignatoryFormSet: type[
    forms.BaseInlineFormSet[Signatory, Organisation, forms.ModelForm[Signatory]]
] = forms.inlineformset_factory(
    Organisation,
    Signatory,
    fields=["name", "title", "order", "signs_certificates", "signs_statements"],
    extra=2,
    can_delete=True,
)
