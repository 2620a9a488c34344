from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from kalan.people.models import Person, Posting


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


def postings_of(*, person: Person, newest_first: bool = False) -> QuerySet[Posting]:
    """A person's postings (corps, rank and unit from a date), oldest first unless
    ``newest_first``, with their corps, rank and unit (and the unit's place) in the same query.

    Postings of one day keep the order they were recorded in (by pk): the last one of a day
    is what the record said at the end of it.
    """
    postings = Posting.objects.filter(person=person).select_related("corps", "rank", "unit__place")
    if newest_first:
        return postings.order_by("-since", "-pk")
    return postings.order_by("since", "pk")


def posting_on(*, person: Person, date: dt.date) -> Posting | None:
    """Where ``person`` served, and with which rank, on ``date``: the latest posting recorded
    on or before that day (a posting holds until the next one), or None when their history
    starts later or is empty. One query; corps, rank and unit come with it.

    A posting is dated the day Kalan learnt of it (an import, an edit, a merge), not the day of
    the officer's transfer: "on a date" means "as far as the registry knew by then".
    """
    return postings_of(person=person, newest_first=True).filter(since__lte=date).first()
