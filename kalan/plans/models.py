from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Organisation


class StrategicPlan(GlobalModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    title = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("année de début"))
    end_year = models.PositiveSmallIntegerField(_("année de fin"))

    class Meta:
        verbose_name = _("plan stratégique")
        verbose_name_plural = _("plans stratégiques")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_end_year_not_before_start",
                violation_error_message=_("L’année de fin précède l’année de début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}-{self.end_year})"


class Axis(GlobalModel):
    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # For English documents; empty: they quote the French, and a note says so.
    title_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="axis_unique_number_in_plan"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="axis_number_positive"),
        ]

    def __str__(self) -> str:
        return _("Axe %(number)s : %(title)s") % {"number": self.number, "title": self.title}
