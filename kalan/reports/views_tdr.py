"""Terms of reference of a workshop: edit the draft, draft again from the data, preview, print,
mark as sent, and the versions with their files as sent.

Everyone with ``write_correspondence`` (administrator, programme officer) may; nobody else sees
them, not even a draft's existence (a donor receives the files the programme sends). The
workshop is fetched within the user's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.roles import requires
from kalan.reports.forms_tdr import TdrForm, TdrSendForm
from kalan.reports.models import Language, TermsOfReference
from kalan.reports.tdr import (
    SECTIONS,
    TdrError,
    tdr_current,
    tdr_file_stem,
    tdr_redraft,
    tdr_save,
    tdr_send,
    tdr_sent_file,
    tdr_versions,
)
from kalan.reports.tdr_files import (
    Block,
    tdr_docx,
    tdr_numbered_sections,
    tdr_pdf,
    tdr_version_line,
)
from kalan.workshops.models import Workshop
from kalan.workshops.selectors import workshops_visible

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _workshop(request: HttpRequest, pk: int) -> Workshop:
    try:
        return workshops_visible(request.user).select_related("axis__plan__organisation").get(pk=pk)
    except Workshop.DoesNotExist:
        raise Http404 from None


def _language(language: str) -> str:
    if language not in Language.values:
        raise Http404
    return language


def _url(name: str, workshop: Workshop, language: str, **extra: object) -> str:
    return reverse(name, kwargs={"pk": workshop.pk, "language": language, **extra})


def _page(
    request: HttpRequest, template: str, workshop: Workshop, language: str, **ctx: object
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "workshop": workshop,
            "language": language,
            "languages": [
                (code, label, _url("workshop_tdr", workshop, code))
                for code, label in Language.choices
            ],
            "edit_url": _url("workshop_tdr", workshop, language),
            **ctx,
        },
    )


@requires("write_correspondence")
def workshop_tdr(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    tdr = tdr_current(workshop=workshop, language=language)
    form = TdrForm(request.POST or None, initial=dict(tdr.sections))
    if request.method == "POST" and form.is_valid():
        try:
            tdr = tdr_save(
                workshop=workshop,
                language=language,
                sections=form.cleaned_data,
                by=request.user,  # type: ignore[arg-type]
            )
        except TdrError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            then = request.POST.get("then")
            if then in ("docx", "pdf", "preview"):
                return redirect(_url(f"workshop_tdr_{then}", workshop, language))
            messages.success(
                request,
                _("Termes de référence enregistrés (version %(version)s).")
                % {"version": tdr.version},
            )
            return redirect(_url("workshop_tdr", workshop, language))
    versions = list(tdr_versions(workshop=workshop, language=language))
    return _page(
        request,
        "reports/tdr/edit.html",
        workshop,
        language,
        tdr=tdr,
        saved=tdr.pk is not None,
        form=form,
        sections=[form[section.key] for section in SECTIONS],
        versions=versions,
        follows_sent=tdr.pk is None and any(v.status == "sent" for v in versions),
    )


@requires("write_correspondence")
def workshop_tdr_redraft(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    if request.method == "POST":
        tdr = tdr_redraft(workshop=workshop, language=language, by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("La version %(version)s a été rédigée de nouveau à partir des données.")
            % {"version": tdr.version},
        )
        return redirect(_url("workshop_tdr", workshop, language))
    return _page(request, "reports/tdr/redraft.html", workshop, language)


def _grouped(blocks: list[Block]) -> list[tuple[list[str], str]]:
    """Paragraphs as ``([], text)``, consecutive list items as one ``([items], "")``."""
    grouped: list[tuple[list[str], str]] = []
    for block in blocks:
        if block.item and grouped and grouped[-1][0]:
            grouped[-1][0].append(block.text)
        elif block.item:
            grouped.append(([block.text], ""))
        else:
            grouped.append(([], block.text))
    return grouped


@require_GET
@requires("write_correspondence")
def workshop_tdr_preview(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    tdr = tdr_current(workshop=workshop, language=language)
    return _page(
        request,
        "reports/tdr/preview.html",
        workshop,
        language,
        tdr=tdr,
        saved=tdr.pk is not None,
        version_line=tdr_version_line(tdr),
        sections=[(heading, _grouped(blocks)) for heading, blocks in tdr_numbered_sections(tdr)],
    )


@requires("write_correspondence")
def workshop_tdr_send(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    tdr = tdr_current(workshop=workshop, language=language)
    form = TdrSendForm(
        request.POST or None, initial={"sent_on": timezone.localdate()}, workshop=workshop
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = tdr_send(
                workshop=workshop,
                language=language,
                partner=form.cleaned_data["sent_to"],
                sent_on=form.cleaned_data["sent_on"],
                by=request.user,  # type: ignore[arg-type]
            )
        except TdrError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s marquée comme envoyée à %(partner)s : elle est gardée "
                    "telle quelle ; une nouvelle modification ouvrira la version %(next)s."
                )
                % {"version": sent.version, "partner": sent.sent_to, "next": sent.version + 1},
            )
            return redirect(_url("workshop_tdr", workshop, language))
    return _page(
        request, "reports/tdr/send.html", workshop, language, tdr=tdr, saved=tdr.pk is not None,
        form=form,
    )  # fmt: skip


def _file(tdr: TermsOfReference, fmt: str) -> HttpResponse:
    audit_export(
        what="terms_of_reference",
        fmt=fmt,
        obj=tdr if tdr.pk is not None else tdr.workshop,
        language=tdr.language,
        version=tdr.version,
        sent=tdr.status == TermsOfReference.Status.SENT,
    )
    if tdr.status == TermsOfReference.Status.SENT:
        data = tdr_sent_file(tdr=tdr, fmt=fmt)
    else:
        data = tdr_docx(tdr=tdr) if fmt == "docx" else tdr_pdf(tdr=tdr)
    return attachment(
        data, filename=f"{tdr_file_stem(tdr)}.{fmt}", content_type=DOCX if fmt == "docx" else PDF
    )


@require_GET
@requires("write_correspondence")
def workshop_tdr_docx(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    return _file(tdr_current(workshop=workshop, language=language), "docx")


@require_GET
@requires("write_correspondence")
def workshop_tdr_pdf(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop, language = _workshop(request, pk), _language(language)
    return _file(tdr_current(workshop=workshop, language=language), "pdf")


@require_GET
@requires("write_correspondence")
def workshop_tdr_version(
    request: HttpRequest, pk: int, language: str, version: int, fmt: str
) -> HttpResponse:
    """A version's file: as it was sent for a sent version, printed now for the draft."""
    workshop, language = _workshop(request, pk), _language(language)
    if fmt not in ("docx", "pdf"):
        raise Http404
    tdr = tdr_versions(workshop=workshop, language=language).filter(version=version).first()
    if tdr is None:
        raise Http404
    return _file(tdr, fmt)
