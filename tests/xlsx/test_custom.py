"""Tests of xl_statsbidrag.xlsx.custom."""
from xl_statsbidrag.xlsx import custom
from xl_statsbidrag.xlsx.ooxml import NS_CUSTOM


def test_custom_properties_keep_others_and_number_new_ones():
    root = custom.new()
    custom.set_properties(root, {"Källa": "a.xlsx", "Verktyg": "xl-statsbidrag"})
    custom.set_properties(root, {"Källa": "b.xlsx\x01"})  # a control character XML cannot hold is dropped
    props = {p.get("name"): (p.get("pid"), p[0].text) for p in root}
    assert props == {"Källa": ("2", "b.xlsx"), "Verktyg": ("3", "xl-statsbidrag")}
    assert all(p.get("fmtid") == "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" and p.tag == f"{{{NS_CUSTOM}}}property"
               for p in root)
