import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pcrm.lib import idcard


def test_known_number():
    assert idcard.is_valid("11010519491231002X")
    assert not idcard.is_valid("110105194912310021")


def test_rejects_bad_dates_and_shapes():
    assert not idcard.is_valid("110105194913310028")
    assert not idcard.is_valid("1101051949123100")


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)), st.integers(0, 999)
)
def test_made_numbers_validate(birth, seq):
    number = idcard.make("440305", birth, seq)
    assert idcard.is_valid(number)
    assert idcard.birth_date_of(number) == birth
