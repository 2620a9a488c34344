from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kalan.people.models import Person


def person_filter(*, query: str = "") -> QuerySet[Person]:
    """Persons whose names or service number hold every word of the query, in name order.

    No joins and no annotation, so that an export can take ``values()`` of it without the
    GROUP BY that ``person_search`` needs for its session count.
    """
    persons = Person.objects.all()
    for word in query.split():
        persons = persons.filter(
            Q(last_name__icontains=word)
            | Q(first_names__icontains=word)
            | Q(service_number__iexact=word)
        )
    return persons.order_by("sort_last", "sort_first", "pk")


def person_search(*, query: str = "") -> QuerySet[Person]:
    """Persons whose names or service number hold every word of the query."""
    return (
        person_filter(query=query)
        .select_related("rank", "corps", "unit__place")
        .annotate(session_count=Count("enrollments"))
    )


def person_get(*, uid: str) -> Person:
    return Person.objects.select_related("rank", "corps", "unit__place__parent").get(uid=uid)
