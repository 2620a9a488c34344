"""Certificates of participation (attestations): who earns one, issuing, revoking, the PDF.

A participant earns a certificate when the share of the session's attendance periods (days, or
half-days when the session tracks them) they were marked present for reaches the session's
``certificate_min_percent``. Each certificate has a number that people read (« CNDH-2022-0041 »)
and a random short code that leads to the public verification page (``/v/K7P2QXMA/``).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, Spacer, Table, TableStyle

from kalan.certificates.errors import CertificateError
from kalan.certificates.models import Certificate
from kalan.core.audit import audit_bulk_created
from kalan.core.formats import NBSP, date_short, dates_phrase, fr
from kalan.core.models import Organisation, Signatory, User
from kalan.core.numbering import NumberingError, sequence_next, sequence_of
from kalan.core.render.layout import (
    BODY,
    FONT,
    FONT_BOLD,
    SMALL,
    build_pdf,
    content_width,
    para,
    signatures_block,
)
from kalan.people.models import Person
from kalan.workshops.models import Enrollment, Session

# No 0/O, 1/I: a code read aloud over the phone or typed from paper cannot be mistaken.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8  # 32**8 = 2**40 codes: with the page's rate limit, not worth guessing
NUMBER_DIGITS = 4


def certificate_periods(*, session: Session) -> int:
    """How many attendance periods the session has: its days, or twice that in half-days."""
    return len(session.days) * len(session.halves)


def _attended_filter(session: Session, prefix: str = "") -> Q:
    """Marks inside the session's days and periods: a stray mark outside them counts for nothing."""
    return Q(
        **{
            f"{prefix}day__gte": session.start_date,
            f"{prefix}day__lte": session.end_date,
            f"{prefix}half__in": session.halves,
        }
    )


def _meets_rule(*, attended: int, periods: int, min_percent: int) -> bool:
    # Whole numbers only: 4 half-days out of 5 is 80 % exactly, never 79.999…
    return attended > 0 and attended * 100 >= min_percent * periods


def _can_earn(enrollment: Enrollment) -> bool:
    # A superseded enrollment (kalan.workshops.merge): the person earns it on the other one.
    return (
        enrollment.role == Enrollment.Role.PARTICIPANT
        and enrollment.status != Enrollment.Status.WITHDRAWN
        and enrollment.superseded_by_id is None
    )


def certificate_eligible(*, enrollment: Enrollment) -> bool:
    """Whether this enrollment earns a certificate under its session's attendance rule.

    Only participants who did not withdraw; facilitators, organisers and observers get none.
    """
    if not _can_earn(enrollment):
        return False
    session = enrollment.session
    attended = enrollment.attendances.filter(_attended_filter(session)).count()
    return _meets_rule(
        attended=attended,
        periods=certificate_periods(session=session),
        min_percent=session.certificate_min_percent,
    )


@dataclass(frozen=True)
class EligibilityRow:
    """One participant of the certificates page: periods attended, the rule, the certificate."""

    enrollment: Enrollment
    attended: int
    periods: int
    eligible: bool
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.periods) if self.periods else 0


def _participants(session: Session) -> QuerySet[Enrollment]:
    return (
        session.enrollments.filter(role=Enrollment.Role.PARTICIPANT, superseded_by__isnull=True)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .annotate(attended=Count("attendances", filter=_attended_filter(session, "attendances__")))
        .order_by("person__sort_last", "person__sort_first", "pk")
    )


def certificate_eligibility(*, session: Session) -> list[EligibilityRow]:
    """Every participant of the session who did not withdraw, with their share attended and their
    certificate if they have one. Two queries, whatever the size."""
    periods = certificate_periods(session=session)
    enrollments = _participants(session).select_related("person")
    certificates = {
        c.enrollment_id: c for c in Certificate.objects.filter(enrollment__session=session)
    }
    rows = []
    for enrollment in enrollments:
        attended: int = enrollment.attended  # type: ignore[attr-defined]
        rows.append(
            EligibilityRow(
                enrollment=enrollment,
                attended=attended,
                periods=periods,
                eligible=_meets_rule(
                    attended=attended,
                    periods=periods,
                    min_percent=session.certificate_min_percent,
                ),
                certificate=certificates.get(enrollment.pk),
            )
        )
    return rows


def _organisation_of(session: Session) -> Organisation:
    return session.workshop.axis.plan.organisation


def number_prefix(*, session: Session) -> str:
    """The series of the session's certificates: the institution's acronym and the year it ends,
    « CNDH-2022- ». A field kit sets a block of it aside for the venue laptop."""
    organisation = _organisation_of(session)
    acronym = "".join(c for c in (organisation.acronym or "").upper() if c.isalnum())
    if not acronym:
        acronym = "".join(word[0] for word in organisation.name.split() if word[:1].isupper())
    return f"{acronym or 'ATT'}-{session.end_date.year}-"


def _next_sequence(prefix: str, count: int) -> int:
    """The first of ``count`` numbers (``kalan.core.numbering``: past the blocks kits took, or
    inside this laptop's own block). Raises NumberingError on a laptop whose block is used up."""
    taken = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    return sequence_next(
        prefix=prefix,
        taken=(n for n in (sequence_of(number, prefix) for number in taken) if n is not None),
        count=count,
    )


def short_code_new() -> str:
    """A random code of eight letters and digits from an alphabet with no 0/O or 1/I."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def _short_codes(count: int) -> list[str]:
    """``count`` codes that no certificate holds yet (a clash is rare; it is drawn again)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {short_code_new() for _ in range(count - len(codes))} - codes
        fresh -= set(
            Certificate.objects.filter(short_code__in=fresh).values_list("short_code", flat=True)
        )
        codes |= fresh
    return list(codes)


@transaction.atomic
def certificates_issue(
    *, session: Session, by: User | None, language: str = Certificate.Language.FR
) -> list[Certificate]:
    """Issue a certificate to every participant of the session who earns one and has none yet.

    Returns the certificates issued by this call (empty when there was nobody new): a participant
    already certified keeps their certificate, number and code, even a revoked one. Numbers run
    per institution and year, « CNDH-2022-0041 », in alphabetical order of the new holders.
    Raises CertificateError (code ``language_unknown``) for a language other than fr or en.
    """
    if language not in Certificate.Language.values:
        raise CertificateError(
            _("Langue inconnue pour l’attestation."), code="language_unknown", field="language"
        )
    session = Session.objects.select_for_update().get(pk=session.pk)  # one issue at a time
    organisation = _organisation_of(session)
    # Numbers are given one at a time across all the institution's sessions.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    periods = certificate_periods(session=session)
    newcomers = [
        enrollment
        for enrollment in _participants(session).filter(certificate__isnull=True)
        if _meets_rule(
            attended=enrollment.attended,  # type: ignore[attr-defined]
            periods=periods,
            min_percent=session.certificate_min_percent,
        )
    ]
    if not newcomers:
        return []
    prefix = number_prefix(session=session)
    try:
        first = _next_sequence(prefix, len(newcomers))
    except NumberingError as error:
        raise CertificateError(error.message, code=error.code) from None
    codes = _short_codes(len(newcomers))
    certificates = [
        Certificate(
            enrollment=enrollment,
            number=f"{prefix}{first + n:0{NUMBER_DIGITS}d}",
            short_code=code,
            language=language,
            issued_by=by,
        )
        for n, (enrollment, code) in enumerate(zip(newcomers, codes, strict=True))
    ]
    for certificate in certificates:
        certificate.full_clean(validate_unique=False, validate_constraints=False)
    issued = Certificate.objects.bulk_create(certificates)
    audit_bulk_created(issued)  # bulk_create sends no signal
    return issued


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """Revoke a certificate: the verification page then says « révoquée ». It is kept, never
    deleted. Raises CertificateError: ``reason_required`` (field ``reason``), ``already_revoked``.
    """
    reason = reason.strip()
    if not reason:
        raise CertificateError(
            _("Indiquez le motif de la révocation."), code="reason_required", field="reason"
        )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise CertificateError(_("Cette attestation est déjà révoquée."), code="already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    return certificate


def verification_url(certificate: Certificate) -> str:
    """The public address the QR code holds: ``<KALAN_PUBLIC_URL>/v/<short code>/``."""
    return f"{settings.KALAN_PUBLIC_URL.rstrip('/')}/v/{certificate.short_code}/"


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate a typed code names, forgiving case, spaces and dashes; None if unknown."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    if len(cleaned) != SHORT_CODE_LENGTH or any(c not in SHORT_CODE_ALPHABET for c in cleaned):
        return None
    return (
        Certificate.objects.select_related("enrollment__person", "enrollment__session__workshop")
        .filter(short_code=cleaned)
        .first()
    )


# --- PDF -----------------------------------------------------------------------------------------

TITLE = ParagraphStyle(
    "kalan-certificate-title", fontName=FONT_BOLD, fontSize=26, leading=32, alignment=TA_CENTER
)
NUMBER = ParagraphStyle(
    "kalan-certificate-number", parent=SMALL, fontSize=9.5, leading=12, alignment=TA_CENTER
)
TEXT = ParagraphStyle(
    "kalan-certificate-text",
    parent=BODY,
    fontSize=13,
    leading=18,
    alignment=TA_CENTER,
    leftIndent=25 * mm,
    rightIndent=25 * mm,
)
HOLDER = ParagraphStyle(
    "kalan-certificate-holder", fontName=FONT_BOLD, fontSize=21, leading=27, alignment=TA_CENTER
)
VERIFY = ParagraphStyle("kalan-certificate-verify", parent=SMALL, fontSize=8, leading=10)
QR_SIZE = 34 * mm
OBJECTIVE_SIZE = 11.0


def certificates_for_pdf(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """What a certificate page prints, fetched with the certificates in one query."""
    return certificates.select_related(
        "enrollment__person__rank",
        "enrollment__session__place",
        "enrollment__session__workshop__axis__plan__organisation__country",
    )


def certificates_of_session(*, session: Session) -> list[Certificate]:
    """The session's valid certificates in number order: what « print all » prints."""
    return list(
        certificates_for_pdf(
            Certificate.objects.filter(
                enrollment__session=session,
                enrollment__superseded_by__isnull=True,
                revoked_at__isnull=True,
            )
        ).order_by("number")
    )


def _one_line(text: str, *, width: float, font: str, size: float) -> str:
    """The text cut with « … » so that it holds on one line at that size."""
    text = " ".join(text.split())
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip(" ,;:") + "…"


def _qr_image(url: str) -> Flowable:
    # segno writes PNG itself (no Pillow needed to make it); 4 px a module keeps edges crisp in
    # viewers that smooth an enlarged image.
    png = io.BytesIO()
    segno.make(url, error="m", micro=False).save(png, kind="png", scale=4, border=4)
    png.seek(0)
    return Image(png, width=QR_SIZE, height=QR_SIZE)


def _certificate_story(
    certificate: Certificate, signatories: Sequence[Signatory], organisation: Organisation
) -> list[Flowable]:
    enrollment = certificate.enrollment
    person, session = enrollment.person, enrollment.session
    workshop = session.workshop
    width = content_width(landscape=True)
    holder = _holder_name(person)
    objective = _objective_paragraph(workshop.general_objective, width=width)
    bottom = _verification_and_signatures(certificate, signatories, session=session, width=width)
    attests = gettext("%(institution)s atteste que") % {"institution": organisation.name}
    took_part = gettext("a participé à l’atelier « %(title)s », organisé %(dates)s à%(place)s.") % {
        "title": workshop.title,
        "dates": dates_phrase(session.start_date, session.end_date),
        "place": f"{NBSP}{session.place}",
    }
    return [
        Spacer(1, 8 * mm),
        para(gettext("ATTESTATION DE PARTICIPATION"), TITLE),
        para(gettext("N° %(number)s") % {"number": certificate.number}, NUMBER),
        Spacer(1, 10 * mm),
        para(attests, TEXT),
        Spacer(1, 4 * mm),
        para(holder, HOLDER),
        Spacer(1, 4 * mm),
        para(took_part, TEXT),
        Spacer(1, 2 * mm),
        objective,
        Spacer(1, 10 * mm),
        bottom,
    ]


def _holder_name(person: Person) -> str:
    """First names and LAST NAME, after the rank when the person has one."""
    holder = f"{person.first_names} {person.last_name.upper()}".strip()
    if person.rank_id:
        holder = f"{person.rank} {holder}"
    return holder


def _objective_paragraph(general_objective: str, *, width: float) -> Paragraph:
    """The workshop's general objective in small type, cut to hold on one line."""
    objective = _one_line(
        fr(gettext("Objectif général : ") + general_objective),
        width=width - TEXT.leftIndent - TEXT.rightIndent - 2 * mm,
        font=FONT,
        size=OBJECTIVE_SIZE,
    )
    return Paragraph(
        escape(objective),
        ParagraphStyle(
            "kalan-certificate-objective",
            parent=TEXT,
            fontSize=OBJECTIVE_SIZE,
            leading=14,
            textColor=SMALL.textColor,
        ),
    )


def _verification_and_signatures(
    certificate: Certificate, signatories: Sequence[Signatory], *, session: Session, width: float
) -> Table:
    """The foot of the page: how to verify the certificate on the left, place, date and
    signatures on the right."""
    qr_block = _verification_block(certificate)
    place_date = gettext("%(place)s, le %(date)s") % {
        "place": session.place,
        "date": date_short(session.end_date),
    }
    # The block is a KeepTogether, which a table cell cannot size: the cell takes its content
    # (the whole page is kept together anyway).
    block = signatures_block(signatories, place_date=place_date)
    signatures: list[Flowable] = list(getattr(block, "_content", [block]))
    return Table(
        [[qr_block, signatures]],
        colWidths=[80 * mm, width - 80 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def _verification_block(certificate: Certificate) -> Table:
    """The QR code of the verification page, its address and the certificate's short code."""
    url = verification_url(certificate)
    verify = Paragraph(
        fr(escape(gettext("Vérifier : %(url)s") % {"url": url}))
        + "<br/>"
        + escape(fr(gettext("Code : %(code)s"))) % {"code": f"<b>{certificate.short_code}</b>"},
        VERIFY,
    )
    return Table(
        [[_qr_image(url)], [verify]],
        colWidths=[75 * mm],
        style=TableStyle(
            [
                ("ALIGN", (0, 0), (0, 0), "LEFT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        ),
    )


def _signatories(organisation: Organisation) -> list[Signatory]:
    return list(
        Signatory.objects.filter(organisation=organisation, signs_certificates=True).order_by(
            "order", "name"
        )
    )


def certificates_pdf(*, certificates: Iterable[Certificate]) -> bytes:
    """One PDF, one A4 landscape page per certificate, each in its own language (the footer in
    the first one's). Fetch them with ``certificates_for_pdf`` to keep to one query."""
    certificates = list(certificates)
    if not certificates:
        raise CertificateError(_("Aucune attestation à imprimer."), code="nothing_to_print")
    first = certificates[0].enrollment.session
    organisation = first.workshop.axis.plan.organisation
    signers: dict[int, list[Signatory]] = {}
    story: list[Flowable] = []
    for n, certificate in enumerate(certificates):
        session = certificate.enrollment.session
        owner = session.workshop.axis.plan.organisation
        if owner.pk not in signers:
            signers[owner.pk] = _signatories(owner)
        with translation.override(certificate.language):
            if n:
                story.append(PageBreak())
            story.extend(_certificate_story(certificate, signers[owner.pk], owner))
    with translation.override(certificates[0].language):
        title = gettext("Attestations de participation — %(workshop)s") % {
            "workshop": first.workshop.title
        }
        return build_pdf(
            title=title,
            story=story,
            landscape=True,
            organisation=organisation,
            header_lines=[str(organisation.country)] if organisation.country_id else [],
        )


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """One certificate alone, to hand or send to its holder."""
    return certificates_pdf(certificates=[certificate])
