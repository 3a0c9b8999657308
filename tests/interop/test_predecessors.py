"""The MS Project predecessors column: parse, format, and clear errors naming the entry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from altitude.interop.predecessors import (
    LinkType,
    Predecessor,
    PredecessorSyntaxError,
    format_predecessor,
    format_predecessors,
    parse_predecessor,
    parse_predecessors,
)

FS, SS, FF, SF = LinkType.FINISH_TO_START, LinkType.START_TO_START, LinkType.FINISH_TO_FINISH, LinkType.START_TO_FINISH


@pytest.mark.parametrize(("text", "expected"), [
    ("7", Predecessor(7)),
    ("12FS+2d", Predecessor(12, FS, 960)),
    ("3SS-1d", Predecessor(3, SS, -480)),
    ("4ff", Predecessor(4, FF)),
    ("5SF+4h", Predecessor(5, SF, 240)),
    ("6FS+1w", Predecessor(6, FS, 2400)),
    ("8FS+30m", Predecessor(8, FS, 30)),
    ("8FS+30min", Predecessor(8, FS, 30)),
    ("9FS+3ed", Predecessor(9, FS, 3 * 1440, True)),
    ("9FS+12eh", Predecessor(9, FS, 720, True)),
    ("10+2", Predecessor(10, FS, 960)),          # a bare number is days; no type means FS
    ("11FS+0.5d", Predecessor(11, FS, 240)),
    ("11FS+1,5d", Predecessor(11, FS, 720)),     # decimal comma inside one entry
    (" 13 SS + 2 d ", Predecessor(13, SS, 960)),
])
def test_one_entry(text: str, expected: Predecessor) -> None:
    assert parse_predecessor(text) == expected


def test_the_whole_column_in_order() -> None:
    assert parse_predecessors("12FS+2d, 3SS-1d, 7") == (
        Predecessor(12, FS, 960), Predecessor(3, SS, -480), Predecessor(7))
    assert parse_predecessors("1;2") == (Predecessor(1), Predecessor(2))
    assert parse_predecessors("") == ()
    assert parse_predecessors("   ") == ()


def test_custom_day_length() -> None:
    assert parse_predecessor("2FS+1d", minutes_per_day=420) == Predecessor(2, FS, 420)
    assert parse_predecessor("2FS+1w", minutes_per_week=2100) == Predecessor(2, FS, 2100)


@pytest.mark.parametrize(("text", "token", "words"), [
    ("12XY", "12XY", "unknown link type 'XY'"),
    ("3FS+2q", "3FS+2q", "unknown lag unit 'q'"),
    ("3FS+50%", "3FS+50%", "percent lags"),
    ("abc", "abc", "expected a row ID"),
    ("1, FS2", "FS2", "expected a row ID"),
    ("0", "0", "row IDs start at 1"),
    ("4, 4SS", "4SS", "row 4 is named twice"),
    ("1,,2", "", "empty entry"),
    ("1FS+0.001d", "1FS+0.001d", "whole number of minutes"),
])
def test_errors_name_the_bad_entry(text: str, token: str, words: str) -> None:
    with pytest.raises(PredecessorSyntaxError) as caught:
        parse_predecessors(text)
    assert caught.value.token == token
    assert words in str(caught.value)


@pytest.mark.parametrize(("item", "text"), [
    (Predecessor(7), "7"),
    (Predecessor(3, SS), "3SS"),
    (Predecessor(12, FS, 960), "12FS+2d"),
    (Predecessor(3, SS, -480), "3SS-1d"),
    (Predecessor(4, FF, 240), "4FF+4h"),
    (Predecessor(4, FF, 45), "4FF+45m"),
    (Predecessor(9, FS, 2880, True), "9FS+2ed"),
    (Predecessor(9, FS, 720, True), "9FS+12eh"),
    (Predecessor(9, FS, 7, True), "9FS+7em"),
])
def test_format(item: Predecessor, text: str) -> None:
    assert format_predecessor(item) == text


def test_format_the_column() -> None:
    assert format_predecessors([Predecessor(12, FS, 960), Predecessor(3, SS, -480), Predecessor(7)]) == "12FS+2d, 3SS-1d, 7"
    assert format_predecessors([]) == ""


def test_a_zero_lag_has_no_unit() -> None:
    # Found by the round-trip property below: a zero elapsed lag was written as "1" and
    # read back as a zero working lag.
    assert Predecessor(1, FS, 0, True) == Predecessor(1)
    assert parse_predecessors(format_predecessors([Predecessor(1, FS, 0, True)])) == (Predecessor(1),)


entries = st.builds(
    Predecessor,
    row=st.integers(1, 9999),
    type=st.sampled_from(list(LinkType)),
    lag_minutes=st.integers(-100_000, 100_000),
    lag_elapsed=st.booleans(),
)


@given(st.lists(entries, max_size=6, unique_by=lambda p: p.row))
def test_format_then_parse_gives_the_links_back(items: list[Predecessor]) -> None:
    assert parse_predecessors(format_predecessors(items)) == tuple(items)
