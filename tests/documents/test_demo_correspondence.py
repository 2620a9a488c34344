"""The demo's commands and signatory for the invitation letters (``kalan demo``)."""

from __future__ import annotations

from kalan.core.models import Organisation, Signatory
from kalan.demo.correspondence import demo_correspondence_load
from kalan.documents.models import Addressee


def test_the_demo_writes_to_the_two_regions_commands_and_loads_twice_without_doubling(
    organisation: Organisation,
) -> None:
    created = {"addressees": 0, "signatories": 0}
    demo_correspondence_load(organisation=organisation, created=created)
    assert created == {"addressees": 4, "signatories": 1}
    rows = {a.name: (a.corps.short_name, a.place.name) for a in Addressee.objects.all()}  # type: ignore[union-attr]
    assert rows == {
        "Région de gendarmerie de Mopti": ("Gendarmerie", "Mopti"),
        "Région de gendarmerie de Ségou": ("Gendarmerie", "Ségou"),
        "Direction régionale de la Police de Mopti": ("Police", "Mopti"),
        "Direction régionale de la Police de Ségou": ("Police", "Ségou"),
    }
    signer = Signatory.objects.get()
    assert signer.signs_letters and signer.signs_mission_orders and not signer.signs_certificates
    again = {"addressees": 0, "signatories": 0}
    demo_correspondence_load(organisation=organisation, created=again)
    assert again == {"addressees": 0, "signatories": 0}
