"""Series of numbers shared by headquarters and venue laptops: never the same number twice."""

from __future__ import annotations

import pytest

from kalan.core.models import NumberBlock
from kalan.core.numbering import NumberingError, is_field_laptop, sequence_next, sequence_of

PREFIX = "CNDH-2022-"


@pytest.mark.django_db
def test_headquarters_numbers_past_the_blocks_kits_took() -> None:
    assert sequence_next(prefix=PREFIX, taken=[1, 2, 3]) == 4
    NumberBlock.objects.create(prefix=PREFIX, first=4, last=60, holder="Kit Sévaré")
    NumberBlock.objects.create(prefix="EP-2022-", first=1, last=500, holder="Kit Sévaré")
    assert not is_field_laptop()
    assert sequence_next(prefix=PREFIX, taken=[1, 2, 3]) == 61
    # The laptop's numbers, once back, are inside the block: headquarters still goes on past it.
    assert sequence_next(prefix=PREFIX, taken=[1, 2, 3, 4, 5, 61]) == 62


@pytest.mark.django_db
def test_a_laptop_numbers_inside_its_own_block_and_says_when_it_is_used_up() -> None:
    NumberBlock.objects.create(prefix=PREFIX, first=41, last=43, holder="Siège", local=True)
    assert is_field_laptop()
    assert sequence_next(prefix=PREFIX, taken=[1, 2, 3]) == 41
    assert sequence_next(prefix=PREFIX, taken=[41], count=2) == 42
    with pytest.raises(NumberingError) as used_up:
        sequence_next(prefix=PREFIX, taken=[41, 42], count=2)
    assert used_up.value.code == "block_used_up"
    assert "CNDH-2022-" in str(used_up.value)
    with pytest.raises(NumberingError) as none:
        sequence_next(prefix="EP-2022-", taken=[])
    assert none.value.code == "no_block"


def test_the_sequence_is_read_from_the_number_of_its_series_only() -> None:
    assert sequence_of("CNDH-2022-0041", PREFIX) == 41
    assert sequence_of("CNDH-2023-0041", PREFIX) is None
    assert sequence_of("CNDH-2022-A1", PREFIX) is None
