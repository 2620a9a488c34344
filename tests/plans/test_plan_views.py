"""The plans page and an axis with its workshops."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.workshops.models import Workshop


def test_plans_list_their_axes_with_workshop_counts(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    response = client_for(programme_officer).get(reverse("plan_list"))
    body = response.content.decode()
    assert workshop.axis.plan.title in body
    assert workshop.axis.title in body
    axis = next(iter(response.context["plans"])).axes.all()[0]
    assert axis.workshop_count == 1


def test_an_axis_lists_its_workshops(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    response = client_for(programme_officer).get(
        reverse("axis_detail", kwargs={"pk": workshop.axis.pk})
    )
    assert workshop.title in response.content.decode()
