"""Press releases of a session or of a whole workshop: edit, draft again from the data, export.

Everyone with ``write_press`` (communication, programme, administrator) may; the session or the
workshop is fetched within the user's scope. Exports print the saved release, or the draft from
the data before anyone saved it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.roles import requires
from kalan.reports.forms_press import PressReleaseForm
from kalan.reports.models import Language
from kalan.reports.press import (
    PressError,
    PressSubject,
    press_english_missing,
    press_release_current,
    press_release_redraft,
    press_release_save,
)
from kalan.reports.press_files import press_release_docx, press_release_pdf
from kalan.workshops.models import Workshop
from kalan.workshops.selectors import session_get_or_404, workshops_visible

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Links:
    """The addresses of one release's pages, for a session's or a workshop's."""

    prefix: str  # "session_press" or "workshop_press"
    key: dict[str, object]

    def url(self, suffix: str = "", language: str = "fr") -> str:
        name = f"{self.prefix}_{suffix}" if suffix else self.prefix
        return reverse(name, kwargs={**self.key, "language": language})


def _language(language: str) -> str:
    if language not in Language.values:
        raise Http404
    return language


def _session_subject(request: HttpRequest, uid: object) -> tuple[PressSubject, Links]:
    session = session_get_or_404(uid, user=request.user)
    return PressSubject.of_session(session), Links("session_press", {"uid": session.uid})


def _workshop_subject(request: HttpRequest, pk: int) -> tuple[PressSubject, Links]:
    try:
        workshop = (
            workshops_visible(request.user).select_related("axis__plan__organisation").get(pk=pk)
        )
    except Workshop.DoesNotExist:
        raise Http404 from None
    return PressSubject.of_workshop(workshop), Links("workshop_press", {"pk": workshop.pk})


def _stem(subject: PressSubject, language: str) -> str:
    if subject.session is not None:
        return (
            f"communique-atelier-{subject.workshop.pk}-session-{subject.session.number}-{language}"
        )
    return f"communique-atelier-{subject.workshop.pk}-{language}"


def _edit(request: HttpRequest, subject: PressSubject, links: Links, language: str) -> HttpResponse:
    release = press_release_current(subject=subject, language=language)
    initial = {
        "title": release.title,
        "body": release.body,
        "signature": release.signature,
        "photo": release.photo,
    }
    form = PressReleaseForm(request.POST or None, initial=initial, photos=subject.photos())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            press_release_save(
                subject=subject,
                language=language,
                title=data["title"],
                body=data["body"],
                signature=data["signature"],
                photo=data["photo"],
                by=request.user,  # type: ignore[arg-type]
            )
        except PressError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            then = request.POST.get("then")
            if then in ("docx", "pdf"):
                return redirect(links.url(then, language))
            messages.success(request, _("Communiqué enregistré."))
            return redirect(links.url(language=language))
    return render(
        request,
        "reports/press.html",
        {
            "subject": subject,
            "session": subject.session,
            "workshop": subject.workshop,
            "release": release,
            "saved": release.pk is not None,
            "form": form,
            "language": language,
            "languages": [
                (code, label, links.url(language=code)) for code, label in Language.choices
            ],
            "redraft_url": links.url("redraft", language),
            "english_missing": (
                press_english_missing(subject=subject) if language == Language.ENGLISH else []
            ),
        },
    )


def _redraft(
    request: HttpRequest, subject: PressSubject, links: Links, language: str
) -> HttpResponse:
    if request.method == "POST":
        press_release_redraft(subject=subject, language=language, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Le texte a été rédigé de nouveau à partir des données."))
        return redirect(links.url(language=language))
    return render(
        request,
        "reports/press_redraft.html",
        {
            "subject": subject,
            "session": subject.session,
            "workshop": subject.workshop,
            "language": language,
            "edit_url": links.url(language=language),
        },
    )


def _export(subject: PressSubject, language: str, fmt: str) -> HttpResponse:
    release = press_release_current(subject=subject, language=language)
    audit_export(
        what="press_release",
        fmt=fmt,
        obj=release if release.pk is not None else (subject.session or subject.workshop),
        language=language,
        photo=str(release.photo.uid) if release.photo is not None else None,
    )
    if fmt == "docx":
        data, content_type = press_release_docx(release=release), DOCX
    else:
        data, content_type = press_release_pdf(release=release), PDF
    return attachment(data, filename=f"{_stem(subject, language)}.{fmt}", content_type=content_type)


@requires("write_press")
def session_press(request: HttpRequest, uid: object, language: str) -> HttpResponse:
    subject, links = _session_subject(request, uid)
    return _edit(request, subject, links, _language(language))


@requires("write_press")
def session_press_redraft(request: HttpRequest, uid: object, language: str) -> HttpResponse:
    subject, links = _session_subject(request, uid)
    return _redraft(request, subject, links, _language(language))


@require_GET
@requires("write_press")
def session_press_docx(request: HttpRequest, uid: object, language: str) -> HttpResponse:
    subject, _links = _session_subject(request, uid)
    return _export(subject, _language(language), "docx")


@require_GET
@requires("write_press")
def session_press_pdf(request: HttpRequest, uid: object, language: str) -> HttpResponse:
    subject, _links = _session_subject(request, uid)
    return _export(subject, _language(language), "pdf")


@requires("write_press")
def workshop_press(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    subject, links = _workshop_subject(request, pk)
    return _edit(request, subject, links, _language(language))


@requires("write_press")
def workshop_press_redraft(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    subject, links = _workshop_subject(request, pk)
    return _redraft(request, subject, links, _language(language))


@require_GET
@requires("write_press")
def workshop_press_docx(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    subject, _links = _workshop_subject(request, pk)
    return _export(subject, _language(language), "docx")


@require_GET
@requires("write_press")
def workshop_press_pdf(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    subject, _links = _workshop_subject(request, pk)
    return _export(subject, _language(language), "pdf")
