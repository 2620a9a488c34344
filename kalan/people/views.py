from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.core.roles import requires
from kalan.core.selectors_audit import record_audit_history
from kalan.people import selectors
from kalan.people.models import Person
from kalan.people.signals import person_sections

PAGE_SIZE = 50


@requires("view_persons")
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.person_search(query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "people/person_list.html", {"page": page, "query": query})


@requires("view_persons")
def person_detail(request: HttpRequest, uid: str) -> HttpResponse:
    try:
        person = selectors.person_get(uid=uid)
    except (Person.DoesNotExist, ValidationError):
        raise Http404 from None
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "postings": selectors.postings_of(person=person, newest_first=True),
            "sections": person_sections(person=person, user=request.user),
            "changes": record_audit_history(
                obj=person, show_contacts=request.user.has_perm("kalan.view_contacts")
            ),
        },
    )
