"""Who signs a payment statement, and the approval block printed at its foot (issue 11).

An accountant signs a statement only with its approval chain under it: « Établi par » (prepared
by), « Vérifié par » (checked by), « Approuvé par » (approved by). Each box is filled from the
signatory the organisation page puts in it (``core.Signatory.statement_role``): name and title,
then a date line and room to sign and stamp. A box nobody holds is printed all the same, with
dotted lines to fill in by hand, and the statements page warns before issuing.

The boxes are read from the signatories' roles, not from their order: an organisation with only
its approving authority set gets that name under « Approuvé par », not under « Établi par ».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from kalan.core import formats
from kalan.core.models import Organisation, Signatory
from kalan.core.render import layout

SIGN_HEIGHT = 22 * mm  # room for a signature and the service's stamp
PADDING = 5
DOT = "."


@dataclass(frozen=True, kw_only=True)
class SignatureBox:
    """One box of the approval block: its role and who holds it ("" when nobody does)."""

    role: str  # a Signatory.StatementRole value
    name: str = ""
    title: str = ""

    @property
    def label(self) -> str:
        """« Établi par », in the active language."""
        return str(Signatory.StatementRole(self.role).label)

    @property
    def blank(self) -> bool:
        return not self.name


def statement_signers(*, organisation: Organisation | None) -> list[SignatureBox]:
    """The three boxes in signing order, each with its signatory or blank: one query.

    Should two signatories hold one box (the organisation form refuses it, a shell may not),
    the first by order signs.
    """
    held: dict[str, Signatory] = {}
    if organisation is not None and organisation.pk:
        signatories = organisation.signatories.exclude(statement_role="").order_by(
            "order", "name", "pk"
        )
        for signatory in signatories:
            held.setdefault(signatory.statement_role, signatory)
    return [
        SignatureBox(role=role, name=held[role].name, title=held[role].title)
        if role in held
        else SignatureBox(role=role)
        for role in Signatory.StatementRole.values
    ]


def _dotted(label: str, value: str, style: ParagraphStyle, width: float) -> Paragraph:
    """« Nom : Awa Traoré », or « Nom : ………… » to the end of the box when there is no value."""
    if value:
        return layout.para(f"{label} {value}", style)
    text = formats.fr(label) + " "
    room = width - pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
    dots = max(int(room / pdfmetrics.stringWidth(DOT, style.fontName, style.fontSize)) - 2, 3)
    return layout.para(label + " " + DOT * dots, style)


def approval_block(boxes: Sequence[SignatureBox], *, width: float) -> Flowable:
    """The boxes side by side over ``width``: role, name, title, date, room to sign. Kept on one
    page (the statement's layout keeps it under the last rows)."""
    column = width / len(boxes)
    inner = column - 2 * PADDING
    head = ParagraphStyle(
        "kalan-approval-head",
        parent=layout.CELL_BOLD,
        fontSize=9.5,
        leading=12,
        alignment=TA_CENTER,
    )
    text = ParagraphStyle("kalan-approval-text", parent=layout.CELL, fontSize=9, leading=12)
    rows = [
        [layout.para(box.label, head) for box in boxes],
        [_dotted(_("Nom :"), box.name, text, inner) for box in boxes],
        [_dotted(_("Fonction :"), box.title, text, inner) for box in boxes],
        [_dotted(_("Date :"), "", text, inner) for box in boxes],
        [layout.para(_("Signature et cachet :"), text) for box in boxes],
        ["" for box in boxes],
    ]
    columns = range(len(boxes))
    table = Table(
        rows,
        colWidths=[column] * len(boxes),
        rowHeights=[None, None, None, None, None, SIGN_HEIGHT],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, 0), layout.BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, layout.RULE),
                *(("BOX", (n, 0), (n, -1), 0.5, layout.RULE) for n in columns),
            ]
        ),
    )
    return KeepTogether([table])
