"""Domain errors carry a message, a code and a field; forms show them at that field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from kalan.core.errors import KalanError
from kalan.core.forms import form_add_error
from kalan.workshops.errors import WorkshopError


class EnrollForm(forms.Form):
    person = forms.CharField(required=False)


def test_a_domain_error_reads_as_its_message_and_keeps_code_and_field() -> None:
    error = WorkshopError(gettext_lazy("Déjà inscrit."), code="already_enrolled", field="person")

    assert isinstance(error, KalanError)
    assert str(error) == "Déjà inscrit."
    assert (error.code, error.field) == ("already_enrolled", "person")


def test_form_add_error_puts_a_domain_error_at_its_field() -> None:
    form = EnrollForm(data={})
    assert form.is_valid()

    form_add_error(form, WorkshopError("Déjà inscrit.", code="already_enrolled", field="person"))

    assert form.errors == {"person": ["Déjà inscrit."]}
    assert form.has_error("person", code="already_enrolled")


def test_form_add_error_puts_an_error_of_an_unknown_field_above_the_form() -> None:
    form = EnrollForm(data={})
    assert form.is_valid()

    form_add_error(form, WorkshopError("Complet.", code="over_capacity", field="capacity"))

    assert form.non_field_errors() == ["Complet."]


def test_form_add_error_spreads_a_validation_error_over_its_fields() -> None:
    form = EnrollForm(data={})
    assert form.is_valid()

    form_add_error(form, ValidationError({"person": "Grade d’un autre corps.", "rank": "Inconnu."}))

    assert form.errors["person"] == ["Grade d’un autre corps."]
    assert form.non_field_errors() == ["Inconnu."]
