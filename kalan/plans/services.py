"""Writes of strategic plans, axes and partners: one transaction each, validated first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kalan.core.models import Organisation, Partner
from kalan.plans.models import Axis, StrategicPlan


@transaction.atomic
def partner_create(
    *, name: str, acronym: str = "", website: str = "", name_en: str = "", acronym_en: str = ""
) -> Partner:
    """Record a partner. Raises ValidationError when the name is empty or already taken."""
    partner = Partner(
        name=name.strip(),
        acronym=acronym.strip(),
        website=website.strip(),
        name_en=name_en.strip(),
        acronym_en=acronym_en.strip(),
    )
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def partner_update(
    *, partner: Partner, name: str, acronym: str, website: str, name_en: str, acronym_en: str
) -> Partner:
    """Change a partner's names (French and English) and website; raises as partner_create."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    partner.name, partner.acronym = name.strip(), acronym.strip()
    partner.website = website.strip()
    partner.name_en, partner.acronym_en = name_en.strip(), acronym_en.strip()
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def plan_create(
    *, organisation: Organisation, title: str, start_year: int, end_year: int
) -> StrategicPlan:
    """Record a strategic plan. Raises ValidationError when it ends before it starts."""
    plan = StrategicPlan(
        organisation=organisation, title=title.strip(), start_year=start_year, end_year=end_year
    )
    if end_year < start_year:  # the constraint says it too, above the form: here, at the field
        raise ValidationError({"end_year": _("L’année de fin précède l’année de début.")})
    plan.full_clean()
    plan.save()
    return plan


def axis_next_number(*, plan: StrategicPlan) -> int:
    """The number after the plan's last axis (1 for a plan without axes)."""
    return (plan.axes.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def axis_create(
    *,
    plan: StrategicPlan,
    number: int,
    title: str,
    description: str = "",
    title_en: str = "",
    description_en: str = "",
) -> Axis:
    """Add an axis to a plan. Raises ValidationError when the plan already has that number."""
    if Axis.objects.filter(plan=plan, number=number).exists():
        raise ValidationError(
            {"number": _("Ce plan a déjà un axe %(number)s.") % {"number": number}}
        )
    axis = Axis(
        plan=plan,
        number=number,
        title=title.strip(),
        description=description.strip(),
        title_en=title_en.strip(),
        description_en=description_en.strip(),
    )
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_update(
    *, axis: Axis, title: str, description: str, title_en: str, description_en: str
) -> Axis:
    """Change an axis's title and description, French and English (its number stays).

    Raises ValidationError when the title is empty or too long.
    """
    axis = Axis.objects.select_for_update().get(pk=axis.pk)
    axis.title, axis.description = title.strip(), description.strip()
    axis.title_en, axis.description_en = title_en.strip(), description_en.strip()
    axis.full_clean()
    axis.save()
    return axis
