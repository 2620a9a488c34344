"""The institution's settings: name, acronym, logo and signatories, as documents print them.

Administrators only (``is_superuser`` until roles exist): 403 for anyone else.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kalan.core import services
from kalan.core.forms import OrganisationForm, SignatoryFormSet, form_add_error
from kalan.core.roles import requires
from kalan.core.selectors import organisation_current


@requires("manage_organisation")
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = organisation_current()
    initial = {"name": organisation.name, "acronym": organisation.acronym} if organisation else {}
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, initial=initial)
        signatories = SignatoryFormSet(request.POST, instance=organisation, prefix="signatories")
        if form.is_valid() and signatories.is_valid():
            try:
                with transaction.atomic():
                    saved = services.organisation_update(
                        organisation=organisation,
                        name=form.cleaned_data["name"],
                        acronym=form.cleaned_data["acronym"],
                        logo=form.cleaned_data["logo"] or None,
                        remove_logo=form.cleaned_data["remove_logo"],
                    )
                    signatories.instance = saved
                    signatories.save()
            except ValidationError as error:
                form_add_error(form, error)
            else:
                messages.success(request, _("Les réglages de l’institution sont enregistrés."))
                return redirect("organisation_settings")
    else:
        form = OrganisationForm(initial=initial)
        signatories = SignatoryFormSet(instance=organisation, prefix="signatories")
    return render(
        request,
        "core/organisation_form.html",
        {"form": form, "signatories": signatories, "current": organisation},
        status=400 if request.method == "POST" else 200,  # a saved POST redirects
    )
