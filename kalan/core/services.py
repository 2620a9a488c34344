from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from kalan.core.models import Organisation, Place


@transaction.atomic
def organisation_create(
    *,
    name: str,
    acronym: str = "",
    country: Place | None = None,
    currency: str = "XOF",
    mandate: str = "",
) -> Organisation:
    """Record the institution. Raises ValidationError (by field), e.g. for a non-ISO currency."""
    organisation = Organisation(
        name=name.strip(),
        acronym=acronym.strip(),
        country=country,
        currency=currency.strip().upper(),
        mandate=mandate.strip(),
    )
    organisation.full_clean()
    organisation.save()
    return organisation


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def logo_check(file: File[bytes]) -> str:
    """The file's extension (``png`` or ``jpg``) after reading its content with Pillow: the
    name and the declared type prove nothing. Raises ValidationError (code ``logo_invalid``)."""
    invalid = ValidationError(
        _("Le logo doit être une image PNG ou JPEG de 2 Mo au plus."), code="logo_invalid"
    )
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise invalid
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = image.format
            # load() decodes every pixel: verify() passes a JPEG cut in half, which would then
            # break each certificate and statement drawn with it.
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise invalid from None
    finally:
        file.seek(0)
    if kind not in LOGO_FORMATS:
        raise invalid
    return LOGO_FORMATS[kind]


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation | None,
    name: str,
    acronym: str = "",
    logo: File[bytes] | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Change the institution's name, acronym and logo (create it when none is recorded yet).
    Raises ValidationError by field, ``logo`` for a file that is not a PNG or JPEG image."""
    if organisation is None:
        organisation = Organisation()
    organisation.name = name.strip()
    organisation.acronym = acronym.strip()
    if logo is not None:
        extension = logo_check(logo)
        organisation.full_clean(exclude=["logo"])  # no orphan file for an invalid name
        if organisation.logo:
            organisation.logo.delete(save=False)
        organisation.logo.save(f"logo.{extension}", logo, save=False)
    elif remove_logo and organisation.logo:
        organisation.logo.delete(save=False)
    organisation.full_clean()
    organisation.save()
    return organisation
