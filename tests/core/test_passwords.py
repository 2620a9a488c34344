"""Password hashing (Argon2) and the password policy."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from kalan.settings import PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2() -> None:
    # The tests switch to MD5 for speed: read the production list from the settings module.
    with override_settings(PASSWORD_HASHERS=PASSWORD_HASHERS):
        assert make_password("Palmeraie-Sevare-2022").startswith("argon2$")


def test_a_password_shorter_than_ten_characters_is_refused() -> None:
    with pytest.raises(ValidationError, match="10"):
        validate_password("Kx7-qa9-z")


def test_a_ten_character_uncommon_password_passes() -> None:
    validate_password("Kx7-qa9-zW")


def test_the_policy_keeps_django_s_other_validators() -> None:
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
