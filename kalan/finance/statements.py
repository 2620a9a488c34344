"""Per-diem and transport payment statements (états de paiement), computed from attendance.

The rules, as finance applies them:

- **Who is paid.** Everyone enrolled in the session, whatever their role (participant,
  facilitator, organiser, observer), who was marked present at least once. The role is shown on
  each line, and lines come grouped by role (participants first, in the order of the roles'
  choices), then by name. A person with no attendance gets no line at all.
- **Days.** A period marked present counts one day, or half a day when the session takes
  attendance by half-day (morning and afternoon). Only the periods the session takes now count
  (its days × its halves, as on the attendance page): a mark left from before a switch between
  whole days and half-days is not paid.
- **Per diem.** days × the session's per-diem rate, in whole XOF. A half-day of an odd rate gives
  half a franc: it is rounded up, in favour of the payee (integer arithmetic, no float).
- **Transport.** The session's transport lump sum, once, for anyone present at least once.

An issued statement is a ``PaymentStatement``: its number ("EP-2022-0001", per year of the
session), its lines and total as of the day it was issued, the fingerprint of the attendance and
rates they come from, and the PDF handed to finance. Nothing ever rewrites or deletes it; when
attendance or rates change afterwards the fingerprint no longer matches and the statement is
shown as outdated (périmé), to be issued again under a new number.

A statement is a French accounting document ("Arrêté le présent état à la somme de…"): it is
always produced in French, whatever the language of the page that asks for it. Each row names
the payee by name and service number (matricule); the overall total always stands under the
last rows, never alone on a page, followed by the approval block « Établi par / Vérifié par /
Approuvé par » (``kalan.finance.signatures``), printed on every statement (issue 11).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from num2words import num2words
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from kalan.core import formats
from kalan.core.models import Organisation, User
from kalan.core.numbering import NumberingError, sequence_next, sequence_of
from kalan.core.render import layout
from kalan.core.render.spreadsheets import CellValue, ExportTable, spreadsheet_safe
from kalan.finance import signatures
from kalan.finance.errors import StatementError
from kalan.finance.models import PaymentStatement
from kalan.workshops.models import Attendance, Enrollment, Session, enrollment_sort_key

NUMBER_PREFIX = "EP"

# Page geometry of the PDF (A4 landscape). Every person row has the same height (room for two
# lines of text and a signature), so the rows a page holds are known before drawing: that is
# what lets each page end with its own total (see ``statement_pdf``).
ROW_HEIGHT = 9 * mm
HEAD_HEIGHT = 9 * mm
SUM_HEIGHT = 6 * mm
TITLE_GAP = 2 * mm
SLACK = 4 * mm  # what platypus may add around a table, with room to spare
TITLE = ParagraphStyle("kalan-statement-title", parent=layout.TITLE, fontSize=14, leading=18)
CLOSING = ParagraphStyle(
    "kalan-statement-closing", parent=layout.BODY, alignment=TA_LEFT, fontName=layout.FONT_BOLD
)
PLACE_DATE = ParagraphStyle(
    "kalan-statement-place-date", parent=layout.BODY, alignment=TA_RIGHT, spaceBefore=4
)
# The title and the rates above the first page's table: one line each.
TITLE_HEIGHT = (
    TITLE.leading
    + TITLE.spaceAfter
    + layout.SUBTITLE.leading
    + layout.SUBTITLE.spaceAfter
    + TITLE_GAP
)
_TABLE_ROOM = layout.content_height(landscape=True) - HEAD_HEIGHT - SUM_HEIGHT - SLACK
ROWS_PER_PAGE = int(_TABLE_ROOM // ROW_HEIGHT)  # 15
FIRST_PAGE_ROWS = int((_TABLE_ROOM - TITLE_HEIGHT) // ROW_HEIGHT)  # 13
# The overall total, the amount in words and the approval block, in rows (at least; measured
# in ``statement_pdf``): always under the last rows, never on a page of their own.
CLOSING_ROWS = 8
# N°, name, service number, rank, corps and unit, role, days, per diem, transport, total; the
# signature box takes the rest of the width.
_WIDTHS = [18, 120, 54, 70, 128, 56, 32, 54, 54, 58]
COLUMN_WIDTHS = [*_WIDTHS, layout.content_width(landscape=True) - sum(_WIDTHS)]
# What a person row's text may take: the row less the table's padding (2 pt above and below,
# 3 pt each side, kalan.core.render.layout.table). A longer text is printed smaller to fit.
CELL_ROOM = ROW_HEIGHT - 4
CELL_SIZES = (8, 7.5, 7, 6.5, 6)


@dataclass(frozen=True, kw_only=True)
class StatementLine:
    """One person's line: what they are paid and why. Stored as JSON in ``PaymentStatement``."""

    number: int
    name: str
    rank: str
    corps: str
    unit: str
    role: str  # the Enrollment.Role value: "participant", "facilitator"…
    periods: int  # periods present: days, or half-days when the session takes those
    days: float  # 2.5 for five half-days
    per_diem: int
    transport: int
    total: int
    # The payee's service number (matricule), to tell two namesakes apart; "" for a civilian,
    # and for the lines of statements issued before it was printed (issue 11).
    service_number: str = ""

    @property
    def role_label(self) -> str:
        try:
            return str(Enrollment.Role(self.role).label)
        except ValueError:
            return self.role

    @property
    def days_text(self) -> str:
        """« 3 », « 2,5 » (« 2.5 » in English)."""
        return formats.days(self.days)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatementLine:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def statement_total(lines: Iterable[StatementLine]) -> int:
    return sum(line.total for line in lines)


@dataclass(frozen=True)
class StatementSums:
    days: float
    per_diem: int
    transport: int
    total: int

    @property
    def days_text(self) -> str:
        return formats.days(self.days)


def statement_sums(lines: Sequence[StatementLine]) -> StatementSums:
    """The column totals of some lines: a page's, or the whole statement's."""
    days = sum(line.days for line in lines)
    return StatementSums(
        days=int(days) if float(days).is_integer() else days,
        per_diem=sum(line.per_diem for line in lines),
        transport=sum(line.transport for line in lines),
        total=statement_total(lines),
    )


def _periods(session: Session) -> set[tuple[dt.date, str]]:
    """The (day, half) the session takes attendance for: only these are paid."""
    return {(day, half) for day in session.days for half in session.halves}


def _fingerprint(session: Session, rows: Iterable[tuple[str, str, dt.date, str]]) -> str:
    """SHA-256 of the rates, the periods and the attendance rows (enrollment, role, day, half).

    Names are left out on purpose: correcting a spelling does not change what anyone is owed.
    """
    digest = hashlib.sha256()
    digest.update(
        (
            f"per_diem={session.per_diem_rate};transport={session.transport_rate};"
            f"half_days={int(session.half_days)};"
            f"start={session.start_date.isoformat()};end={session.end_date.isoformat()}\n"
        ).encode()
    )
    for uid, role, day, half in sorted(rows, key=lambda r: (r[0], r[2], r[3])):
        digest.update(f"{uid};{role};{day.isoformat()};{half}\n".encode())
    return digest.hexdigest()


def _read(session: Session) -> tuple[list[StatementLine], str]:
    """The lines and the fingerprint of the very same rows read: two queries."""
    # A superseded enrollment (kalan.workshops.merge) is the same person again: never paid twice.
    enrollments = (
        session.enrollments.filter(superseded_by__isnull=True)
        .select_related("person__rank", "person__corps", "person__unit")
        .prefetch_related(
            Prefetch(
                "attendances", queryset=Attendance.objects.only("enrollment_id", "day", "half")
            )
        )
    )
    periods = _periods(session)
    rows: list[tuple[str, str, dt.date, str]] = []
    lines: list[StatementLine] = []
    for enrollment in sorted(enrollments, key=enrollment_sort_key):
        present = [
            (a.day, a.half) for a in enrollment.attendances.all() if (a.day, a.half) in periods
        ]
        rows.extend((str(enrollment.uid), enrollment.role, day, half) for day, half in present)
        count = len(present)
        if not count:
            continue
        if session.half_days:
            days = count / 2
            per_diem = (count * session.per_diem_rate + 1) // 2  # half a franc rounds up
        else:
            days = float(count)
            per_diem = count * session.per_diem_rate
        transport = session.transport_rate
        person = enrollment.person
        lines.append(
            StatementLine(
                number=len(lines) + 1,
                name=person.full_name,
                service_number=person.service_number,
                rank=str(person.rank or ""),
                corps=str(person.corps or ""),
                unit=str(person.unit or ""),
                role=enrollment.role,
                periods=count,
                days=int(days) if days.is_integer() else days,
                per_diem=per_diem,
                transport=transport,
                total=per_diem + transport,
            )
        )
    return lines, _fingerprint(session, rows)


def statement_lines(*, session: Session) -> list[StatementLine]:
    """The statement as attendance and rates give it now, one line per person paid."""
    return _read(session)[0]


def statement_fingerprint(*, session: Session) -> str:
    """The fingerprint of the attendance and rates the lines come from: one query."""
    periods = _periods(session)
    rows = [
        (str(uid), role, day, half)
        for uid, role, day, half in Attendance.objects.filter(
            enrollment__session=session, enrollment__superseded_by__isnull=True
        ).values_list("enrollment__uid", "enrollment__role", "day", "half")
        if (day, half) in periods
    ]
    return _fingerprint(session, rows)


def statement_outdated(statement: PaymentStatement, *, current: str | None = None) -> bool:
    """Attendance or rates changed since the statement was issued.

    ``current`` is the session's fingerprint when the caller already has it (a list of the
    session's statements computes it once for all).
    """
    if current is None:
        current = statement_fingerprint(session=statement.session)
    return statement.fingerprint != current


def amount_in_words(amount: int) -> str:
    """« deux millions quatre cent mille »: French words, as num2words writes them."""
    return str(num2words(int(amount), lang="fr"))


def statement_closing(total: int) -> str:
    """« Arrêté le présent état à la somme de cent quarante-cinq mille (145 000) francs CFA »."""
    return _("Arrêté le présent état à la somme de %(words)s (%(figures)s) francs CFA") % {
        "words": amount_in_words(total),
        "figures": formats.amount(total),
    }


def number_prefix(*, session: Session) -> str:
    """The series of the session's statements, « EP-2022- » (the year it starts). A field kit
    sets a block of it aside for the venue laptop."""
    return f"{NUMBER_PREFIX}-{session.start_date.year}-"


def _next_number(session: Session) -> str:
    """The next number of the series (``kalan.core.numbering``: past the blocks kits took, or
    inside this laptop's own block). Raises StatementError on a laptop whose block is used up."""
    prefix = number_prefix(session=session)
    taken = PaymentStatement.objects.filter(number__startswith=prefix).values_list(
        "number", flat=True
    )
    try:
        sequence = sequence_next(
            prefix=prefix,
            taken=(n for n in (sequence_of(number, prefix) for number in taken) if n is not None),
        )
    except NumberingError as error:
        raise StatementError(error.message, code=error.code) from None
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def statement_issue(*, session: Session, by: User | None) -> PaymentStatement:
    """Issue the statement as attendance gives it now: number, lines, total, fingerprint, PDF.

    The number is the next of the session's year ("EP-2022-0007"). Issuing takes a lock on the
    organisation's row (PostgreSQL; SQLite transactions are already serialised by
    ``transaction_mode=IMMEDIATE``), so two people issuing at once get two numbers, not one;
    the unique number stays the last guard.

    Raises StatementError:
    - ``statement_empty``: nobody was marked present, there is nothing to pay;
    - ``statement_current``: the last statement issued for the session is still up to date —
      download it again rather than put a second list of the same payments in circulation.
    """
    organisation = Organisation.objects.select_for_update().order_by("pk").first()
    lines, fingerprint = _read(session)
    if not lines:
        raise StatementError(
            _("Personne n’a été marqué présent : il n’y a rien à payer."), code="statement_empty"
        )
    last = session.payment_statements.order_by("-created_at", "-pk").first()
    if last is not None and last.fingerprint == fingerprint:
        raise StatementError(
            _("L’état %(number)s est à jour : téléchargez-le plutôt que d’en émettre un autre.")
            % {"number": last.number},
            code="statement_current",
        )
    issued_on = timezone.localdate()
    total = statement_total(lines)
    for _attempt in range(3):
        number = _next_number(session)
        pdf = statement_pdf(
            session=session,
            organisation=organisation,
            lines=lines,
            number=number,
            issued_on=issued_on,
        )
        statement = PaymentStatement(
            session=session,
            number=number,
            lines=[line.as_json() for line in lines],
            total=total,
            fingerprint=fingerprint,
            issued_by=by,
        )
        statement.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                statement.save()
        except IntegrityError:
            statement.pdf.delete(save=False)
            continue
        return statement
    raise StatementError(
        _("Un autre état vient d’être émis : réessayez."), code="statement_number_taken"
    )


def statement_stored_lines(statement: PaymentStatement) -> list[StatementLine]:
    return [StatementLine.from_json(data) for data in statement.lines]


# XLSX -------------------------------------------------------------------------------------------


def statement_table(
    *,
    session: Session,
    lines: Sequence[StatementLine],
    number: str = "",
    issued_on: dt.date | None = None,
) -> ExportTable:
    """The lines as a sheet: values only (no formula), the totals, the amount in words.

    Texts go through ``spreadsheet_safe``, so a name that starts with "=" stays a text.
    """
    with translation.override("fr"):
        total = statement_total(lines)
        rows: list[list[CellValue]] = [
            [
                line.number,
                spreadsheet_safe(line.name),
                spreadsheet_safe(line.service_number),
                spreadsheet_safe(line.rank),
                spreadsheet_safe(line.corps),
                spreadsheet_safe(line.unit),
                spreadsheet_safe(line.role_label),
                line.days,
                line.per_diem,
                line.transport,
                line.total,
            ]
            for line in lines
        ]
        rows.append([None] * 11)
        sums = statement_sums(lines)
        blank: list[CellValue] = [None] * 5
        rows.append(
            [None, _("Total"), *blank, sums.days, sums.per_diem, sums.transport, sums.total]
        )
        rows.append([None, statement_closing(total)])
        if number:
            issued = f" — {issued_on:%d/%m/%Y}" if issued_on else ""
            rows.append([None, _("État n° %(number)s") % {"number": number} + issued])
        else:
            rows.append([None, _("Aperçu : cet état n’a pas été émis.")])
        headers = [
            _("N°"),
            _("Nom et prénoms"),
            _("Matricule"),
            _("Grade"),
            _("Corps"),
            _("Unité"),
            _("Rôle"),
            _("Jours"),
            _("Per diem (FCFA)"),
            _("Transport (FCFA)"),
            _("Total (FCFA)"),
        ]
        return ExportTable(
            title=_("État de paiement"),
            headers=headers,
            rows=rows,
            widths=[6, 30, 14, 22, 14, 28, 14, 8, 16, 16, 16],
        )


def _page_chunks(count: int, *, closing_rows: int = CLOSING_ROWS) -> list[tuple[int, int]]:
    """(start, end) of the lines on each page: FIRST_PAGE_ROWS, then ROWS_PER_PAGE each.

    The last page ends with the overall total and the closing block (words, approval block),
    which take ``closing_rows`` rows' worth of room. When the last rows do not leave that much,
    part of them goes over to the next page with the closing block: the total never stands on
    a page without rows above it (issue 11). Half of them go, at most what leaves room.
    """
    chunks, start, room = [], 0, FIRST_PAGE_ROWS
    while start < count:
        chunks.append((start, min(start + room, count)))
        start, room = start + room, ROWS_PER_PAGE
    if not chunks:
        return chunks
    first, last = chunks[-1]
    room = FIRST_PAGE_ROWS if len(chunks) == 1 else ROWS_PER_PAGE
    rows = last - first
    if rows > 1 and rows + closing_rows > room:
        carried = max(1, min(rows // 2, ROWS_PER_PAGE - closing_rows))
        chunks[-1:] = [(first, last - carried), (last - carried, last)]
    return chunks


def _money_cell(value: int | float, style: ParagraphStyle) -> Flowable:
    return Paragraph(formats.amount(value), style)


def _sum_row(label: str, lines: Sequence[StatementLine], styles: _Styles) -> list[Any]:
    sums = statement_sums(lines)
    return [
        Paragraph(formats.fr(label), styles.bold),
        *([""] * 5),
        Paragraph(sums.days_text, styles.bold_center),
        _money_cell(sums.per_diem, styles.bold_right),
        _money_cell(sums.transport, styles.bold_right),
        _money_cell(sums.total, styles.bold_right),
        "",
    ]


@dataclass(frozen=True)
class _Styles:
    cell: ParagraphStyle
    right: ParagraphStyle
    center: ParagraphStyle
    bold: ParagraphStyle
    bold_right: ParagraphStyle
    bold_center: ParagraphStyle


def _styles() -> _Styles:
    cell = ParagraphStyle("kalan-statement-cell", parent=layout.CELL, fontSize=8, leading=9.6)
    bold = ParagraphStyle("kalan-statement-bold", parent=cell, fontName=layout.FONT_BOLD)
    return _Styles(
        cell=cell,
        right=ParagraphStyle("kalan-statement-right", parent=cell, alignment=TA_RIGHT),
        center=ParagraphStyle("kalan-statement-center", parent=cell, alignment=TA_CENTER),
        bold=bold,
        bold_right=ParagraphStyle("kalan-statement-bold-right", parent=bold, alignment=TA_RIGHT),
        bold_center=ParagraphStyle("kalan-statement-bold-center", parent=bold, alignment=TA_CENTER),
    )


# Per process, and harmless so: a style per font size, the same in every process (README,
# "Serveur du siège").
_FITTED: dict[float, ParagraphStyle] = {}


def _fitted(text: str, style: ParagraphStyle, column: float) -> Paragraph:
    """The text in a person row's cell, smaller when it would overflow the row's fixed height
    (a long unit name takes three lines at 8 pt)."""
    scratch = None
    for size in CELL_SIZES:
        if size not in _FITTED:
            _FITTED[size] = ParagraphStyle(
                f"kalan-statement-cell-{size}", parent=style, fontSize=size, leading=size * 1.2
            )
        scratch = layout.para(text, _FITTED[size])
        if scratch.wrap(column - 6, CELL_ROOM)[1] <= CELL_ROOM:
            break
    assert scratch is not None
    return scratch


def _line_row(line: StatementLine, styles: _Styles) -> list[Any]:
    where = " — ".join(part for part in (line.corps, line.unit) if part)
    texts = [line.name, line.service_number, line.rank, where, line.role_label]
    return [
        Paragraph(str(line.number), styles.center),
        *(
            _fitted(text, styles.cell, width)
            for text, width in zip(texts, COLUMN_WIDTHS[1:6], strict=True)
        ),
        Paragraph(line.days_text, styles.center),
        _money_cell(line.per_diem, styles.right),
        _money_cell(line.transport, styles.right),
        _money_cell(line.total, styles.right),
        "",
    ]


def _page_table(head: list[str], rows: list[list[Any]], sums: int) -> Flowable:
    """A page's table: header, person rows of fixed height, ``sums`` total rows at the bottom."""
    people = len(rows) - sums
    # The total rows' label spans the columns from N° to Rôle.
    spans = [("SPAN", (0, n), (5, n)) for n in range(people + 1, people + 1 + sums)]
    shading = [("BACKGROUND", (0, people + 1), (-1, -1), layout.BAND)] if sums else []
    return layout.table(
        [head, *rows],
        col_widths=COLUMN_WIDTHS,
        row_heights=[HEAD_HEIGHT, *([ROW_HEIGHT] * people), *([SUM_HEIGHT] * sums)],
        styles=[*spans, *shading],
        font_size=8,
    )


def statement_pdf(
    *,
    session: Session,
    organisation: Organisation | None,
    lines: Sequence[StatementLine],
    number: str,
    issued_on: dt.date,
) -> bytes:
    """The statement on A4 landscape pages: a fixed number of rows per page and, under them,
    "Total de la page"; then the overall total, the amount in words and the approval block.

    Page totals are made by chunking, not by a page hook: rows have a fixed height, so the
    rows a page holds are known in advance (FIRST_PAGE_ROWS under the title, ROWS_PER_PAGE
    after), each chunk is one table that ends with its total row, and a page break follows it.
    The closing block (CLOSING_ROWS rows' worth, or its measured height if larger) always goes
    under the last rows: ``_page_chunks`` moves some of them to a new page when it would not fit.
    """
    with translation.override("fr"):
        styles = _styles()
        header_lines = _statement_header_lines(session=session, number=number, issued_on=issued_on)
        closing = _closing_block(
            session=session,
            organisation=organisation,
            lines=lines,
            total=statement_total(lines),
            number=number,
            issued_on=issued_on,
        )
        closing_rows = max(CLOSING_ROWS, math.ceil((_height(closing) + SUM_HEIGHT) / ROW_HEIGHT))
        story: list[Flowable] = [
            *_statement_title(session),
            *_statement_tables(lines, styles=styles, closing_rows=closing_rows),
            *closing,
        ]
        return layout.build_pdf(
            title=_("État de paiement %(number)s") % {"number": number},
            story=story,
            landscape=True,
            header_lines=header_lines,
            organisation=organisation,
        )


def _statement_header_lines(*, session: Session, number: str, issued_on: dt.date) -> list[str]:
    """The lines repeated at the top of each page: workshop, session, statement number."""
    return [
        session.workshop.title,
        _("Session %(number)s — %(venue)s, %(place)s — %(dates)s")
        % {
            "number": session.number,
            "venue": session.venue,
            "place": session.place,
            "dates": formats.date_range(session.start_date, session.end_date),
        },
        _("État de paiement n° %(number)s du %(date)s")
        % {"number": number, "date": formats.date_short(issued_on)},
    ]


def _statement_title(session: Session) -> list[Flowable]:
    """The title and the rates, above the first page's rows."""
    return [
        layout.para(_("État de paiement des per diem et des frais de transport"), TITLE),
        layout.para(
            _("Per diem : %(per_diem)s F CFA par jour — transport : %(transport)s F CFA")
            % {
                "per_diem": formats.amount(session.per_diem_rate),
                "transport": formats.amount(session.transport_rate),
            },
            layout.SUBTITLE,
        ),
        Spacer(1, TITLE_GAP),
    ]


def _pdf_column_heads() -> list[str]:
    """The PDF's column headings (the spreadsheet's put corps and unit apart, without signature)."""
    return [
        _("N°"),
        _("Nom et prénoms"),
        _("Matricule"),
        _("Grade"),
        _("Corps — unité"),
        _("Rôle"),
        _("Jours"),
        _("Per diem (FCFA)"),
        _("Transport (FCFA)"),
        _("Total (FCFA)"),
        _("Émargement"),
    ]


def _statement_tables(
    lines: Sequence[StatementLine], *, styles: _Styles, closing_rows: int
) -> list[Flowable]:
    """One table per page, each ending with its page total; the last one with the overall
    total too, right under its rows."""
    head = _pdf_column_heads()
    story: list[Flowable] = []
    chunks = _page_chunks(len(lines), closing_rows=closing_rows)
    for index, (start, end) in enumerate(chunks):
        page = lines[start:end]
        rows = [_line_row(line, styles) for line in page]
        rows.append(_sum_row(_("Total de la page"), page, styles))
        last = index == len(chunks) - 1
        if last:
            rows.append(_sum_row(_("Total général"), lines, styles))
        story.append(_page_table(head, rows, sums=len(rows) - len(page)))
        if not last:
            story.append(PageBreak())
    if not chunks:
        story.append(_page_table(head, [_sum_row(_("Total général"), lines, styles)], sums=1))
    return story


def _height(flowables: Sequence[Flowable]) -> float:
    """The height the flowables take in the frame, spaces included.

    ``KeepTogether`` reports an impossible height on purpose (to make the frame split it), so
    its content is measured instead.
    """
    scratch = Canvas(io.BytesIO())
    width, height = layout.content_width(landscape=True), layout.content_height(landscape=True)
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += _height(flowable._content)
            continue
        total += (
            flowable.wrapOn(scratch, width, height)[1]
            + flowable.getSpaceBefore()
            + flowable.getSpaceAfter()
        )
    return total


def _closing_block(
    *,
    session: Session,
    organisation: Organisation | None,
    lines: Sequence[StatementLine],
    total: int,
    number: str,
    issued_on: dt.date,
) -> list[Flowable]:
    """The amount in words, the statement's number and date, and the approval block: always
    printed, with blank lines in the boxes no signatory holds (see ``finance.signatures``)."""
    place_date = _("%(place)s, le %(date)s") % {
        "place": session.place,
        "date": formats.date_short(issued_on),
    }
    persons = len(lines)
    return [
        Spacer(1, 3 * mm),
        layout.para(statement_closing(total), CLOSING),
        layout.para(
            ngettext(
                "État n° %(number)s — %(persons)s personne — émis le %(date)s",
                "État n° %(number)s — %(persons)s personnes — émis le %(date)s",
                persons,
            )
            % {"number": number, "persons": persons, "date": formats.date_short(issued_on)},
            layout.SMALL,
        ),
        layout.para(place_date, PLACE_DATE),
        signatures.approval_block(
            signatures.statement_signers(organisation=organisation),
            width=layout.content_width(landscape=True),
        ),
    ]
