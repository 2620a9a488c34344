from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Place
from kalan.core.text import fold


class Corps(GlobalModel):
    """A body whose members attend: gendarmerie, police, garde nationale, protection civile,
    prison administration, customs, water and forests, armed forces, magistrates, civil
    society… Any audience a workshop trains; administrators and programme officers add more."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    short_name = models.CharField(_("nom court"), max_length=30, blank=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # The first characters of this corps' service numbers, when its numbers tell it apart
    # ("G" for a gendarmerie list…): separated by commas; empty when they do not.
    number_prefixes = models.CharField(
        _("préfixes de matricule"),
        max_length=60,
        blank=True,
        help_text=_("Débuts de matricule propres à ce corps, séparés par des virgules."),
    )

    class Meta:
        verbose_name = _("corps")
        verbose_name_plural = _("corps")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Rank(GlobalModel):
    """A rank inside one corps, ordered from the most junior (1) upwards."""

    class Group(models.TextChoices):
        OFFICER = "officer", _("officier")
        NCO = "nco", _("sous-officier")
        ENLISTED = "enlisted", _("homme du rang")
        CIVILIAN = "civilian", _("civil")

    corps = models.ForeignKey(
        Corps, verbose_name=_("corps"), on_delete=models.CASCADE, related_name="ranks"
    )
    name = models.CharField(_("grade"), max_length=80)
    abbreviation = models.CharField(_("abréviation"), max_length=20, blank=True)
    feminine = models.CharField(_("forme féminine"), max_length=80, blank=True)
    # Other ways lists write it: further abbreviations, the name without its corps' words…
    variants = models.CharField(
        _("autres écritures"),
        max_length=250,
        blank=True,
        help_text=_("Abréviations et écritures usuelles, séparées par « ; »."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    group = models.CharField(_("catégorie"), max_length=10, choices=Group.choices)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["corps__order", "corps__name", "order"]
        constraints = [
            models.UniqueConstraint(fields=["corps", "name"], name="rank_unique_name_in_corps"),
            models.UniqueConstraint(fields=["corps", "order"], name="rank_unique_order_in_corps"),
        ]

    def __str__(self) -> str:
        return self.name

    def spellings(self) -> list[str]:
        """Every way of writing this rank the registry knows: name, abbreviation, feminine
        form and variants (aliases learnt from lists are ``ReferenceAlias`` rows)."""
        texts = [self.name, self.abbreviation, self.feminine, *self.variants.split(";")]
        return [text.strip() for text in texts if text.strip()]


class Unit(GlobalModel):
    """A brigade, a commissariat, a company…: where an officer serves."""

    class Kind(models.TextChoices):
        BRIGADE = "brigade", _("brigade")
        COMPANY = "company", _("compagnie")
        LEGION = "legion", _("légion")
        GROUP = "group", _("groupement")
        SQUADRON = "squadron", _("escadron")
        COMMISSARIAT = "commissariat", _("commissariat")
        POST = "post", _("poste")
        DIRECTION = "direction", _("direction")
        SCHOOL = "school", _("école")
        PRISON = "prison", _("maison d’arrêt")
        COURT = "court", _("juridiction")
        OFFICE = "office", _("bureau")
        OTHER = "other", _("autre")

    corps = models.ForeignKey(
        Corps, verbose_name=_("corps"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("nom"), max_length=160)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices, default=Kind.OTHER)
    place = models.ForeignKey(
        Place, verbose_name=_("lieu"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unité supérieure"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("unité")
        verbose_name_plural = _("unités")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["corps", "place", "name"], name="unit_unique_name_in_corps_place"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="unit_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceAlias(GlobalModel):
    """A way a list wrote a corps, a rank or a unit, and the registry's entry it stands for.

    Made when a user answers an import's question ("« Adjt-chef » is Adjudant-chef"), at commit
    only (a cancelled preview leaves none), or by the reference data file; listed and removable
    on the reference pages. A rank's or a unit's alias holds for its corps only: « Brigade de
    Sévaré » of the gendarmerie says nothing of the police. ``corps`` is the corps the alias
    names (kind corps) or the corps of its rank or unit.
    """

    class Kind(models.TextChoices):
        CORPS = "corps", _("corps")
        RANK = "rank", _("grade")
        UNIT = "unit", _("unité")

    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices)
    text = models.CharField(_("écriture"), max_length=200)
    folded = models.CharField(_("écriture repliée"), max_length=200, editable=False)
    corps = models.ForeignKey(
        Corps, verbose_name=_("corps"), on_delete=models.CASCADE, related_name="aliases"
    )
    rank = models.ForeignKey(
        Rank,
        verbose_name=_("grade"),
        on_delete=models.CASCADE,
        related_name="aliases",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unité"),
        on_delete=models.CASCADE,
        related_name="aliases",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("écriture connue")
        verbose_name_plural = _("écritures connues")
        ordering = ["kind", "folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["folded"], condition=models.Q(kind="corps"), name="alias_corps_once"
            ),
            models.UniqueConstraint(
                fields=["kind", "corps", "folded"],
                condition=~models.Q(kind="corps"),
                name="alias_once_in_corps",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="corps", rank__isnull=True, unit__isnull=True)
                | models.Q(kind="rank", rank__isnull=False, unit__isnull=True)
                | models.Q(kind="unit", rank__isnull=True, unit__isnull=False),
                name="alias_target_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.target}"

    @property
    def target(self) -> Corps | Rank | Unit:
        return self.rank or self.unit or self.corps

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded = fold(self.text)
        super().save(*args, **kwargs)


POSTING_FIELDS = frozenset({"corps_id", "rank_id", "unit_id"})


class PersonQuerySet(models.QuerySet["Person"]):
    def bulk_create(self, objs: Iterable[Person], *args: Any, **kwargs: Any) -> list[Person]:
        """As Django's, with each person's sort keys filled (``save()`` is not called)."""
        persons = list(objs)
        for person in persons:
            person.sort_keys_fill()
        made = super().bulk_create(persons, *args, **kwargs)
        postings = []
        for person in made:
            person.posting_first = person.posting_new()
            if person.posting_first is not None:
                postings.append(person.posting_first)
        Posting.objects.bulk_create(postings)
        return made


class ActivePersonManager(models.Manager["Person"].from_queryset(PersonQuerySet)):  # type: ignore[misc]
    """The registry: persons that were not merged into another one."""

    def get_queryset(self) -> models.QuerySet[Person]:
        return super().get_queryset().filter(merged_into__isnull=True)


class Person(GlobalModel):
    """One record per human being across every workshop they attend."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("femme")
        MALE = "M", _("homme")

    last_name = models.CharField(_("nom"), max_length=80)
    first_names = models.CharField(_("prénoms"), max_length=120)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    corps = models.ForeignKey(
        Corps,
        verbose_name=_("corps"),
        on_delete=models.PROTECT,
        related_name="persons",
        null=True,
        blank=True,
    )
    rank = models.ForeignKey(
        Rank,
        verbose_name=_("grade"),
        on_delete=models.PROTECT,
        related_name="persons",
        null=True,
        blank=True,
    )
    service_number = models.CharField(_("matricule"), max_length=30, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="persons",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    # Only to tell two officers of the same name apart when neither list gives a service number.
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    # A merged person is kept (never deleted) so that the merge can be undone; the registry
    # hides it.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        on_delete=models.PROTECT,
        related_name="merged_persons",
        null=True,
        blank=True,
    )

    # One order for persons everywhere (lists, roster, sheets, statements, certificates,
    # exports): last name then first names, folded (``kalan.core.text.fold``: « Ébou » beside
    # « Ebou », « N’Diaye » beside « Ndiaye »). Kept on the row, so that a
    # list of 200,000 persons is ordered by the database, the same way on SQLite and PostgreSQL;
    # filled by ``save()`` and by ``bulk_create``, never typed.
    sort_last = models.CharField(_("nom (tri)"), max_length=80, editable=False, default="")
    sort_first = models.CharField(_("prénoms (tri)"), max_length=120, editable=False, default="")

    # The corps, rank and unit as loaded (or last saved): a change records a posting.
    _posted: tuple[int | None, int | None, int | None] = (None, None, None)
    # The posting ``bulk_create`` recorded with the person (no signal: the caller audits it).
    posting_first: Posting | None = None

    objects = ActivePersonManager()
    all_objects = models.Manager.from_queryset(PersonQuerySet)()

    # Contacts of security officers: the journal masks them, as the person's page does, from
    # whoever lacks kalan.view_contacts.
    audit_masked_fields = frozenset({"phone", "email"})

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["sort_last", "sort_first", "pk"]
        # Uniqueness checks and related lookups must also see merged persons.
        base_manager_name = "all_objects"
        default_manager_name = "all_objects"
        indexes = [
            models.Index(Lower("last_name"), name="person_last_name_lower"),
            models.Index(fields=["sort_last", "sort_first", "id"], name="person_sort"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=["F", "M"]), name="person_sex_valid"),
            models.CheckConstraint(
                condition=~models.Q(last_name=""), name="person_last_name_required"
            ),
            # A service number identifies an officer inside their corps, and only there.
            models.UniqueConstraint(
                fields=["corps", "service_number"],
                condition=~models.Q(service_number=""),
                name="person_service_number_unique_in_corps",
            ),
            models.CheckConstraint(
                condition=models.Q(service_number="") | models.Q(corps__isnull=False),
                name="person_service_number_needs_corps",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="person_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def sort_keys_fill(self) -> None:
        self.sort_last = fold(self.last_name)
        self.sort_first = fold(self.first_names)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Person:
        person = super().from_db(db, field_names, values)
        person._posted = person.posting_key()
        return person

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[Person] | None = None,
    ) -> None:
        super().refresh_from_db(using, fields, from_queryset)
        # What was just read is what is posted: a save that follows records no posting for it
        # (another instance's save already did). Also runs when a deferred field is loaded.
        names = None if fields is None else set(fields)
        posted = list(self._posted)
        for n, (attname, value) in enumerate(
            zip(("corps", "rank", "unit"), self.posting_key(), strict=True)
        ):
            if names is None or {attname, f"{attname}_id"} & names:
                posted[n] = value
        self._posted = (posted[0], posted[1], posted[2])

    def posting_key(self) -> tuple[int | None, int | None, int | None]:
        """What a posting records: corps, rank and unit (ids; None where not loaded)."""
        values = self.__dict__
        return (values.get("corps_id"), values.get("rank_id"), values.get("unit_id"))

    def posting_new(self) -> Posting | None:
        """The posting this person's corps, rank and unit make today, when they name one."""
        corps_id, rank_id, unit_id = self.posting_key()
        if corps_id is None and rank_id is None and unit_id is None:
            return None
        return Posting(
            person=self,
            corps_id=corps_id,
            rank_id=rank_id,
            unit_id=unit_id,
            since=timezone.localdate(),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_keys_fill()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"last_name", "first_names"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_last", "sort_first"}
        super().save(*args, **kwargs)
        # A new corps, rank or unit is a posting (issue 12): recorded the day it is recorded,
        # so that later work can ask where an officer served on a date.
        loaded = self.__dict__.keys() >= POSTING_FIELDS  # not a partial load (.only())
        key = self.posting_key()
        if loaded and key != self._posted:
            posting = self.posting_new()
            if posting is not None:
                posting.save()
            self._posted = key

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.rank is not None and self.rank.corps_id != self.corps_id:
            errors["rank"] = _("Ce grade n’appartient pas au corps choisi.")
        if self.unit is not None and self.unit.corps_id != self.corps_id:
            errors["unit"] = _("Cette unité n’appartient pas au corps choisi.")
        # The constraints below hold in the database too; checked here so that the message is
        # readable and sits at its field instead of naming the constraint above the form.
        if self.service_number and not self.corps_id:
            errors["corps"] = _("Un matricule est attribué par un corps : choisissez le corps.")
        elif self.service_number:
            taken = Person.objects.filter(corps=self.corps, service_number=self.service_number)
            if self.pk is not None:
                taken = taken.exclude(pk=self.pk)
            if taken.exists():
                errors["service_number"] = _("Ce matricule est déjà attribué dans ce corps.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("person_detail", kwargs={"uid": uid}) if uid else None

    @property
    def full_name(self) -> str:
        return self.full_name_of(self.last_name, self.first_names)

    @staticmethod
    def full_name_of(last_name: str, first_names: str) -> str:
        """« TRAORÉ Aminata »: for lists that read the names without building the person."""
        return f"{last_name.upper()} {first_names}".strip()

    @property
    def display_rank(self) -> str:
        return str(self.rank) if self.rank_id else ""


class Posting(GlobalModel):
    """Where a person served, and with which rank, from the day it was recorded (an import, an
    edit): the person's history, so that later work can ask which unit a trained officer was
    in on a date (``kalan.people.selectors.posting_on``). A posting holds until the next one.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="postings"
    )
    corps = models.ForeignKey(
        Corps,
        verbose_name=_("corps"),
        on_delete=models.PROTECT,
        related_name="postings",
        null=True,
        blank=True,
    )
    rank = models.ForeignKey(
        Rank,
        verbose_name=_("grade"),
        on_delete=models.PROTECT,
        related_name="postings",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="postings",
        null=True,
        blank=True,
    )
    since = models.DateField(_("depuis le"))

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        ordering = ["person", "since", "pk"]
        indexes = [models.Index(fields=["person", "since"], name="posting_person_since")]

    def __str__(self) -> str:
        return f"{self.unit or self.corps or '—'} ({self.since})"

    def audit_label(self) -> str:
        # By ids: the unit's name would cost a query for each of an import's postings.
        return f"#{self.person_id} {self.since}"


class PersonMerge(GlobalModel):
    """Two records found to be one person: who merged what, when, and how to undo it.

    ``details`` keeps what the merge moved so that ``person_merge_undo`` can put everything back:
    the service number and the fields filled on the kept person, and each app's own record of
    the rows it moved under its label ("workshops", "assessments", "certificates"); see
    ``kalan.people.merge``.
    """

    kept = models.ForeignKey(
        Person, verbose_name=_("personne gardée"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Person, verbose_name=_("personne fusionnée"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField(_("score de ressemblance"), null=True, blank=True)
    details = models.JSONField(_("détails"), default=dict)
    merged_by = models.ForeignKey(
        "core.User",
        verbose_name=_("fusionné par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "core.User",
        verbose_name=_("annulé par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("fusion de personnes")
        verbose_name_plural = _("fusions de personnes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kept=models.F("merged")), name="merge_two_different_persons"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged} → {self.kept}"

    def audit_label(self) -> str:
        # By ids: the names would cost two queries on every save.
        return f"#{self.merged_id} → #{self.kept_id}"


class DuplicateDismissal(GlobalModel):
    """Someone looked at a likely pair and said: two different people. The scan stops showing it."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("doublon écarté")
        verbose_name_plural = _("doublons écartés")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="dismissal_once_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="dismissal_pair_ordered"
            ),
        ]

    def audit_label(self) -> str:
        return f"#{self.first_id} ≠ #{self.second_id}"
