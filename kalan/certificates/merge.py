"""Certificates when two persons are merged, and when the merge is undone.

Receivers of ``kalan.people.signals`` (connected in ``CertificatesConfig.ready``), run inside the
merge's transaction.

A certificate hangs on one enrollment. Where the merged person's enrollment moves to the kept
person, its certificate goes with it. Where both persons were enrolled in one session
(``kalan.workshops.merge.merge_pairs``) and only merged's enrollment holds a certificate, the
certificate moves to kept's enrollment, so that kept is not given a second one. Where both hold
one, both stay as issued, valid and verifiable: merged's stays on merged's enrollment, which the
merge marks superseded, and a certificate of a superseded enrollment is superseded with it (the
session's certificates page and « print all » leave it out). No certificate is ever deleted or
revoked by a merge; the public check (``/v/``) names the person of the enrollment the
certificate hangs on, so a certificate moved to kept shows kept's name.

``PersonMerge.details["certificates"]``:

    moved        [certificate, from enrollment, to enrollment] ids
    kept_both    [merged's certificate, kept's certificate] ids, where both held one (nothing
                 moved: recorded for the history)
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.certificates.errors import CertificateError
from kalan.certificates.models import Certificate
from kalan.people.models import Person
from kalan.people.signals import MergeMoves
from kalan.workshops.merge import merge_pairs
from kalan.workshops.models import Enrollment

KEY = "certificates"


def _held(pairs: list[tuple[Enrollment, Enrollment]]) -> dict[int, Certificate]:
    ids = [e.pk for pair in pairs for e in pair]
    return {c.enrollment_id: c for c in Certificate.objects.filter(enrollment_id__in=ids)}


def certificates_merge_preview(*, kept: Person, merged: Person, **kwargs: Any) -> list[str]:
    pairs = merge_pairs(kept=kept, merged=merged)
    held = _held(pairs)
    lines = []
    for theirs, ours in pairs:
        their_certificate, our_certificate = held.get(theirs.pk), held.get(ours.pk)
        values = {"session": ours.session, "kept": kept, "merged": merged}
        if their_certificate and our_certificate:
            lines.append(
                _(
                    "%(session)s : %(kept)s (attestation %(ours)s) et %(merged)s (attestation "
                    "%(theirs)s) en ont chacun une. Les deux restent valables et vérifiables ; "
                    "celle de %(merged)s reste sur son inscription, marquée remplacée, et n’est "
                    "plus listée avec la session."
                )
                % {**values, "ours": our_certificate.number, "theirs": their_certificate.number}
            )
        elif their_certificate:
            lines.append(
                _(
                    "%(session)s : l’attestation %(theirs)s de %(merged)s passe à %(kept)s ; sa "
                    "vérification en ligne affichera le nom de %(kept)s."
                )
                % {**values, "theirs": their_certificate.number}
            )
    return lines


def certificates_merge(*, kept: Person, merged: Person, **kwargs: Any) -> MergeMoves | None:
    pairs = merge_pairs(kept=kept, merged=merged)
    ids = [e.pk for pair in pairs for e in pair]
    held = {
        c.enrollment_id: c
        for c in Certificate.objects.select_for_update().filter(enrollment_id__in=ids)
    }
    now = timezone.now()
    moved, kept_both = [], []
    for theirs, ours in pairs:
        their_certificate, our_certificate = held.get(theirs.pk), held.get(ours.pk)
        if their_certificate and our_certificate:
            kept_both.append([their_certificate.pk, our_certificate.pk])
        elif their_certificate:
            Certificate.objects.filter(pk=their_certificate.pk).update(
                enrollment=ours, updated_at=now
            )
            moved.append([their_certificate.pk, theirs.pk, ours.pk])
    if not (moved or kept_both):
        return None
    return MergeMoves(
        key=KEY,
        record={"moved": moved, "kept_both": kept_both},
        counts={"certificates_moved": len(moved)},
    )


def certificates_unmerge(
    *, kept: Person, merged: Person, details: dict[str, Any], **kwargs: Any
) -> None:
    """Put each certificate the merge moved back on its enrollment.

    Raises CertificateError merge_changed_since when one was moved since, or its enrollment of
    origin holds another one now.
    """
    record = details.get(KEY)
    if not record:
        return
    now = timezone.now()
    for certificate_id, origin, target in record["moved"]:
        here = Certificate.objects.select_for_update().filter(
            pk=certificate_id, enrollment_id=target
        )
        if not here.exists() or Certificate.objects.filter(enrollment_id=origin).exists():
            raise CertificateError(
                _(
                    "Une attestation concernée par cette fusion a été modifiée depuis : "
                    "elle ne peut plus être annulée."
                ),
                code="merge_changed_since",
            )
        Certificate.objects.filter(pk=certificate_id).update(enrollment_id=origin, updated_at=now)
