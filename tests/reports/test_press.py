"""Press releases, on the demo programme (the seed article's workshop): what the drafts say,
every number in them against counts made here from the enrollments and attendance (never through
``figures.py``), the edited text in the Word and PDF exports, drafting again, and who may.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from num2words import num2words
from PIL import Image
from pypdf import PdfReader
from pytest_django import Settings

from kalan.core.formats import plain_spaces
from kalan.core.models import AuditEntry, Organisation, Place, User
from kalan.demo.programme import demo_load
from kalan.people.models import Person
from kalan.reports.models import Photo, PressRelease
from kalan.reports.photos import photo_family_set, photos_upload
from kalan.reports.press import PressSubject, press_draft
from kalan.reports.templatetags import press_text
from kalan.workshops.models import Enrollment, Session, Workshop
from tests.documents.readers import docx_text, pdf_pages
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo programme, loaded once for the module as ``kalan demo`` loads it (it takes
    seconds), in a transaction rolled back at the end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sevare(demo: None, db: None) -> Session:
    """The demo's Sévaré session."""
    return Session.objects.select_related("workshop", "place__parent").get(place__name="Sévaré")


@pytest.fixture
def family_photo(sevare: Session) -> Photo:
    image = Image.new("RGB", (1200, 800), (180, 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    (photo,) = photos_upload(
        session=sevare,
        uploads=[SimpleUploadedFile("famille.jpg", buffer.getvalue(), "image/jpeg")],
        by=None,
    )
    photo.caption = "Photo de famille des participants et des formateurs"
    photo.caption_en = "Group photo of the participants and trainers"
    photo.save()
    return photo_family_set(photo=photo)


def words(n: int, *, lang: str = "fr", feminine: bool = False) -> str:
    """« quarante (40) », « six (6) », « vingt et une (21) »."""
    spelled = num2words(n, lang=lang)
    if feminine and (spelled == "un" or spelled.endswith((" un", "-un"))):
        spelled += "e"
    return f"{spelled} ({n})"


def region_of(place: Place) -> str:
    while place.kind != Place.Kind.REGION:
        assert place.parent is not None
        place = place.parent
    return place.name


class Counted:
    """What the Sévaré session's release must say, counted here from its enrollments."""

    def __init__(self, session: Session) -> None:
        trained = (
            Enrollment.objects.filter(session=session, role=Enrollment.Role.PARTICIPANT)
            .filter(attendances__isnull=False)
            .distinct()
        )
        persons = list(
            Person.objects.filter(pk__in=trained.values("person_id")).select_related(
                "corps", "unit__place__parent__parent"
            )
        )
        self.participants = len(persons)
        self.women = sum(1 for p in persons if p.sex == "F")
        self.men = sum(1 for p in persons if p.sex == "M")
        self.corps = Counter(p.corps.name for p in persons if p.corps)
        self.regions = Counter(region_of(p.unit.place) for p in persons if p.unit)
        self.sessions = list(
            Session.objects.filter(workshop=session.workshop).order_by("start_date")
        )


def the_numbers_are_accounted_for(text: str, phrases: list[str]) -> None:
    """Each phrase is in the text; once they are taken out, no number is left in it."""
    for phrase in phrases:
        assert phrase in text, phrase
        text = text.replace(phrase, "")
    assert re.findall(r"\d+", text) == []


def french_draft(session: Session) -> str:
    draft = press_draft(subject=PressSubject.of_session(session), language="fr")
    return f"{draft.title}\n\n{draft.body}"


def test_the_french_draft_of_sevare_says_what_the_seed_article_says(sevare: Session) -> None:
    raw = french_draft(sevare)
    text = plain_spaces(raw)
    workshop = sevare.workshop
    organisation = Organisation.objects.get()

    assert "L’Hôtel La Palmeraie de Sévaré (région de Mopti) a abrité" in text
    assert "les 8, 9 et 10 novembre 2022" in text
    assert "quarante (40) participants" in text
    assert "Gendarmerie nationale" in text and "Police nationale" in text
    assert "dans les régions de Mopti (26)" in text and "de Ségou (1)" in text
    assert "dans l’Axe 3 de son plan stratégique 2020-2022" in text
    assert "avec l’appui financier de la Mission EUCAP Sahel Mali" in text
    assert plain_spaces(organisation.mandate) in text
    assert "de promouvoir, dans un contexte de conflit et d’insécurité" in text
    objectives = list(workshop.objectives.order_by("order").values_list("text", flat=True))
    assert len(objectives) == 5
    for objective in objectives:
        assert objective[0].lower() + objective[1:].rstrip(".") in text
    assert "visait spécifiquement à renforcer les capacités des OPJ" in text
    assert " et enfin renforcer l’esprit de confiance mutuelle" in text


def test_every_number_of_the_french_draft_is_counted_from_the_database(sevare: Session) -> None:
    counted = Counted(sevare)
    text = plain_spaces(french_draft(sevare))
    gendarmes, police = counted.corps["Gendarmerie nationale"], counted.corps["Police nationale"]
    sevare_days, segou_days = (
        "les " + ", ".join(str(d.day) for d in s.days[:-1]) + f" et {s.days[-1].day} novembre 2022"
        for s in counted.sessions
    )
    regions = [f"{name} ({n})" for name, n in counted.regions.items()]
    assert {"Mopti", "Ségou"} <= set(counted.regions)

    the_numbers_are_accounted_for(
        text,
        [
            f"en {words(len(counted.sessions), feminine=True)} sessions",
            f"à Sévaré {sevare_days}",
            f"à Ségou {segou_days}",
            sevare_days,
            f"a réuni {words(counted.participants)} participants",
            f"dont {words(counted.women, feminine=True)} femmes et {words(counted.men)} hommes",
            f"{words(gendarmes).capitalize()} d’entre eux appartiennent à la Gendarmerie nationale",
            f"et {words(police)} à la Police nationale",
            *regions,
            "Axe 3 de son plan stratégique 2020-2022",
        ],
    )
    assert counted.participants == 40 and gendarmes + police == 40


def test_the_french_draft_has_french_typography(sevare: Session) -> None:
    raw = french_draft(sevare)

    assert f"{NNBSP}:" in raw and f"{NNBSP};" in raw
    assert not re.search(r"[ \u00a0][:;!?]", raw)  # never a breaking space before them
    assert "’" in raw and "'" not in raw


def test_the_english_draft_is_english_with_the_same_numbers(sevare: Session) -> None:
    counted = Counted(sevare)
    french = plain_spaces(french_draft(sevare))
    draft = press_draft(subject=PressSubject.of_session(sevare), language="en")
    english = f"{draft.title}\n\n{draft.body}"

    assert sorted(re.findall(r"\((\d+)\)", english)) == sorted(re.findall(r"\((\d+)\)", french))
    assert f"brought together {words(40, lang='en')} participants" in english
    assert (
        f"{words(counted.women, lang='en')} women and {words(counted.men, lang='en')} men"
        in english
    )
    assert (
        "On 8, 9 and 10 November 2022, the Hôtel La Palmeraie in Sévaré (Mopti region)" in english
    )
    assert "Axis 3 of the CNDH’s 2020-2022 strategic plan" in english
    assert "with financial support from EUCAP Sahel Mali" in english
    for french_prose in ("a réuni", "d’entre eux", "visait", "C’est dans cette perspective"):
        assert french_prose not in english
    # Nothing of French typography in the English prose around the French quotations.
    assert NNBSP not in english


def test_the_workshop_draft_covers_both_sessions(sevare: Session) -> None:
    workshop = Workshop.objects.get()
    trained = (
        Enrollment.objects.filter(session__workshop=workshop, role=Enrollment.Role.PARTICIPANT)
        .filter(attendances__isnull=False)
        .values("person_id")
        .distinct()
        .count()
    )

    draft = press_draft(subject=PressSubject.of_workshop(workshop), language="fr")
    text = plain_spaces(draft.body)

    assert "La CNDH a organisé, en deux (2) sessions, l’atelier de renforcement" in text
    assert (
        "à Sévaré (région de Mopti), à l’Hôtel La Palmeraie, les 8, 9 et 10 novembre 2022" in text
    )
    assert "à Ségou (région de Ségou), à l’Hôtel Djoliba, les 14, 15 et 16 novembre 2022" in text
    assert f"L’atelier a réuni {words(trained)} participants" in text
    assert trained == 80


def test_a_draft_for_a_coming_session_with_nobody_yet_speaks_of_the_future(sevare: Session) -> None:
    coming = SessionFactory(
        workshop=sevare.workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Mopti"),
        venue="Centre Amadou Hampâté Bâ",
        start_date=timezone.localdate() + dt.timedelta(days=30),
        end_date=timezone.localdate() + dt.timedelta(days=31),
    )

    text = plain_spaces(press_draft(subject=PressSubject.of_session(coming), language="fr").body)

    assert text.startswith("Le Centre Amadou Hampâté Bâ de Mopti (région de Mopti) accueillera")
    assert "se tient en trois (3) sessions" in text
    assert "réuni" not in text and "participants" not in text  # nobody enrolled yet
    assert "Cette session de formation vise spécifiquement à" in text
    assert "que la CNDH organise cette session de formation" in text


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        ((2022, 11, 8), (2022, 11, 8), "le 8 novembre 2022", "on 8 November 2022"),
        ((2022, 11, 1), (2022, 11, 2), "les 1er et 2 novembre 2022", "on 1 and 2 November 2022"),
        ((2022, 11, 8), (2022, 11, 12), "du 8 au 12 novembre 2022", "from 8 to 12 November 2022"),
        (
            (2022, 11, 30),
            (2022, 12, 2),
            "du 30 novembre au 2 décembre 2022",
            "from 30 November to 2 December 2022",
        ),
        (
            (2022, 12, 30),
            (2023, 1, 1),
            "du 30 décembre 2022 au 1er janvier 2023",
            "from 30 December 2022 to 1 January 2023",
        ),
    ],
)
def test_dates_are_written_as_a_press_release_writes_them(
    start: tuple[int, int, int], end: tuple[int, int, int], french: str, english: str
) -> None:
    for language, expected in (("fr", french), ("en", english)):
        with translation.override(language):
            assert plain_spaces(press_text.days(dt.date(*start), dt.date(*end))) == expected


def test_names_get_the_article_and_the_preposition_french_gives_them() -> None:
    with translation.override("fr"):
        assert press_text.de_the("Mission EUCAP Sahel Mali") == "de la Mission EUCAP Sahel Mali"
        assert press_text.de_the("Programme des Nations unies") == "du Programme des Nations unies"
        assert press_text.de_the("Union européenne") == "de l’Union européenne"
        assert press_text.de_the("Nations unies") == "des Nations unies"
        assert press_text.de_the("Haut-Commissariat aux droits de l’homme") == (
            "du Haut-Commissariat aux droits de l’homme"
        )
        assert press_text.de("Ansongo") == "d’Ansongo"
        assert press_text.at_the("Hôtel Djoliba") == "à l’Hôtel Djoliba"
        assert press_text.at_the("Centre Djoliba") == "au Centre Djoliba"
        assert press_text.spelled_f(21) == "vingt et une (21)"
        assert press_text.spelled(80) == "quatre-vingts (80)"


# --- the page, the exports -----------------------------------------------------------------------


def press_url(session: Session, name: str = "session_press", language: str = "fr") -> str:
    return reverse(name, kwargs={"uid": session.uid, "language": language})


def docx_images(data: bytes) -> list[bytes]:
    document = docx.Document(io.BytesIO(data))
    return [
        part.blob
        for part in document.part.related_parts.values()
        if part.content_type.startswith("image/")
    ]


def pdf_image_sizes(data: bytes) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(io.BytesIO(data)).pages:
        objects = page["/Resources"].get("/XObject", {})
        for ref in objects.values():
            xobject = ref.get_object()
            if xobject["/Subtype"] == "/Image":
                sizes.append((int(xobject["/Width"]), int(xobject["/Height"])))
    return sizes


def test_an_edited_release_is_what_the_docx_and_the_pdf_print(
    sevare: Session, family_photo: Photo, client_for: Callable[[User], Client],
    communication_officer: User,
) -> None:  # fmt: skip
    client = client_for(communication_officer)
    page = client.get(press_url(sevare))
    assert page.status_code == 200
    form = page.context["form"]
    drafted = form.initial["body"]
    assert form.initial["photo"] == family_photo
    assert form.initial["signature"] == "Cellule de Communication/CNDH"
    sentence = "Ainsi formés, ils serviront de relais de promotion des droits de l’homme"
    assert sentence in drafted
    edited = drafted.replace(
        sentence, "Les OPJ formés deviendront les relais des droits humains dans leurs brigades"
    )

    saved = client.post(
        press_url(sevare),
        {
            "title": "Sévaré : la CNDH forme quarante OPJ aux droits de l’homme",
            "body": edited,
            "signature": "Cellule de Communication/CNDH",
            "photo": family_photo.pk,
        },
    )

    assert saved.status_code == 302
    release = PressRelease.objects.get(session=sevare, language="fr")
    assert release.updated_by == communication_officer
    word = client.get(press_url(sevare, "session_press_docx"))
    pdf = client.get(press_url(sevare, "session_press_pdf"))
    assert (
        word["Content-Disposition"].endswith('.docx"') and pdf["Content-Type"] == "application/pdf"
    )

    text = docx_text(word.content)
    assert "Sévaré : la CNDH forme quarante OPJ aux droits de l’homme" in text
    assert "deviendront les relais des droits humains dans leurs brigades" in text
    assert sentence not in text
    assert "Photo de famille des participants et des formateurs" in text
    assert "Cellule de Communication/CNDH" in text
    assert "quarante (40) participants" in text
    with family_photo.image.open("rb") as handle:
        assert docx_images(word.content) == [handle.read()]

    pages = " ".join(pdf_pages(pdf.content))
    flat = " ".join(pages.split())
    assert "Sévaré : la CNDH forme quarante OPJ" in flat
    assert "deviendront les relais des droits humains dans leurs brigades" in flat
    assert sentence not in flat
    assert "Photo de famille des participants et des formateurs" in flat
    assert "Commission Nationale des Droits de l’Homme" in flat  # the letterhead
    assert (family_photo.width, family_photo.height) in pdf_image_sizes(pdf.content)
    exports = AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, detail__list="press_release", object_uid=release.uid
    )
    assert sorted(exports.values_list("detail__format", flat=True)) == ["docx", "pdf"]


def test_before_anyone_saves_the_exports_print_the_draft(
    sevare: Session, client_for: Callable[[User], Client], programme_officer: User
) -> None:
    client = client_for(programme_officer)

    word = client.get(press_url(sevare, "session_press_docx", "en"))

    assert "brought together forty (40) participants" in docx_text(word.content)
    assert docx_images(word.content) == []  # no family photo yet
    assert not PressRelease.objects.exists()


def test_drafting_again_asks_first_then_replaces_the_text(
    sevare: Session, family_photo: Photo, client_for: Callable[[User], Client],
    communication_officer: User,
) -> None:  # fmt: skip
    client = client_for(communication_officer)
    client.post(
        press_url(sevare),
        {"title": "Mon titre", "body": "Mon texte.", "signature": "Service presse", "photo": ""},
    )
    url = press_url(sevare, "session_press_redraft")

    confirm = client.get(url)
    assert "seront remplacés" in confirm.content.decode()
    assert PressRelease.objects.get().body == "Mon texte."

    client.post(url)

    release = PressRelease.objects.get()
    assert "quarante (40) participants" in plain_spaces(release.body)
    assert release.title.startswith("Atelier de renforcement des capacités")
    assert release.signature == "Service presse"  # kept
    assert release.photo == family_photo  # no photo was chosen: the family photo


def test_save_and_download_saves_first(
    sevare: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    response = client_for(communication_officer).post(
        press_url(sevare),
        {"title": "Titre", "body": "Texte corrigé.", "signature": "", "then": "docx"},
    )

    assert response.status_code == 302
    assert response["Location"] == press_url(sevare, "session_press_docx")
    assert PressRelease.objects.get().body == "Texte corrigé."


def test_a_photo_of_another_session_is_refused(
    sevare: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    segou = Session.objects.get(place__name="Ségou")
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, "JPEG")
    (elsewhere,) = photos_upload(
        session=segou, uploads=[SimpleUploadedFile("s.jpg", buffer.getvalue())], by=None
    )

    response = client_for(communication_officer).post(
        press_url(sevare), {"title": "T", "body": "B", "signature": "", "photo": elsewhere.pk}
    )

    assert response.status_code == 200
    assert not PressRelease.objects.exists()


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["communication_officer", "programme_officer", "administrator"])
def test_communication_and_programme_may_write_releases(
    request: pytest.FixtureRequest, client_for: Callable[[User], Client], sevare: Session,
    role: str,
) -> None:  # fmt: skip
    client = client_for(request.getfixturevalue(role))
    workshop_url = reverse("workshop_press", kwargs={"pk": sevare.workshop_id, "language": "en"})

    assert client.get(press_url(sevare)).status_code == 200
    assert client.get(workshop_url).status_code == 200
    assert client.get(press_url(sevare, "session_press_pdf")).status_code == 200
    saved = client.post(
        press_url(sevare), {"title": "T", "body": "B", "signature": "S", "photo": ""}
    )
    assert saved.status_code == 302


@pytest.mark.parametrize("role", ["finance_officer", "trainer", "donor_viewer", "outsider"])
def test_the_other_roles_may_not(
    request: pytest.FixtureRequest, client_for: Callable[[User], Client], sevare: Session,
    role: str,
) -> None:  # fmt: skip
    user = request.getfixturevalue(role)
    sevare.trainers.add(user)
    client = client_for(user)

    for name in (
        "session_press",
        "session_press_redraft",
        "session_press_docx",
        "session_press_pdf",
    ):
        assert client.get(press_url(sevare, name)).status_code == 403
    assert client.post(press_url(sevare), {"title": "T", "body": "B"}).status_code == 403
    workshop_url = reverse("workshop_press", kwargs={"pk": sevare.workshop_id, "language": "fr"})
    assert client.get(workshop_url).status_code == 403
    assert not PressRelease.objects.exists()


def test_an_unknown_language_is_not_found(
    client_for: Callable[[User], Client], communication_officer: User, sevare: Session
) -> None:
    client = client_for(communication_officer)

    assert client.get(press_url(sevare, language="de")).status_code == 404


def test_the_session_page_links_to_photos_and_release_for_those_who_may(
    client_for: Callable[[User], Client], communication_officer: User, finance_officer: User,
    sevare: Session,
) -> None:  # fmt: skip
    url = reverse("session_detail", kwargs={"uid": sevare.uid})

    page = client_for(communication_officer).get(url).content.decode()
    assert reverse("session_photos", kwargs={"uid": sevare.uid}) in page
    assert press_url(sevare) in page
    assert press_url(sevare, language="en") in page

    other = client_for(finance_officer).get(url).content.decode()
    assert 'id="communication"' not in other


def test_the_workshop_page_links_to_the_workshop_release(
    client_for: Callable[[User], Client], communication_officer: User, sevare: Session
) -> None:
    page = client_for(communication_officer).get(
        reverse("workshop_detail", kwargs={"pk": sevare.workshop_id})
    )

    assert (
        reverse("workshop_press", kwargs={"pk": sevare.workshop_id, "language": "fr"})
        in page.content.decode()
    )
