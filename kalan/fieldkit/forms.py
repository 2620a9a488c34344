"""The form that issues a field kit: sessions, accounts carried, and the passphrase twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalan.core.formats import date_range
from kalan.core.models import User
from kalan.fieldkit.models import FieldKit
from kalan.fieldkit.selectors import kit_accounts_choosable, kit_sessions_choosable
from kalan.workshops.models import Session

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

# As long as the one a backup asks (scrypt makes each guess slow; length makes guesses many).
PASSPHRASE_MIN_LENGTH = 12


class SessionChoices(forms.ModelMultipleChoiceField):
    """Sessions by their global id (``uid``), shown with their place and dates, and, when one
    already left in a kit, when: a second kit of it is allowed, but should be a choice."""

    def __init__(self, *args: Any, kits_of: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kits_of = kits_of

    def label_from_instance(self, obj: Session) -> str:
        # The place and the dates first: they tell apart the sessions of one long title.
        label = _("%(place)s, %(dates)s — session %(number)s de « %(workshop)s »") % {
            "workshop": obj.workshop,
            "number": obj.number,
            "place": obj.place,
            "dates": date_range(obj.start_date, obj.end_date),
        }
        if obj.pk in self.kits_of:
            label += " " + str(
                _("(déjà dans un kit émis le %(day)s)") % {"day": self.kits_of[obj.pk]}
            )
        return str(label)


class AccountChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        role = obj.get_role_display() or _("sans rôle")
        return f"{name} ({obj.username}) — {role}" if name else f"{obj.username} — {role}"


def _passphrase(
    label: Any, help_text: Any = "", *, min_length: int | None, required: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        min_length=min_length,
        max_length=200,
        error_messages={
            "required": required,
            "min_length": _(
                "La phrase secrète doit compter au moins %(limit_value)d caractères "
                "(elle en a %(show_value)d)."
            ),
        },
        # Never written back into the page: a refused form comes back with both boxes empty.
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )


class KitIssueForm(forms.Form):
    sessions = SessionChoices(
        queryset=Session.objects.none(),
        kits_of={},
        to_field_name="uid",
        widget=forms.CheckboxSelectMultiple,
        label=_("Sessions à emporter"),
        help_text=_(
            "Le kit emporte leurs participants, leurs tests, leurs formateurs et des numéros "
            "d’attestation et d’état de paiement réservés."
        ),
        error_messages={"required": _("Choisissez au moins une session.")},
    )
    accounts = AccountChoices(
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Autres comptes à emporter"),
        help_text=_(
            "Facultatif : les formateurs des sessions sont déjà emportés. Ctrl+clic pour en "
            "choisir plusieurs."
        ),
    )
    passphrase = _passphrase(
        _("Phrase secrète du kit"),
        _(
            "12 caractères au moins. Elle n’est enregistrée nulle part : donnez-la au formateur "
            "par un autre chemin que le fichier (de vive voix, par téléphone)."
        ),
        min_length=PASSPHRASE_MIN_LENGTH,
        required=_("Tapez la phrase secrète du kit."),
    )
    # Its length is the first box's to judge: the second only has to be the same.
    passphrase_confirm = _passphrase(
        _("Phrase secrète (encore)"),
        min_length=None,
        required=_("Tapez la phrase secrète une seconde fois."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = cast(SessionChoices, self.fields["sessions"])
        sessions.queryset = kit_sessions_choosable(user=user)
        sessions.kits_of = _last_kit_of_sessions()
        cast(AccountChoices, self.fields["accounts"]).queryset = kit_accounts_choosable()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        passphrase, again = cleaned.get("passphrase"), cleaned.get("passphrase_confirm")
        if passphrase and again and passphrase != again:
            self.add_error("passphrase_confirm", _("Les deux phrases secrètes diffèrent."))
        return cleaned


def _last_kit_of_sessions() -> dict[int, str]:
    """Session pk → the day its latest kit was issued (one query)."""
    through = FieldKit.sessions.through
    last: dict[int, str] = {}
    for session_id, created in through.objects.order_by("fieldkit__created_at").values_list(
        "session_id", "fieldkit__created_at"
    ):
        last[session_id] = f"{timezone.localtime(created):%d/%m/%Y}"
    return last
