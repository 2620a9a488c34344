"""The page « Kits de terrain » and the form that issues one (issue 16, « Out »).

Administrators and programme officers only (``issue_field_kits``): a kit carries the sessions'
persons and their trainers' password hashes and two-factor keys.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import IO

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from kalan.core.forms import form_add_error
from kalan.core.http import attachment, paginate
from kalan.core.models import User
from kalan.core.roles import requires
from kalan.core.views_users import signed_in
from kalan.fieldkit.forms import KitIssueForm
from kalan.fieldkit.kit import SUFFIX, FieldKitError, KitResult, default_kit_name, kit_create
from kalan.fieldkit.selectors import field_kits, kits_described
from kalan.workshops.models import Session

# The field an error of ``kit_create`` concerns when the error does not name one.
ERROR_FIELDS = {"no_session": "sessions"}


@requires("issue_field_kits")
def field_kit_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, field_kits())
    return render(
        request,
        "fieldkit/kit_list.html",
        {"page": page, "query": query, "kits": kits_described(page.object_list)},
    )


@requires("issue_field_kits")
@sensitive_post_parameters("passphrase", "passphrase_confirm")
def field_kit_create(request: HttpRequest) -> HttpResponse | FileResponse:
    """The form, and on a valid POST the kit itself as the answer: a file to save.

    Why the kit is sent at once rather than kept under DATA_DIR/kits/ for a download link: the
    file holds, encrypted, the persons of the sessions and the trainers' password hashes, and
    a copy left on the server is one more copy to steal, to clean up, and to guard with a
    one-time link. Here it exists only in an anonymous temporary file (``TemporaryFile``)
    while it is sent, and the kit's record, its number blocks and the file are made in one
    transaction: a kit that failed to be written is not recorded. A download lost on the way
    (a closed tab) leaves a recorded kit that no laptop opens: its numbers stay unused, a gap
    in the series, never a double; the officer issues another.

    The passphrase is never stored, logged (``sensitive_post_parameters`` keeps it out of
    error reports) nor written back into the form when it is refused.
    """
    user = signed_in(request)
    form = KitIssueForm(
        request.POST or None, user=user, initial={"sessions": request.GET.getlist("session")}
    )
    if request.method == "POST" and form.is_valid():
        sessions = sorted(form.cleaned_data["sessions"], key=lambda s: (s.start_date, s.number))
        try:
            result, file = _kit_made(
                sessions=sessions,
                by=user,
                passphrase=form.cleaned_data["passphrase"],
                accounts=[account.username for account in form.cleaned_data["accounts"]],
            )
        except FieldKitError as error:
            error.field = error.field or ERROR_FIELDS.get(error.code)
            form_add_error(form, error)
        else:
            # Shown on the next page the officer opens: this answer is the file.
            messages.success(
                request,
                _(
                    "Kit émis : %(label)s, %(persons)s personne(s). Donnez la phrase secrète "
                    "au formateur par un autre chemin que le fichier."
                )
                % {"label": result.kit.label, "persons": result.persons},
            )
            return attachment(
                file, filename=result.path.name, content_type="application/octet-stream"
            )
    return render(
        request,
        "fieldkit/kit_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _kit_made(
    *, sessions: list[Session], by: User, passphrase: str, accounts: list[str]
) -> tuple[KitResult, IO[bytes]]:
    """The kit made and recorded, and its file opened for sending.

    The record and the number blocks are kept only once the file is whole in the answer.
    """
    with transaction.atomic(), tempfile.TemporaryDirectory(prefix="kalan-kit-") as folder:
        result = kit_create(
            sessions=sessions,
            by=by,
            passphrase=passphrase,
            destination=Path(folder) / default_kit_name(sessions),
            accounts=accounts,
        )
        return result, _anonymous_copy(result)


def _anonymous_copy(result: KitResult) -> IO[bytes]:
    """The kit in a file with no name in any folder (on Linux), deleted once closed: the
    temporary folder it was written in goes as soon as the kit is made."""
    file = tempfile.TemporaryFile(prefix="kalan-kit-", suffix=SUFFIX)  # noqa: SIM115
    try:
        with result.path.open("rb") as source:
            shutil.copyfileobj(source, file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file
