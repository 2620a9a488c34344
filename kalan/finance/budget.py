"""A workshop's budget against its actuals, line by line: the one definition of its figures.

Every figure of a budget line comes from here; ``kalan.reports.figures_finance`` builds the
financial report on these same functions.

- *planned*: ``BudgetLine.planned``.
- *committed*: the expenses recorded on the line and not yet checked (``checked_by`` empty).
- *spent*: the expenses checked, plus, on the per-diem and transport lines, what the payment
  statements of the workshop's sessions paid (the latest statement issued for each session, as
  ``reports.figures.budget`` counts it; an outdated statement still counts until another is
  issued). The per-diem / transport split is read from the statement's lines. Those amounts go
  to the line of the funder who budgeted the category; when several did, in proportion to their
  planned amounts (the remainder of the division to the largest, then the first by name); when
  none did, to the workshop's first funder (largest ``Funding``, then by name), on a line of its
  own with nothing planned; without any funder they are shown as "unbudgeted" (partner None).
- *variance* = spent + committed − planned; the line *needs a note* (``variance_note``) when it
  is over its plan by more than ``variance_threshold()`` % of planned (any overspending, on a
  line with nothing planned). A line under its plan shows its variance and needs no note: the
  expenses of a workshop come in over weeks, and an unspent line is no irregularity a donor
  asks to justify (issue 19: "a line over budget without an explanation" is what is refused).

Also here: the rules an expense, a budget line or a receipt must satisfy (``check_*``), raised
as ``ValidationError`` at the field, used by ``finance.services_budget`` and its forms.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from kalan.finance.models import BudgetCategory, BudgetLine, Expense, PaymentStatement
from kalan.workshops.models import Funding, Session, Workshop

# Statement amounts land on these two lines only.
STATEMENT_CATEGORIES = (BudgetCategory.PER_DIEM.value, BudgetCategory.TRANSPORT.value)

# (workshop id, category, partner id or None for "unbudgeted")
LineKey = tuple[int, str, int | None]


def variance_threshold() -> int:
    """The variance, in percent of planned, above which a line needs an explanation
    (``settings.KALAN_BUDGET_VARIANCE_PERCENT``, env ``KALAN_BUDGET_VARIANCE_PERCENT``, 10)."""
    return int(getattr(settings, "KALAN_BUDGET_VARIANCE_PERCENT", 10))


def over_threshold(*, planned: int, variance: int, threshold: int | None = None) -> bool:
    """Whether |variance| is above ``threshold`` % of planned (in integers: no rounding)."""
    percent = variance_threshold() if threshold is None else threshold
    return abs(variance) * 100 > percent * planned


def over_budget(*, planned: int, variance: int, threshold: int | None = None) -> bool:
    """Whether actuals pass planned by more than ``threshold`` %: what a line may not do
    without an explanation (a line spent under its plan needs none)."""
    return variance > 0 and over_threshold(planned=planned, variance=variance, threshold=threshold)


class _Variance:
    """The variance of planned, committed and spent amounts (a line's, or a sum of lines')."""

    planned: int
    committed: int
    spent: int

    @property
    def variance(self) -> int:
        return self.spent + self.committed - self.planned

    @property
    def variance_sign(self) -> str:
        """« + » over the plan, « − » (the minus sign) under it, nothing on it: for display."""
        return "+" if self.variance > 0 else "\u2212" if self.variance < 0 else ""

    @property
    def variance_size(self) -> int:
        return abs(self.variance)


@dataclass(frozen=True, kw_only=True)
class LineFigures(_Variance):
    """One line of a workshop's budget and its actuals.

    ``line_id`` is None for actuals that no budget line holds: statement amounts of a workshop
    without funder (``partner_id`` None, "unbudgeted") or attributed to its first funder who did
    not budget the category. Expenses always have their line (services refuse the others), but
    one whose line was deleted by hand would show here too, with nothing planned.
    """

    workshop_id: int
    category: str
    category_label: str
    partner_id: int | None
    partner: str  # acronym, else name; "" when unbudgeted
    planned: int
    committed: int
    spent: int
    variance_note: str
    line_id: int | None
    threshold: int  # percent, ``variance_threshold()`` when computed

    @property
    def needs_note(self) -> bool:
        return over_budget(planned=self.planned, variance=self.variance, threshold=self.threshold)

    @property
    def note_missing(self) -> bool:
        return self.needs_note and not self.variance_note.strip()

    @property
    def unbudgeted(self) -> bool:
        return self.line_id is None


# Read once: ``BudgetCategory.values`` builds its list anew at each call (the financial report
# sorts tens of thousands of lines, bench/financial_report.py).
_CATEGORY_ORDER = {value: index for index, value in enumerate(BudgetCategory.values)}


def _category_order(category: str) -> int:
    return _CATEGORY_ORDER.get(category, len(_CATEGORY_ORDER))


def _category_label(category: str) -> str:
    try:
        return str(BudgetCategory(category).label)
    except ValueError:
        return category


def _workshop_ids(workshops: QuerySet[Workshop] | Iterable[int | Workshop]) -> Any:
    """A subquery of ids for a queryset (no query now), a list of ids otherwise."""
    if isinstance(workshops, QuerySet):
        return workshops.values("pk")
    return [w.pk if isinstance(w, Workshop) else int(w) for w in workshops]


def statement_sums_by_workshop(
    *, workshops: QuerySet[Workshop] | Iterable[int | Workshop]
) -> dict[int, tuple[int, int]]:
    """(per diems, transport) paid by the latest statement of each session, by workshop: one query.

    The split is read from the statement's stored lines (``StatementLine.per_diem`` and
    ``transport``); when they do not add up to the stored ``total`` (a statement edited by
    hand), the difference goes to per diems so that the total stays the statement's.
    """
    ids = _workshop_ids(workshops)
    latest = PaymentStatement.objects.filter(session=OuterRef("session")).order_by(
        "-created_at", "-pk"
    )
    rows = (
        PaymentStatement.objects.filter(session__workshop_id__in=ids)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values_list("session__workshop_id", "lines", "total")
    )
    sums: dict[int, tuple[int, int]] = {}
    for workshop_id, lines, total in rows:
        transport = sum(int(line.get("transport") or 0) for line in lines or [])
        per_diem = int(total) - transport
        before = sums.get(workshop_id, (0, 0))
        sums[workshop_id] = (before[0] + per_diem, before[1] + transport)
    return sums


def _first_funders(ids: Any) -> dict[int, int]:
    """The first funder of each workshop: the largest funding, then by name. One query."""
    first: dict[int, int] = {}
    rows = (
        Funding.objects.filter(workshop_id__in=ids)
        .order_by("workshop_id", "-amount", "partner__name")
        .values_list("workshop_id", "partner_id")
    )
    for workshop_id, partner_id in rows:
        first.setdefault(workshop_id, partner_id)
    return first


def _split(amount: int, shares: list[tuple[int | None, int, str]]) -> dict[int | None, int]:
    """``amount`` split in proportion to the planned shares (partner, planned, name); the
    remainder to the largest share, then the first by name. Equal parts when nothing planned."""
    if not shares:
        return {}
    weights = [planned for _partner, planned, _name in shares]
    total = sum(weights)
    if total == 0:
        weights = [1] * len(shares)
        total = len(shares)
    parts = {
        partner: amount * weight // total
        for (partner, _p, _n), weight in zip(shares, weights, strict=True)
    }
    remainder = amount - sum(parts.values())
    if remainder:
        largest = sorted(shares, key=lambda s: (-s[1], s[2]))[0][0]
        parts[largest] += remainder
    return parts


def statement_actuals(
    *,
    workshops: QuerySet[Workshop] | Iterable[int | Workshop],
    planned: Mapping[LineKey, int] | None = None,
    names: Mapping[int, str] | None = None,
) -> dict[LineKey, int]:
    """What the payment statements paid, by (workshop id, category, partner id or None).

    Categories are ``per_diem`` and ``transport`` only; the partner is the funder whose line
    receives it (module docstring). Queries do not grow with the number of workshops: one for the
    statements, one for the funders, one for the planned amounts (none when ``planned`` — the
    planned amount of every line of these workshops — is given, with ``names``, partner id to the
    name that breaks ties).
    """
    ids = _workshop_ids(workshops)
    sums = statement_sums_by_workshop(workshops=workshops)
    if not sums:
        return {}
    if planned is None:
        planned = {}
        names = {}
        rows = BudgetLine.objects.filter(
            workshop_id__in=ids, category__in=STATEMENT_CATEGORIES
        ).values_list("workshop_id", "category", "partner_id", "planned", "partner__name")
        for workshop_id, category, partner_id, amount, name in rows:
            planned[(workshop_id, category, partner_id)] = amount
            names[partner_id] = name
    names = names or {}
    by_category: dict[tuple[int, str], list[tuple[int | None, int, str]]] = defaultdict(list)
    for (workshop_id, category, budgeted_by), planned_amount in planned.items():
        if category in STATEMENT_CATEGORIES:
            name = names.get(budgeted_by, "") if budgeted_by is not None else ""
            by_category[(workshop_id, category)].append((budgeted_by, planned_amount, name))
    missing = [w for w in sums if any((w, c) not in by_category for c in STATEMENT_CATEGORIES)]
    first = _first_funders(missing) if missing else {}
    actuals: dict[LineKey, int] = {}
    for workshop_id, (per_diem, transport) in sums.items():
        for category, amount in zip(STATEMENT_CATEGORIES, (per_diem, transport), strict=True):
            if not amount:
                continue
            shares = by_category.get((workshop_id, category))
            key: LineKey
            if shares:
                for funder_id, part in _split(amount, shares).items():
                    if part:
                        key = (workshop_id, category, funder_id)
                        actuals[key] = actuals.get(key, 0) + part
            else:
                key = (workshop_id, category, first.get(workshop_id))
                actuals[key] = actuals.get(key, 0) + amount
    return actuals


def expense_actuals(
    *, workshops: QuerySet[Workshop] | Iterable[int | Workshop]
) -> dict[LineKey, tuple[int, int]]:
    """(committed, spent) of the expenses, by (workshop id, category, partner id): one query."""
    ids = _workshop_ids(workshops)
    rows = (
        Expense.objects.filter(workshop_id__in=ids)
        .values("workshop_id", "category", "partner_id")
        .annotate(
            committed=Sum("amount", filter=Q(checked_by__isnull=True)),
            spent=Sum("amount", filter=Q(checked_by__isnull=False)),
        )
        .order_by()
    )
    return {
        (row["workshop_id"], row["category"], row["partner_id"]): (
            int(row["committed"] or 0),
            int(row["spent"] or 0),
        )
        for row in rows
    }


def workshops_lines(
    *, workshops: QuerySet[Workshop] | Iterable[int | Workshop]
) -> dict[int, list[LineFigures]]:
    """Every line of these workshops with its actuals, by workshop id (a workshop with no line
    and no actual is absent). Lines in the order of ``BudgetCategory``, then funder name;
    lines without budget (unbudgeted actuals) come in their category. Four queries at most,
    whatever the number of workshops."""
    ids = _workshop_ids(workshops)
    threshold = variance_threshold()
    lines = list(
        BudgetLine.objects.filter(workshop_id__in=ids).values_list(
            "pk",
            "workshop_id",
            "category",
            "partner_id",
            "planned",
            "variance_note",
            "partner__name",
            "partner__acronym",
        )
    )
    planned: dict[LineKey, int] = {}
    names: dict[int, str] = {}
    labels: dict[int, str] = {}
    by_key: dict[LineKey, tuple[int | None, str]] = {}
    for pk, workshop_id, category, partner_id, amount, note, name, acronym in lines:
        line_key: LineKey = (workshop_id, category, partner_id)
        planned[line_key] = amount
        by_key[line_key] = (pk, note)
        names[partner_id] = name
        labels[partner_id] = acronym or name
    expenses = expense_actuals(workshops=workshops)
    statements = statement_actuals(workshops=workshops, planned=planned, names=names)
    keys = set(planned) | set(expenses) | set(statements)
    unknown = {key[2] for key in keys if key[2] is not None and key[2] not in labels}
    if unknown:
        from kalan.core.models import Partner

        for partner_pk, name, acronym in Partner.objects.filter(pk__in=unknown).values_list(
            "pk", "name", "acronym"
        ):
            names[partner_pk] = name
            labels[partner_pk] = acronym or name
    result: dict[int, list[LineFigures]] = defaultdict(list)
    category_labels: dict[str, str] = {}  # each category's label, translated once
    for key in keys:
        workshop_id, category, funder_id = key
        committed, spent = expenses.get(key, (0, 0))
        line_id, note = by_key.get(key, (None, ""))
        result[workshop_id].append(
            LineFigures(
                workshop_id=workshop_id,
                category=category,
                category_label=category_labels.get(category)
                or category_labels.setdefault(category, _category_label(category)),
                partner_id=funder_id,
                partner=labels.get(funder_id, "") if funder_id is not None else "",
                planned=planned.get(key, 0),
                committed=committed,
                spent=spent + statements.get(key, 0),
                variance_note=note,
                line_id=line_id,
                threshold=threshold,
            )
        )
    for figures in result.values():
        figures.sort(
            key=lambda f: (
                _category_order(f.category),
                f.partner_id is None,
                names.get(f.partner_id, "") if f.partner_id is not None else "",
            )
        )
    return dict(result)


def workshop_lines(*, workshop: Workshop) -> list[LineFigures]:
    """The lines of one workshop's budget with their actuals (``workshops_lines``)."""
    return workshops_lines(workshops=[workshop.pk]).get(workshop.pk, [])


@dataclass(frozen=True, kw_only=True)
class Totals(_Variance):
    planned: int
    committed: int
    spent: int


def totals(lines: Iterable[LineFigures]) -> Totals:
    """The sums of some lines (a funder's, a workshop's)."""
    items = list(lines)
    return Totals(
        planned=sum(f.planned for f in items),
        committed=sum(f.committed for f in items),
        spent=sum(f.spent for f in items),
    )


def line_figures(*, line: BudgetLine) -> LineFigures:
    """The figures of one budget line (``workshop_lines`` of its workshop, that line)."""
    for figures in workshop_lines(workshop=line.workshop):
        if figures.line_id == line.pk:
            return figures
    raise LookupError(line.pk)


# --- The period an expense may be dated in ------------------------------------------------------

# Preparations (the venue's deposit, printing, the facilitators' tickets) are paid before the
# first session, and invoices (the caterer's, the hotel's) come in after the last one: an expense
# may be dated this many days before the first session's start and after the last one's end.
DAYS_BEFORE = 30
DAYS_AFTER = 60


def workshop_period(*, workshop: Workshop) -> tuple[dt.date, dt.date] | None:
    """First session's start and last session's end; None without sessions. One query."""
    found = Session.objects.filter(workshop=workshop).aggregate(
        start=Min("start_date"), end=Max("end_date")
    )
    if found["start"] is None or found["end"] is None:
        return None
    return found["start"], found["end"]


def expense_window(*, workshop: Workshop) -> tuple[dt.date, dt.date] | None:
    """The dates an expense of the workshop may carry (the period widened by the tolerance)."""
    period = workshop_period(workshop=workshop)
    if period is None:
        return None
    return (
        period[0] - dt.timedelta(days=DAYS_BEFORE),
        period[1] + dt.timedelta(days=DAYS_AFTER),
    )


def period_error(*, workshop: Workshop, spent_on: dt.date) -> str | None:
    """Why ``spent_on`` is refused for an expense of the workshop, or None."""
    from kalan.core import formats

    window = expense_window(workshop=workshop)
    if window is None:
        return _("Cet atelier n’a encore aucune session : sa période n’est pas connue.")
    if window[0] <= spent_on <= window[1]:
        return None
    return _(
        "La date doit être dans la période de l’atelier : du %(start)s au %(end)s "
        "(%(before)s jours avant la première session et %(after)s jours après la dernière "
        "sont admis)."
    ) % {
        "start": formats.date_short(window[0]),
        "end": formats.date_short(window[1]),
        "before": DAYS_BEFORE,
        "after": DAYS_AFTER,
    }


# --- Receipts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedReceipt:
    """A receipt fit to keep: what to store, under which extension, and its type."""

    content: bytes
    extension: str  # "jpg" or "pdf"
    content_type: str
    original_name: str  # the uploaded file's name, for the messages and the download's stem


def receipt_max_bytes() -> int:
    """The heaviest receipt accepted: that of a photo (``KALAN_PHOTO_MAX_BYTES``)."""
    return int(settings.KALAN_PHOTO_MAX_BYTES)


def receipt_check(upload: Any) -> CheckedReceipt:
    """Check an uploaded receipt by its content, never its name or announced type.

    A PDF (its bytes start with ``%PDF-``) must open with pypdf, hold at least one page and carry
    no password: it is kept as sent. Anything else must be an image as photos are (JPEG, PNG,
    WebP, ``kalan.core.images``): turned upright and re-encoded as a JPEG without any metadata
    (a phone's photo of an invoice carries its GPS position). Raises ``BudgetError`` at the
    field ``receipt``: ``too_large``, ``not_a_receipt``, ``pdf_unreadable``, ``pdf_encrypted``,
    or the image's own refusal.
    """
    from kalan.core.images import PhotoError, photo_process
    from kalan.finance.errors import BudgetError

    name = (getattr(upload, "name", "") or _("sans nom")).replace("\\", "/").rsplit("/", 1)[-1]
    limit = receipt_max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(name, limit)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(name, limit)
    if content.startswith(b"%PDF-"):
        _pdf_check(content, name)
        return CheckedReceipt(content, "pdf", "application/pdf", name)
    try:
        photo = photo_process(data=io.BytesIO(content), name=name)
    except PhotoError as error:
        if error.code == "not_an_image":
            raise BudgetError(
                _(
                    "« %(name)s » n’est ni une image ni un PDF : envoyez le scan ou la photo de la "
                    "facture (PDF, JPEG, PNG ou WebP)."
                )
                % {"name": name},
                code="not_a_receipt",
                field="receipt",
            ) from None
        raise BudgetError(str(error), code=error.code, field="receipt") from None
    return CheckedReceipt(photo.display, "jpg", "image/jpeg", name)


def _too_large(name: str, limit: int) -> Exception:
    from kalan.finance.errors import BudgetError

    return BudgetError(
        _("« %(name)s » pèse plus de %(megabytes)s Mo : réduisez-le avant de l’envoyer.")
        % {"name": name, "megabytes": limit // (1024 * 1024)},
        code="too_large",
        field="receipt",
    )


def _pdf_check(content: bytes, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from kalan.finance.errors import BudgetError

    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, RecursionError):
        raise BudgetError(
            _("« %(name)s » n’est pas un PDF lisible : il est incomplet ou endommagé.")
            % {"name": name},
            code="pdf_unreadable",
            field="receipt",
        ) from None
    if encrypted:
        raise BudgetError(
            _("« %(name)s » est protégé par un mot de passe : envoyez-le sans protection.")
            % {"name": name},
            code="pdf_encrypted",
            field="receipt",
        )
    if pages < 1:
        raise BudgetError(
            _("« %(name)s » n’est pas un PDF lisible : il est incomplet ou endommagé.")
            % {"name": name},
            code="pdf_unreadable",
            field="receipt",
        )
