"""Uploaded images made safe to keep: checked by their content, turned upright, re-encoded as a
new JPEG without any metadata.

The images show security officers (a session's photos) or their colleagues (a relay's
restitution), in a conflict zone. An uploaded file is opened by Pillow from its content (never
trusted by its name or its content type), refused unless it is a JPEG, PNG or WebP image of at
most ``KALAN_PHOTO_MAX_PIXELS`` pixels and ``KALAN_PHOTO_MAX_BYTES`` bytes, turned upright from
its EXIF orientation, then re-encoded as a new JPEG that carries none of the original's metadata:
no EXIF (GPS position, device, date), no XMP, no ICC profile, no comment. Two copies come out, one
for display and print (long side at most ``DISPLAY_SIZE``) and a thumbnail (``THUMBNAIL_SIZE``);
the caller stores what it needs, never the original.

``photo_process`` and ``image_upload_process`` raise ``PhotoError`` (a message naming the file,
and a code):

- ``too_large``: over ``KALAN_PHOTO_MAX_BYTES``;
- ``not_an_image``: not an image Pillow can identify (a text file, an SVG, a PDF…);
- ``format_refused``: an image, but not JPEG, PNG or WebP (GIF, TIFF, BMP…);
- ``too_many_pixels``: its header claims more than ``KALAN_PHOTO_MAX_PIXELS`` pixels (a
  decompression bomb, or a panorama too big to handle);
- ``unreadable``: identified, but its content is truncated or corrupt.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kalan.core.errors import KalanError

DISPLAY_SIZE = 1600  # long side of the stored copy, in pixels: sharp on a printed A4 half-page
THUMBNAIL_SIZE = 320
JPEG_QUALITY = 85
# Only the decoders of these formats are tried: fewer parsers exposed to uploaded bytes. Pillow
# reports some phones' JPEGs (with a depth map or a preview) as MPO.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})


class PhotoError(KalanError):
    """One file refused; the message names it."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """An image made safe to keep: two JPEGs with no metadata, and the display copy's size."""

    display: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse(name: str, message: str, code: str) -> PhotoError:
    return PhotoError(message % {"name": name}, code=code)


def photo_process(*, data: IO[bytes], name: str) -> ProcessedPhoto:
    """Check an image by its content and re-encode it upright, without any metadata.

    ``name`` is only used in the messages. Raises PhotoError (see the module's docstring).
    """
    limit = settings.KALAN_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: make that a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(data, formats=OPENED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, limit) from None
    except UnidentifiedImageError:
        raise _not_an_image(name) from None
    except (OSError, ValueError, SyntaxError):
        # A header cut short ("Truncated File Read") or corrupt: Pillow fails before any pixel.
        raise _damaged(name) from None
    with image:
        if image.format not in ACCEPTED_FORMATS:
            raise _refuse(
                name,
                _(
                    "« %(name)s » : ce format d’image n’est pas accepté ; envoyez un JPEG, un PNG "
                    "ou un WebP."
                ),
                "format_refused",
            )
        # The header's size, before a single pixel is decoded.
        if image.width * image.height > limit:
            raise _too_many_pixels(name, limit)
        try:
            display = _upright_copy(image, DISPLAY_SIZE)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise _damaged(name) from None
    thumbnail = display.copy()
    thumbnail.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        display=_jpeg(display),
        thumbnail=_jpeg(thumbnail),
        width=display.width,
        height=display.height,
    )


def image_upload_process(upload: File) -> ProcessedPhoto:
    """``photo_process`` on an uploaded file, refused first when it weighs too much."""
    name = (upload.name or _("sans nom")).rsplit("/", 1)[-1]
    limit = settings.KALAN_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PhotoError(
            _("« %(name)s » pèse plus de %(megabytes)s Mo : réduisez la photo avant de l’envoyer.")
            % {"name": name, "megabytes": limit // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    return photo_process(data=upload, name=name)


def _not_an_image(name: str) -> PhotoError:
    return _refuse(
        name,
        _(
            "« %(name)s » n’est pas une photo que Kalan peut lire : envoyez un fichier JPEG, "
            "PNG ou WebP."
        ),
        "not_an_image",
    )


def _damaged(name: str) -> PhotoError:
    return _refuse(
        name,
        _("« %(name)s » est incomplet ou endommagé : l’image ne se lit pas jusqu’au bout."),
        "unreadable",
    )


def _too_many_pixels(name: str, limit: int) -> PhotoError:
    return PhotoError(
        _(
            "« %(name)s » est une image trop grande (plus de %(megapixels)s millions de pixels) : "
            "réduisez-la avant de l’envoyer."
        )
        % {"name": name, "megapixels": limit // 1_000_000},
        code="too_many_pixels",
    )


def _upright_copy(image: Image.Image, size: int) -> Image.Image:
    """An RGB copy, at most ``size`` pixels on its long side, turned as its EXIF orientation says.

    Shrinking first lets the JPEG decoder skip most pixels of a large photo (Pillow's draft mode);
    the box is square, so turning the copy afterwards keeps it inside.
    """
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        # JPEG has no transparency: lay the image on white rather than on black.
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode == "I;16":
        upright = upright.point(lambda value: value / 256).convert("L")
    return upright.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    # Pillow copies some of ``info`` (a JPEG comment, for one) into what it saves: start empty.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
