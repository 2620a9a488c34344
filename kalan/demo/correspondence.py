"""The commands the demo's invitation letters go to, and who signs them (issue 19).

The press release says the participants came from the gendarmerie and the police of the Ségou
and Mopti regions: the four commands written to are those regions' gendarmerie regions and
regional police directorates. The signatory's name is invented; he signs the letters and the
mission orders, not the certificates (the demo's certificates stay as they were).

Idempotent: a command is looked up by its name, the signatory by the organisation having one
that signs letters; what exists is left as it is.
"""

from __future__ import annotations

from kalan.core.models import Organisation, Place, Signatory
from kalan.documents.models import Addressee
from kalan.documents.services import addressee_create
from kalan.people.models import Corps

Counts = dict[str, int]

GENDARMERIE = "Gendarmerie nationale"
POLICE = "Police nationale"
# (command, head's title, corps, region)
ADDRESSEES = (
    (
        "Région de gendarmerie de Mopti",
        "Monsieur le Commandant de la Région de gendarmerie de Mopti",
        GENDARMERIE,
        "Mopti",
    ),
    (
        "Région de gendarmerie de Ségou",
        "Monsieur le Commandant de la Région de gendarmerie de Ségou",
        GENDARMERIE,
        "Ségou",
    ),
    (
        "Direction régionale de la Police de Mopti",
        "Monsieur le Directeur régional de la Police nationale",
        POLICE,
        "Mopti",
    ),
    (
        "Direction régionale de la Police de Ségou",
        "Monsieur le Directeur régional de la Police nationale",
        POLICE,
        "Ségou",
    ),
)
SIGNATORY_NAME = "Adama Coulibaly"  # invented
SIGNATORY_TITLE = "Le Président"


def demo_correspondence_load(*, organisation: Organisation, created: Counts) -> None:
    """The four commands and a signatory for letters and mission orders, when missing."""
    for name, head_title, corps_name, region in ADDRESSEES:
        if Addressee.objects.filter(name=name).exists():
            continue
        addressee_create(
            name=name,
            head_title=head_title,
            corps=Corps.objects.filter(name=corps_name).first(),
            place=Place.objects.filter(kind=Place.Kind.REGION, name=region).first(),
            postal_address=region,
        )
        created["addressees"] += 1
    signatories = organisation.signatories.all()
    if not signatories.filter(signs_letters=True).exists():
        Signatory.objects.create(
            organisation=organisation,
            name=SIGNATORY_NAME,
            title=SIGNATORY_TITLE,
            order=(max((s.order for s in signatories), default=0) + 1),
            signs_certificates=False,
            signs_letters=True,
            signs_mission_orders=True,
        )
        created["signatories"] += 1
