"""Forms, fields and widgets that every app shares.

Dates
    Every date a person types goes through ``DateField`` and its widget ``DateInput``: a text
    box, never ``<input type="date">``. A native date input writes the date in the order of the
    browser's or the system's language, not the page's: a venue laptop set up in English shows
    mm/dd/yyyy inside a French page, and 05/03/2026 becomes 3 May, an easy way to pay the wrong
    day; Chromium also shows empty a value that is not ISO, and a required date left so blocks
    the form. So the box is the same on every browser: it says what to type (placeholder
    « jj/mm/aaaa », "dd/mm/yyyy" in English), opens the digits keyboard of a phone
    (``inputmode="numeric"``), checks the shape before sending (``pattern``), keeps the
    browser's suggestions away (``autocomplete="off"``) and shows its value as 15/03/2026 in
    either language.

    ``DateField`` reads 15/03/2026 and, for a pasted value or an old address, 15.03.2026,
    15-03-2026, 15032026 (the digits keyboard of some phones has no separator) and 2026-03-15
    (ISO): always the day before the month, never the American order. Anything else is refused
    with « Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026 ».

    Filters sent by GET (the dashboard, the journal, the reports to partners) put in their
    address what the box holds, which the same fields read back. The links the server writes
    itself (downloads, pages of a list, a saved report) carry ISO dates, which cannot be read
    the wrong way round; a box that receives one shows it as jj/mm/aaaa.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
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


# The shapes a typed date may take, day first; ISO last, for addresses and pasted values.
DATE_INPUT_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d%m%Y", "%Y-%m-%d")
DATE_SHOWN = "%d/%m/%Y"
# The same shapes for the browser. Written so that it compiles with the ``v`` flag too, which
# recent browsers use for ``pattern`` (hence ``\/`` and ``\-`` inside the brackets).
DATE_PATTERN = r"\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{8}|\d{4}-\d{1,2}-\d{1,2}"
_EIGHT_DIGITS = re.compile(r"\d{8}")


def date_parse(text: str) -> dt.date | None:
    """The date a person typed (``DATE_INPUT_FORMATS``), or None when it is not one."""
    text = text.strip()
    for shape in DATE_INPUT_FORMATS:
        # 1122026 could be 11/2 or 1/12: digits alone are read only when there are eight.
        if shape == "%d%m%Y" and not _EIGHT_DIGITS.fullmatch(text):
            continue
        try:
            return dt.datetime.strptime(text, shape).date()
        except ValueError:
            continue
    return None


class DateInput(forms.DateInput):
    """A text box for a date typed jj/mm/aaaa, the same on every browser (see above)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults: dict[str, Any] = {
            "class": "date",
            "inputmode": "numeric",
            "placeholder": _("jj/mm/aaaa"),
            "pattern": DATE_PATTERN,
            "title": _("Écrivez jj/mm/aaaa, par exemple 15/03/2026"),
            "maxlength": 10,
            "autocomplete": "off",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DATE_SHOWN)

    def format_value(self, value: Any) -> str | None:
        # A bound form shows what was sent: an ISO date from an address is shown jj/mm/aaaa
        # like any other, what cannot be read is shown as typed, next to its error.
        if isinstance(value, str):
            value = date_parse(value) or value
        return super().format_value(value)


class DateField(forms.DateField):
    """A date typed day first (``DATE_INPUT_FORMATS``), in a ``DateInput``."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if not isinstance(value, str):
            return super().to_python(value)
        if not value.strip():
            return None  # spaces only: an empty box, not a wrong date
        day = date_parse(value)
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day


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


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = [
            "name",
            "title",
            "order",
            "signs_certificates",
            "statement_role",
            "signs_letters",
            "signs_mission_orders",
        ]
        help_texts = {
            "statement_role": _(
                "La case de l’état de paiement où son nom est imprimé : établi par, vérifié "
                "par ou approuvé par. Une case sans signataire est imprimée vide, à remplir à "
                "la main."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The empty choice says what it means rather than "---------".
        self.fields["statement_role"].choices = [  # type: ignore[attr-defined]
            ("", _("ne signe pas les états")),
            *Signatory.StatementRole.choices,
        ]


class BaseSignatoryFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """One signatory per box of a payment statement (see ``Signatory.StatementRole``)."""
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME):
                continue
            role = form.cleaned_data.get("statement_role", "")
            if role and role in seen:
                raise ValidationError(
                    _(
                        "Un seul signataire par case de l’état de paiement : "
                        "« %(role)s » est choisi deux fois."
                    ),
                    code="statement_role_taken",
                    params={"role": Signatory.StatementRole(role).label},
                )
            seen.add(role)


SignatoryFormSet = forms.inlineformset_factory(
    Organisation,
    Signatory,
    form=SignatoryForm,
    formset=BaseSignatoryFormSet,
    extra=2,
    can_delete=True,
)
