"""The SIE reader's fast path (one regular expression per chunk of lines, numpy over the columns) against
its plain path (every line by ``_Reader.line``) on files made here, hostile ones included: quotes holding
``#TRANS``, braces and escapes in texts, broken quotes, tabs, CR/LF mixes, very long lines, odd amounts
and dates, #RTRANS/#BTRANS, lower-case labels, broken blocks; CP437, Latin-1 and UTF-8.  The two must give
the same frame (every column, the line numbers), the same notes and warnings, or the same error."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger import sie

WS = st.sampled_from([" ", "  ", "\t", " \t"])
LEAD = st.sampled_from(["", "", "   ", "\t", " \t "])
TEXT = st.lists(st.sampled_from(list("abc åäöÅÄÖé{}#") + ["#TRANS ", "\\\"", "\\\\", "\t"]),
                max_size=8).map("".join)
BARE = st.text(alphabet=st.sampled_from(list("AB19x-åÖ")), min_size=1, max_size=4)


@st.composite
def word(draw):
    return draw(st.one_of(BARE, st.builds(lambda t: f'"{t}"', st.text(alphabet="AB1 ", max_size=3))))


@st.composite
def amount(draw):
    whole = draw(st.integers(0, 10 ** 9))
    form = draw(st.sampled_from(["{w}.{f2}", "{w}.{f2}", "{w}.{f1}", "{w}", "-{w}.{f2}", "-0.{f2}", "-0.{f1}",
                                 "{w}.{f2}0000001", "{w}.{f2}5", "{w},{f2}", "١٢.{f2}", "{w}.٣", "-{w}",
                                 "-0", "{w}.", "x{w}", "{w}.{f2}e1", "12345678901234567.00", "-00.{f2}", "-000",
                                 "-00{w}.{f1}", "0{w}.{f2}"]))
    return form.format(w=whole, f2=f"{draw(st.integers(0, 99)):02d}", f1=draw(st.integers(0, 9)))


@st.composite
def date(draw):
    return draw(st.sampled_from(["20190315", "20191231", "20190101", "20200229", "20190229", "20191332",
                                 "2019031", "٢٠١٩٠٣١٥", "00000000", "99991231", "20190315x", '""', '"20190315"']))


@st.composite
def object_list(draw):
    pairs = draw(st.lists(st.tuples(st.sampled_from(["1", "6", "20", "2", '"20"', "x"]),
                                    st.sampled_from(['"410"', '"P 1"', '"1145"', "100", '"a\\"b"', '""', '"{x"',
                                                     '"9902', '"}"', '"a\\"', '"a\\\\"'])),
                          max_size=4))
    inner = draw(WS).join(f"{d}{draw(WS)}{o}" for d, o in pairs)
    if draw(st.booleans()):
        return draw(st.sampled_from(['{1 "410" 6 "P1901" 20 "1145"}', "{}", '{20 "9902"}']))
    return draw(st.sampled_from(["{%s}", "{%s}", "{ %s }", "{%s", "%s"])) % inner


@st.composite
def trans(draw):
    label = draw(st.sampled_from(["#TRANS"] * 12 + ["#RTRANS", "#BTRANS", "#trans", "#TRANSX"]))
    fields = [label, draw(st.sampled_from(["4010", "5010", "2440", '"4010"', "40 10"])), draw(object_list()),
              draw(amount())]
    tail = draw(st.lists(st.one_of(date(), st.builds(lambda t: f'"{t}"', TEXT),
                                   st.sampled_from(['"Faktura utan slut', "1.0", '"Anna"', '""', "{", "}", "a\\b",
                                                    '1"x"', "{1 2}"])), max_size=4))
    sep = draw(WS)
    return draw(LEAD) + sep.join(fields + tail) + draw(st.sampled_from(["", "", " ", "\t"]))


@st.composite
def voucher(draw):
    head = ["#VER", draw(word()), draw(word()), draw(date())]
    head += draw(st.lists(st.one_of(st.builds(lambda t: f'"{t}"', TEXT), date(),
                                    st.sampled_from(['"utan slut', "Anna", '1 "Anna"', "}", '"a" {'])), max_size=3))
    lines = [draw(LEAD) + draw(WS).join(head), draw(LEAD) + "{" + draw(st.sampled_from(["", " "]))]
    lines += draw(st.lists(st.one_of(trans(), st.just(""), st.just("   ")), min_size=0, max_size=5))
    lines.append(draw(LEAD) + "}" + draw(st.sampled_from(["", "  "])))
    return lines


ODD = ["}", "{", "some text", "#PROGRAM \"X\" 1.0", '#DIM 20', '#OBJEKT 20 "1145" "Obj"', "#SIETYP 3",
       '#VER A 1 20190101 ""', "\x0c", "#TRANS 4010 {} 1.00"]


@st.composite
def sie_files(draw):
    head = draw(st.lists(st.sampled_from(["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "Prog" 1.0',
                                          '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"',
                                          '#DIM 2 "Objekt"', '#FNAMN "Region Jämtland"']), max_size=7))
    body = [line for v in draw(st.lists(voucher(), max_size=6)) for line in v]
    for _ in range(draw(st.integers(0, 2))):  # a stray line somewhere
        body.insert(draw(st.integers(0, len(body))), draw(st.sampled_from(ODD)))
    if draw(st.booleans()) and body:  # a very long line
        i = draw(st.integers(0, len(body) - 1))
        body[i] = body[i] + " " + '"' + "ö" * 5000 + '"'
    lines = head + body
    newlines = [draw(st.sampled_from(["\r\n", "\n"])) for _ in lines]
    text = "".join(line + nl for line, nl in zip(lines, newlines))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no newline at the end
    encoding = draw(st.sampled_from(["cp437", "latin-1", "utf-8"]))
    return text.encode(encoding, errors="replace")


def outcome(path, monkeypatch, scan, chunk, **kwargs):
    monkeypatch.setattr(sie, "_scan", scan)
    monkeypatch.setattr(sie, "_CHUNK", chunk)
    try:
        frame = sie.read_sie(path, **kwargs)
    except UserError as exc:
        return "error", str(exc)
    return "frame", frame, frame.attrs


def assert_same(fast, plain):
    assert fast[0] == plain[0], (fast, plain)
    if fast[0] == "error":
        assert fast[1] == plain[1]
        return
    pd.testing.assert_frame_equal(fast[1], plain[1])
    assert fast[2] == plain[2]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=sie_files(), chunk=st.sampled_from([1, 64, 1 << 17]))
def test_the_fast_path_reads_as_the_plain_path(tmp_path, monkeypatch, data, chunk):
    path = tmp_path / "h.se"
    path.write_bytes(data)
    plain = outcome(path, monkeypatch, sie._scan_plain, chunk)
    fast = outcome(path, monkeypatch, sie._scan_fast, chunk)
    assert_same(fast, plain)


HOSTILE = [
    '#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#DIM 20 "Objekt"', '#DIM 6 "Projekt"',
    '#VER A 1 20190301 "Inköp #TRANS 1 {} 2"', '{',
    '   #TRANS 4010 {20 "100" 6 "K1"} 100.00 20190301 "a } { #TRANS 9 {} 9.00"',
    '\t#TRANS 4010 {20 "100"} 1.5 "" "x { y }"',
    '#TRANS 4010 {20 "100"} -0.05',
    '#TRANS 4010 {20 "100"} -00.50',
    '#TRANS 5010 {20 "100"} 0.1 20190302 "Faktura utan slut',
    '#RTRANS 4010 {20 "100"} 9.00',
    '#TRANS 4010 {20 "100"} 12.3400000001 20190303 "\\"citat\\""',
    '#TRANS 2440 {} -101.79', '}',
    '#VER "A" "2" 20190401', '  {  ', '#TRANS 4010 {"20" "100"} 1', '#BTRANS 4010 {} 1', '#TRANS 2440 {} -1', '}',
]


@pytest.mark.parametrize("encoding", ["cp437", "latin-1", "utf-8"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "mixed"])
@pytest.mark.parametrize("chunk", [1, 64, 1 << 17])
def test_hostile_lines_read_the_same_by_both_paths(tmp_path, monkeypatch, encoding, newline, chunk):
    lines = list(HOSTILE)
    if encoding == "utf-8":  # a digit that is not ASCII (int() reads it) in the öre: read as the plain path does
        lines.insert(14, '#TRANS 4010 {20 "100"} 1.\u0663 20190301 "arabisk siffra i öret"')
    newlines = ["\r\n" if i % 2 else "\n" for i in range(len(lines))] if newline == "mixed" else [newline] * len(lines)
    path = tmp_path / "h.se"
    path.write_bytes("".join(line + nl for line, nl in zip(lines * 40, newlines * 40)).encode(encoding))
    plain = outcome(path, monkeypatch, sie._scan_plain, chunk)
    fast = outcome(path, monkeypatch, sie._scan_fast, chunk)
    assert_same(fast, plain)
    ore = [10000, 150, -5, -50, 10, 1234] + ([130] if encoding == "utf-8" else []) + [-10179, 100, -100]
    assert fast[0] == "frame" and fast[1]["ore"].tolist() == ore * 40
