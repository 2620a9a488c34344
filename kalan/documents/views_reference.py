"""The commands the institution writes to (« Destinataires »), a tab of the « Référentiel »:
list, create, edit, delete when no letter went to them. Thin: each page calls one service of
``kalan.documents.services`` and shows its error at the field or above the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalan.core.forms import form_add_error
from kalan.core.roles import requires
from kalan.documents import services
from kalan.documents.errors import DocumentError
from kalan.documents.forms import AddresseeForm
from kalan.documents.models import Addressee

FIELDS = ("name", "head_title", "head_name", "corps", "place", "postal_address", "active")


@requires("manage_reference")
def addressee_list(request: HttpRequest) -> HttpResponse:
    rows = Addressee.objects.select_related("corps", "place").order_by("-active", "name")
    return render(request, "documents/addressee_list.html", {"addressees": rows})


def _form_page(
    request: HttpRequest, form: AddresseeForm, addressee: Addressee | None
) -> HttpResponse:
    return render(request, "documents/addressee_form.html", {"form": form, "addressee": addressee})


def _saved(request: HttpRequest, form: AddresseeForm, save: Any) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        row = save(**form.cleaned_data)
    except ValidationError as error:
        form_add_error(form, error)
        return False
    messages.success(request, _("Destinataire « %(name)s » enregistré.") % {"name": row.name})
    return True


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def addressee_create(request: HttpRequest) -> HttpResponse:
    form = AddresseeForm(request.POST or None)
    if _saved(request, form, services.addressee_create):
        return redirect("addressee_list")
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def addressee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    addressee = get_object_or_404(Addressee, pk=pk)
    form = AddresseeForm(request.POST or None, initial={f: getattr(addressee, f) for f in FIELDS})

    def save(**data: Any) -> Addressee:
        return services.addressee_update(addressee=addressee, **data)

    if _saved(request, form, save):
        return redirect("addressee_list")
    return _form_page(request, form, addressee)


@require_POST
@requires("manage_reference")
def addressee_delete(request: HttpRequest, pk: int) -> HttpResponse:
    addressee = get_object_or_404(Addressee, pk=pk)
    name = addressee.name
    try:
        services.addressee_delete(addressee=addressee)
    except DocumentError as error:
        messages.error(request, str(error))
        return redirect("addressee_edit", pk=pk)
    messages.success(request, _("Destinataire « %(name)s » supprimé.") % {"name": name})
    return redirect("addressee_list")
