from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalan.core.errors import KalanError
from kalan.core.forms import form_add_error
from kalan.core.http import HtmxHttpRequest, htmx_message
from kalan.core.roles import requires
from kalan.people.models import Person
from kalan.people.selectors import person_search
from kalan.plans.models import Axis
from kalan.workshops import roster_html, selectors, services
from kalan.workshops.forms import (
    EnrollExistingForm,
    EnrollNewForm,
    FundingFormSet,
    SessionForm,
    WorkshopForm,
)
from kalan.workshops.models import Enrollment, Session, Workshop

SEARCH_LIMIT = 20


@requires("view_programme")
def workshop_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workshops/workshop_list.html",
        {"workshops": selectors.workshop_list(user=request.user)},
    )


@requires("view_programme")
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        workshop = selectors.workshop_detail(pk=pk, user=request.user)
    except Workshop.DoesNotExist:
        raise Http404 from None
    return render(request, "workshops/workshop_detail.html", {"workshop": workshop})


def _workshop_form(request: HttpRequest, workshop: Workshop | None) -> HttpResponse:
    if workshop is not None:
        initial = {
            "axis": workshop.axis,
            "title": workshop.title,
            "general_objective": workshop.general_objective,
            "objectives": "\n".join(o.text for o in workshop.objectives.all()),
            "target_audience": workshop.target_audience,
            "description": workshop.description,
            "title_en": workshop.title_en,
            "general_objective_en": workshop.general_objective_en,
            "objectives_en": "\n".join(o.text_en for o in workshop.objectives.all()).rstrip(),
        }
        funding_initial = [
            {"partner": f.partner, "amount": f.amount} for f in workshop.fundings.all()
        ]
    else:
        initial, funding_initial = {}, []
    if request.method == "POST":
        form = WorkshopForm(request.POST)
        fundings = FundingFormSet(request.POST, prefix="fundings")
        if form.is_valid() and fundings.is_valid():
            data = form.cleaned_data
            funding_rows = [
                (row["partner"], row["amount"])
                for row in fundings.cleaned_data
                if row and not row.get("DELETE")
            ]
            try:
                if workshop is None:
                    workshop = services.workshop_create(**data, fundings=funding_rows)
                    messages.success(request, _("Atelier créé."))
                else:
                    workshop = services.workshop_update(
                        workshop=workshop, **data, fundings=funding_rows
                    )
                    messages.success(request, _("Atelier enregistré."))
            except (KalanError, ValidationError) as error:
                form_add_error(form, error)
            else:
                return redirect("workshop_detail", pk=workshop.pk)
    else:
        form = WorkshopForm(initial=initial)
        fundings = FundingFormSet(initial=funding_initial, prefix="fundings")
    return render(
        request,
        "workshops/workshop_form.html",
        {"form": form, "fundings": fundings, "workshop": workshop},
    )


@requires("change_programme")
def workshop_create(request: HttpRequest) -> HttpResponse:
    return _workshop_form(request, None)


@requires("change_programme")
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _workshop_form(request, get_object_or_404(Workshop, pk=pk))


@requires("change_programme")
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(workshop=workshop, **form.cleaned_data)
        except (KalanError, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Session créée."))
            return redirect("session_detail", uid=session.uid)
    return render(
        request,
        "workshops/session_form.html",
        {"form": form, "workshop": workshop, "session": None},
    )


@requires("change_programme")
def session_edit(request: HttpRequest, uid: str) -> HttpResponse:
    session = selectors.session_get_or_404(uid, user=request.user)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, **form.cleaned_data)
        except (KalanError, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Session enregistrée."))
            return redirect("session_detail", uid=session.uid)
    return render(
        request,
        "workshops/session_form.html",
        {"form": form, "workshop": session.workshop, "session": session},
    )


def _person_search(query: str, session: Session) -> list[Person]:
    """Persons matching the query who are not in the session yet."""
    if len(query.strip()) < 2:
        return []
    found = person_search(query=query).exclude(enrollments__session=session)
    return list(found[:SEARCH_LIMIT])


@requires("view_programme")
def session_detail(request: HtmxHttpRequest, uid: str) -> HttpResponse:
    session = selectors.session_get_or_404(uid, user=request.user)
    query = request.GET.get("q", "")
    may_enroll = request.user.has_perm("kalan.enroll")
    # The registry search is for those who enrol: it lists persons of every session.
    results = _person_search(query, session) if may_enroll else []
    if request.htmx and request.GET.get("partial") == "search":
        return render(
            request,
            "workshops/_person_results.html",
            {"session": session, "results": results, "query": query},
        )
    # Shown to those who assign them (the session's form), not to the trainers themselves.
    may_assign = request.user.has_perm("kalan.change_programme")
    may_mark = request.user.has_perm("kalan.mark_attendance")
    roster = selectors.session_roster_page(session=session)
    return render(
        request,
        "workshops/session_detail.html",
        {
            "session": session,
            "trainers": selectors.session_trainers(session=session) if may_assign else None,
            "roster": roster,
            "roster_rows": roster_html.roster_rows(
                roster,
                may_mark=may_mark,
                may_open_persons=request.user.has_perm("kalan.view_persons"),
            ),
            "columns_version": selectors.roster_columns_version(session=session),
            "query": query,
            "results": results,
            "existing_form": EnrollExistingForm(),
            "new_form": EnrollNewForm(),
            # What the page offers, so that a role is not shown a button it would be refused.
            "may_enroll": may_enroll,
            "may_mark": may_mark,
        },
    )


@require_POST
@requires("enroll")
def enroll_existing(request: HttpRequest, uid: str) -> HttpResponse:
    session = selectors.session_get_or_404(uid, user=request.user)
    form = EnrollExistingForm(request.POST)
    if form.is_valid():
        try:
            enrollment = services.enrollment_create(
                session=session,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                allow_over_capacity=form.cleaned_data["allow_over_capacity"],
                by=request.user,  # type: ignore[arg-type]
            )
        except KalanError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("%(person)s inscrit(e).") % {"person": enrollment.person})
            return redirect("session_detail", uid=session.uid)
    return _enroll_error_page(request, session, existing_form=form)


@require_POST
@requires("enroll")
def enroll_new(request: HttpRequest, uid: str) -> HttpResponse:
    session = selectors.session_get_or_404(uid, user=request.user)
    form = EnrollNewForm(request.POST)
    if form.is_valid():
        try:
            enrollment = services.enrollment_create_with_person(
                session=session,
                person_fields=form.person_fields(),
                role=form.cleaned_data["role"],
                allow_over_capacity=form.cleaned_data["allow_over_capacity"],
                by=request.user,  # type: ignore[arg-type]
            )
        except (KalanError, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s enregistré(e) et inscrit(e).") % {"person": enrollment.person},
            )
            return redirect("session_detail", uid=session.uid)
    return _enroll_error_page(request, session, new_form=form)


def _enroll_error_page(
    request: HttpRequest,
    session: Session,
    *,
    existing_form: EnrollExistingForm | None = None,
    new_form: EnrollNewForm | None = None,
) -> HttpResponse:
    person = None
    if existing_form is not None:
        person = getattr(existing_form, "cleaned_data", {}).get("person")
    return render(
        request,
        "workshops/enroll_error.html",
        {
            "session": session,
            "existing_form": existing_form,
            "new_form": new_form,
            "person": person,
        },
        status=400,
    )


@require_POST
@requires("mark_attendance")
def attendance_toggle(request: HtmxHttpRequest, uid: str) -> HttpResponse:
    """One click on a cell of the roster's form: the cell's button says whose and which column
    (``roster_html.MARK_FIELD``). htmx gets the new button and totals, swapped by id; without
    JavaScript the browser is sent back to the person's row."""
    session = selectors.session_get_or_404(uid, user=request.user)
    if request.POST.get("columns") != selectors.roster_columns_version(session=session):
        return _attendance_refused(
            request, _("Les dates de la session ont changé : rechargez la page.")
        )
    cell = roster_html.mark_value_parse(request.POST.get(roster_html.MARK_FIELD, ""))
    columns = selectors.roster_columns(session=session)
    if cell is None or not cell[1] < len(columns):
        return _attendance_refused(request, _("Case de présence invalide."))
    pk, column = cell
    # A person of another session, or one merged away since the page was drawn: the same
    # answer for both, so that the numbers of other sessions' enrollments are not told apart.
    enrollment = (
        Enrollment.objects.select_related("session", "person")
        .filter(superseded_by__isnull=True, session=session, pk=pk)
        .first()
    )
    if enrollment is None:
        return _attendance_refused(
            request, _("Cette personne n’est pas inscrite à la session : rechargez la page.")
        )
    day, half = columns[column]
    try:
        present = services.attendance_toggle(
            enrollment=enrollment,
            day=day,
            half=half,
            by=request.user,  # type: ignore[arg-type]
        )
    except KalanError as error:
        return _attendance_refused(request, str(error))
    if not request.htmx:
        url = reverse("session_detail", kwargs={"uid": session.uid})
        return redirect(f"{url}#p{enrollment.pk}")
    heading = selectors.roster_column(day=day, half=half)
    return render(
        request,
        "workshops/_attendance_clicked.html",
        {
            "button": roster_html.mark_button(
                enrollment_pk=enrollment.pk, column=column, present=present, oob=True
            ),
            "enrollment": enrollment,
            "column": heading,
            "totals": selectors.attendance_totals(enrollment=enrollment, day=day, half=half),
            "said": _attendance_said(enrollment, heading, present),
        },
    )


def _attendance_said(enrollment: Enrollment, column: selectors.RosterColumn, present: bool) -> str:
    """What the page's live region reads out after a click: « DIARRA Aminata, mar 8/11 :
    présente »."""
    values = {"person": enrollment.person.full_name, "column": column.heading}
    female = enrollment.person.sex == Person.Sex.FEMALE
    if present:
        return (
            _("%(person)s, %(column)s : présente")
            if female
            else _("%(person)s, %(column)s : présent")
        ) % values
    return (
        _("%(person)s, %(column)s : absente") if female else _("%(person)s, %(column)s : absent")
    ) % values


def _attendance_refused(request: HtmxHttpRequest, message: str) -> HttpResponse:
    """A 400 that says why, in the page for htmx, as plain text (never markup) without it."""
    if request.htmx:
        return htmx_message(request, message, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@requires("view_programme")
def axis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        axis = selectors.axis_detail(pk=pk, user=request.user)
    except Axis.DoesNotExist:
        raise Http404 from None
    return render(request, "workshops/axis_detail.html", {"axis": axis})
