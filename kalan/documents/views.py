"""A session's invitation letters to the commands and its mission orders: issue, list, download.

Issuing is a POST that numbers and stores every piece of the round in one transaction, then
comes back to the page with a link to the round's zip (each letter in PDF and Word with its list
model; each mission order in PDF and Word): the page then lists the new pieces too, each
downloadable again exactly as issued. Stored files are served only through these views.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from kalan.core.audit import audit_export
from kalan.core.forms import form_add_error
from kalan.core.http import attachment
from kalan.core.roles import requires
from kalan.core.selectors import organisation_current
from kalan.documents import services
from kalan.documents.errors import DocumentError
from kalan.documents.forms import (
    LettersForm,
    MissionOrdersDateForm,
    TravellerFormSet,
    travellers_initial,
)
from kalan.documents.mission_orders import Traveller
from kalan.documents.models import Letter, MissionOrder
from kalan.workshops.selectors import session_get_or_404

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def _stem(number: str) -> str:
    return number.replace("/", "-")


# --- letters -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("write_correspondence")
def session_letters(request: HttpRequest, uid: str) -> HttpResponse:
    """GET: the form and the letters issued. POST: issue one letter per command chosen."""
    session = session_get_or_404(uid, user=request.user)
    organisation = organisation_current()
    currency = organisation.currency if organisation else "XOF"
    form = LettersForm(request.POST or None, session=session, currency=currency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letters = services.letters_issue(
                session=session,
                addressees=list(data["addressees"]),
                officers=data["officers"],
                deadline=data["deadline"],
                profile=data["profile"],
                paid=data["paid"],
                dated=data["dated"],
                by=request.user,  # type: ignore[arg-type]
            )
        except (ValidationError, DocumentError) as error:
            form_add_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s lettre émise : %(numbers)s.",
                    "%(count)s lettres émises : %(numbers)s.",
                    len(letters),
                )
                % {"count": len(letters), "numbers": ", ".join(x.number for x in letters)},
            )
            url = reverse("session_letters", kwargs={"uid": session.uid})
            return redirect(f"{url}?envoi={letters[0].batch}")
    issued = session.letters.select_related("addressee", "issued_by").order_by(
        "-issued_at", "-sequence"
    )
    return render(
        request,
        "documents/session_letters.html",
        {
            "session": session,
            "form": form,
            "letters": issued,
            "batch": _batch_param(request, issued),
        },
    )


def _batch_param(request: HttpRequest, rows: Any) -> str:
    """The round just issued, when the address names one of this session's."""
    batch = request.GET.get("envoi", "")
    return batch if batch and any(str(row.batch) == batch for row in rows) else ""


def _letter_or_404(uid: str, request: HttpRequest) -> Letter:
    letter = get_object_or_404(
        Letter.objects.select_related("session__workshop", "session__place", "addressee"), uid=uid
    )
    session_get_or_404(str(letter.session.uid), user=request.user)
    return letter


@require_GET
@requires("write_correspondence")
def letter_pdf(request: HttpRequest, uid: str) -> FileResponse:
    letter = _letter_or_404(uid, request)
    audit_export(what="letter", fmt="pdf", obj=letter)
    return attachment(
        letter.pdf.open("rb"), filename=f"lettre-{_stem(letter.number)}.pdf", content_type=PDF
    )


@require_GET
@requires("write_correspondence")
def letter_docx(request: HttpRequest, uid: str) -> FileResponse:
    letter = _letter_or_404(uid, request)
    audit_export(what="letter", fmt="docx", obj=letter)
    return attachment(
        letter.docx.open("rb"), filename=f"lettre-{_stem(letter.number)}.docx", content_type=DOCX
    )


@require_GET
@requires("write_correspondence")
def letter_template(request: HttpRequest, uid: str) -> HttpResponse:
    """The list model attached to the letter, for the command to fill in."""
    letter = _letter_or_404(uid, request)
    content = services.letter_template(letter, organisation=organisation_current())
    return attachment(
        content, filename=f"modele-liste-{_stem(letter.number)}.xlsx", content_type=XLSX
    )


@require_GET
@requires("write_correspondence")
def letters_zip(request: HttpRequest, batch: str) -> HttpResponse:
    """Every letter of one round, in PDF and Word, each with its list model."""
    letters = list(
        Letter.objects.filter(batch=batch)
        .select_related("session__workshop", "session__place", "addressee")
        .order_by("sequence")
    )
    if not letters:
        raise Http404
    session_get_or_404(str(letters[0].session.uid), user=request.user)
    audit_export(what="letters", fmt="zip", obj=letters[0].session, rows=len(letters))
    content = services.letters_zip(letters, organisation=organisation_current())
    first, last = _stem(letters[0].number), _stem(letters[-1].number)
    name = f"lettres-{first}.zip" if first == last else f"lettres-{first}-a-{last}.zip"
    return attachment(content, filename=name, content_type=ZIP)


# --- mission orders ----------------------------------------------------------------------------


def _travellers(session: Any, formset: Any) -> list[Traveller]:
    trainers = {user.pk: user for user in session.trainers.all()}
    chosen = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        chosen.append(
            Traveller(
                name=data["name"],
                function=data["function"],
                transport=data["transport"],
                departure=data["departure"],
                return_on=data["return_on"],
                user=trainers.get(data.get("user_id") or 0),
            )
        )
    return chosen


def _travel_dates_check(session: Any, formset: Any) -> bool:
    """Show each row's date errors at its fields; False when there is one."""
    good = True
    for form in formset.forms:
        data = form.cleaned_data
        if not data.get("include") or not data.get("departure") or not data.get("return_on"):
            continue
        try:
            services.travel_dates_check(
                session=session, departure=data["departure"], return_on=data["return_on"]
            )
        except ValidationError as error:
            form_add_error(form, error)
            good = False
    return good


@require_http_methods(["GET", "POST"])
@requires("write_correspondence")
def session_mission_orders(request: HttpRequest, uid: str) -> HttpResponse:
    """GET: the travellers (the session's trainers, and rows to add others) and the orders
    issued. POST: one mission order per traveller ticked."""
    session = session_get_or_404(uid, user=request.user)
    today = timezone.localdate()
    dated = MissionOrdersDateForm(
        request.POST or None,
        initial={"dated": min(today, session.start_date - dt.timedelta(days=7))},
    )
    formset = TravellerFormSet(
        request.POST or None, initial=travellers_initial(session), prefix="travellers"
    )
    if request.method == "POST" and dated.is_valid() and formset.is_valid():
        travellers = _travellers(session, formset)
        if not travellers:
            dated.add_error(None, _("Cochez au moins un missionnaire."))
        elif _travel_dates_check(session, formset):
            try:
                orders = services.mission_orders_issue(
                    session=session,
                    travellers=travellers,
                    dated=dated.cleaned_data["dated"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except (ValidationError, DocumentError) as error:
                form_add_error(dated, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s ordre de mission émis : %(numbers)s.",
                        "%(count)s ordres de mission émis : %(numbers)s.",
                        len(orders),
                    )
                    % {"count": len(orders), "numbers": ", ".join(o.number for o in orders)},
                )
                url = reverse("session_mission_orders", kwargs={"uid": session.uid})
                return redirect(f"{url}?envoi={orders[0].batch}")
    issued = session.mission_orders.select_related("issued_by").order_by("-issued_at", "-sequence")
    return render(
        request,
        "documents/session_mission_orders.html",
        {
            "session": session,
            "dated": dated,
            "formset": formset,
            "orders": issued,
            "batch": _batch_param(request, issued),
        },
    )


def _order_or_404(uid: str, request: HttpRequest) -> MissionOrder:
    order = get_object_or_404(MissionOrder.objects.select_related("session"), uid=uid)
    session_get_or_404(str(order.session.uid), user=request.user)
    return order


@require_GET
@requires("write_correspondence")
def mission_order_pdf(request: HttpRequest, uid: str) -> FileResponse:
    order = _order_or_404(uid, request)
    audit_export(what="mission_order", fmt="pdf", obj=order)
    return attachment(
        order.pdf.open("rb"),
        filename=f"ordre-de-mission-{_stem(order.number)}.pdf",
        content_type=PDF,
    )


@require_GET
@requires("write_correspondence")
def mission_order_docx(request: HttpRequest, uid: str) -> FileResponse:
    order = _order_or_404(uid, request)
    audit_export(what="mission_order", fmt="docx", obj=order)
    return attachment(
        order.docx.open("rb"),
        filename=f"ordre-de-mission-{_stem(order.number)}.docx",
        content_type=DOCX,
    )


@require_GET
@requires("write_correspondence")
def mission_orders_zip(request: HttpRequest, batch: str) -> HttpResponse:
    orders = list(
        MissionOrder.objects.filter(batch=batch).select_related("session").order_by("sequence")
    )
    if not orders:
        raise Http404
    session_get_or_404(str(orders[0].session.uid), user=request.user)
    audit_export(what="mission_orders", fmt="zip", obj=orders[0].session, rows=len(orders))
    first = _stem(orders[0].number)
    return attachment(
        services.mission_orders_zip(orders),
        filename=f"ordres-de-mission-{first}.zip",
        content_type=ZIP,
    )
