"""A hostile leases file (an upload through the page or the API) is read in time linear in its size:
no text without a terminator, no string left open, no run of quotes or escapes makes the parser
backtrack (before, 200 kB without a ``;`` never finished and held the web worker)."""

from __future__ import annotations

import pytest

from lakthan.network.engines.leases import parse_dhcpd_leases

BLOCK = (
    "lease 10.0.0.{n} {{\n  starts 1 2013/09/30 01:00:00;\n  ends never;\n  binding state active;\n"
    "  hardware ethernet aa:bb:cc:dd:ee:{n:02x};\n}}\n"
)


@pytest.mark.parametrize(
    "text, problems",
    [
        ("a" * 200_000, 0),  # no terminator at all
        ('lease 10.0.0.1 { "' + "x" * 200_000, 1),  # a string left open: the block never closes
        ('"a\\"' * 50_000, 0),  # escaped quotes without an end
        ('"' * 200_001, 0),
        ("lease 10.0.0.1 " + "{" * 100_000, 1),
        ("}" * 100_000 + ";" * 100_000, 0),
    ],
)
def test_hostile_text_is_read_through_and_named(text, problems):
    leases, found = parse_dhcpd_leases(text)
    assert leases == [] and len(found) == problems


def test_leases_after_a_broken_block_are_still_read():
    text = 'lease 10.0.0.9 { starts "never closed;\n' + BLOCK.format(n=1) + BLOCK.format(n=2)
    leases, problems = parse_dhcpd_leases(text)
    # the open string swallows the rest of the file: nothing after it can be told apart, and the
    # reader says which block was left open instead of inventing leases
    assert leases == [] and [p.line for p in problems] == [1]
    leases, problems = parse_dhcpd_leases(
        BLOCK.format(n=1) + "lease 10.0.0.9 { starts bogus; }\n" + BLOCK.format(n=2)
    )
    assert [lease.address for lease in leases] == ["10.0.0.1", "10.0.0.2"] and len(problems) == 1
