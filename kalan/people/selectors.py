from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kalan.people.models import Person


def person_search(*, query: str = "") -> QuerySet[Person]:
    """Persons whose names or service number hold every word of the query."""
    persons = Person.objects.select_related("rank", "corps", "unit__place")
    for word in query.split():
        persons = persons.filter(
            Q(last_name__icontains=word)
            | Q(first_names__icontains=word)
            | Q(service_number__iexact=word)
        )
    return persons.annotate(session_count=Count("enrollments")).order_by("last_name", "first_names")


def person_get(*, uid: str) -> Person:
    return Person.objects.select_related("rank", "corps", "unit__place__parent").get(uid=uid)
