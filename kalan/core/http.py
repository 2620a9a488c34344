from __future__ import annotations

import functools
import ipaddress
import unicodedata
from collections.abc import Iterable
from typing import IO, Any, TypeVar, overload
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails

from kalan.core.filenames import portable_filename

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for views that answer htmx."""

    htmx: HtmxDetails


# The page's region for messages (``core/base.html``), where a refused htmx action says why.
MESSAGES_REGION = "#messages"


def htmx_message(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """Why an action sent by htmx was refused (400, 403), shown in the page's messages region.

    htmx drops an error's answer by default, so a refused click did nothing visible. The message
    is rendered by a template (escaped: it may quote what the request sent), and the headers
    send it to ``MESSAGES_REGION`` instead of the element that asked; ``core/base.html`` tells
    htmx to swap 400 and 403 answers.
    """
    response = render(request, "core/_htmx_message.html", {"message": message}, status=status)
    response["HX-Retarget"] = MESSAGES_REGION
    response["HX-Reswap"] = "innerHTML"
    return response


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, which the limits count by (django-axes' lock-outs, the
    join page's wrong codes, the public certificate page's look-ups).

    REMOTE_ADDR, unless it is one of the proxies of KALAN_TRUSTED_PROXIES (behind a proxy, loopback
    by default): then the right-most entry of X-Forwarded-For that is not a trusted proxy, the
    address the outermost trusted proxy saw. Entries to its left are whatever the client wrote,
    and a client reaching Kalan without the proxy cannot be believed either.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.KALAN_BEHIND_PROXY or not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    for entry in reversed(entries):
        if not _is_trusted_proxy(entry):
            return entry
    # Only proxies in the chain (or none): the left-most is the closest to the client.
    return entries[0] if entries else remote


def _is_trusted_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False  # not an address (a proxy's "unknown"): never trusted, so it is the client
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a server listening on [::] sees IPv4 clients as ::ffff:a.b.c.d
    return any(
        ip in network for network in _trusted_networks(tuple(settings.KALAN_TRUSTED_PROXIES))
    )


@functools.lru_cache(maxsize=8)
def _trusted_networks(
    values: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    # A pure function of the setting's value (already checked by the settings): per process.
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


# What every download answers with: a file to save, never kept by a browser's or a proxy's
# cache (lists of persons, certificates, payment statements), never sniffed into another type.
@overload
def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse: ...
@overload
def attachment(content: IO[bytes], *, filename: str, content_type: str) -> FileResponse: ...
@overload
def attachment(
    content: Iterable[bytes | str], *, filename: str, content_type: str
) -> StreamingHttpResponse: ...
def attachment(
    content: bytes | IO[bytes] | Iterable[bytes | str], *, filename: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    """The content as a download named ``filename``, kept by no cache (``private, no-store``).

    The name is made portable first (``kalan.core.filenames``): a colon or a slash in it, which
    a Windows laptop cannot save, becomes ``_``.

    ``bytes`` make an ``HttpResponse``; an open binary file a ``FileResponse``, which streams it
    and closes it once sent (a temporary file is then deleted); any other iterable of pieces a
    ``StreamingHttpResponse`` (a CSV written as it is read).
    """
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(portable_filename(filename))
    response["X-Content-Type-Options"] = "nosniff"
    return never_stored(response)


def _disposition(filename: str) -> str:
    """``attachment; filename="Presences Sevare.pdf"; filename*=UTF-8''Pr%C3%A9sences…``.

    RFC 6266: a browser that reads ``filename*`` (RFC 5987) gets the name as written, an older
    one the ASCII fallback (accents dropped, any other character as ``_``). A name in plain
    ASCII needs no ``filename*``: Django's header as it makes it.
    """
    plain = content_disposition_header(True, filename) or "attachment"
    if "filename*=" not in plain:
        return plain
    fallback = "".join(
        char if " " <= char <= "~" and char not in '"\\' else "_"
        for char in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(char)
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def never_stored(response: ResponseT) -> ResponseT:
    """``Cache-Control: private, no-store``: for what neither a proxy nor the browser of a shared
    laptop may keep (every download; the faces of officers a page shows)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


# Rows of a list page: enough to scan, few enough to stay light on a venue laptop.
PAGE_SIZE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    """The page of ``items`` that ``?page=`` asks for (the last one past the end, the first for
    nonsense), and the query string without ``page`` for the links of ``core/_pages.html``."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return page, keep.urlencode()


def stored_file(field: Any) -> IO[bytes]:
    """A stored file (a ``FileField``'s value) opened for reading; 404 when the field is empty or
    the file is gone from the disk."""
    if not field:
        raise Http404
    try:
        return field.open("rb")
    except OSError:
        raise Http404 from None


def stored_jpeg(field: Any) -> FileResponse:
    """A stored photo shown in the page (re-encoded, without metadata), never kept by a cache:
    faces of security officers, places of detention."""
    return never_stored(FileResponse(stored_file(field), content_type="image/jpeg"))
