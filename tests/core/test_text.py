"""Tests of xl_statsbidrag.core.text."""
from xl_statsbidrag.core.text import normalise_header


def test_one_header_normaliser_covers_both_former_ones():
    # what the region-layout reader needed: hyphenation over a break, punctuation around
    assert normalise_header("Besluts-\nunderlag :") == "beslutsunderlag"
    # what the format reader needed: no-break spaces, line breaks, a trailing colon
    assert normalise_header("Belopp\u00a0enligt\nregionens beslut:") == "belopp enligt regionens beslut"
    assert normalise_header(None) == ""
