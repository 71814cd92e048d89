"""What the CLI prints of record text cannot drive the terminal, and the ingest flags reach
the library.

Record text is whatever the files held: an ESC sequence, an OSC 52 clipboard write, an OSC 8
link, a C1 control (0x9b is a one-byte CSI), DEL, a backspace or carriage return that
overwrites what was printed, or a bidi override that reorders the line. Every CLI print of
record text (titles, symbols, dates, sections, labels, text, footnotes, the docs line, the
JSON answer, file names and reasons of an ingest, error lines) shows them as visible
escapes ("\\x1b"); line feeds and tabs stay.
"""

from __future__ import annotations

import json
import re

import pytest

from paracite import cli
from paracite.documents import Answer, Citation, DocumentInfo, Footnote, Passage
from paracite.errors import NotFoundError
from paracite.ingest import FileResult, IngestReport

OSC52 = "\x1b]52;c;cm0gLXJmIH4gJiYgZWNobyBwd25lZAo=\x07"  # puts a command on the clipboard
OSC8 = "\x1b]8;;https://evil.example/\x1b\\"  # opens a hidden link
CSI = "\x1b[2J\x1b[H"  # clears the screen
C1 = "\x9b31m\x85\x90"  # CSI, NEL, DCS as single C1 characters
BIDI = "\u202eNetherlands\u202c \u2066x\u2069 \u202a\u202b\u202d\u2067\u2068"
OTHER = "\x7f\x08\x08\r\x00\x0b\x0c\x1f"

HOSTILE = OSC52 + OSC8 + CSI + C1 + BIDI + OTHER
# Everything a terminal would act on instead of showing (line feed and tab are layout).
ACTS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_passage() -> Passage:
    text = (f"22. Erik Planken{OSC52} ({BIDI}) took up\this functions{CSI} as Rapporteur{C1}."
            f"\nSecond line{OTHER} ends here.")
    return Passage(document=f"report{CSI}", title=f"Report of the {OSC8}Expert Group",
                   symbol=f"UNODC/CCPCJ/EG.4/2017/4{C1}", date=f"2017-04-24{OTHER}",
                   paragraph=f"22{BIDI}", section=f"Organization{OSC52}", pages=(3,),
                   printed_pages=(f"3{CSI}",), start=0, end=100, order=21, text=text,
                   footnotes=(Footnote(marker=f"4{C1}", text=f"See {OSC8}annex{OSC52}."),))


def assert_inert(out: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in ACTS.findall(out)})
    assert not found, f"printed raw: {found}"



class FakeAssistant:
    """What the CLI needs of an Assistant besides its calls: it is closed after use."""

    closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        type(self).closed = True

def test_printable_escapes_every_control_character_and_keeps_layout():
    out = cli.printable("a\tb\nc" + HOSTILE)
    assert_inert(out)
    assert out.startswith("a\tb\nc")
    for visible in ("\\x1b]52;c;", "\\x07", "\\x9b31m", "\\x85", "\\u202e", "\\u202c",
                    "\\u2066", "\\u2069", "\\u202a", "\\x7f", "\\x08", "\\r", "\\x00", "\\x0b",
                    "\\x0c", "\\x1f"):
        assert visible.replace("\\r", "\\x0d") in out
    plain = "22. Erik Planken (Netherlands) — ¶ 3, “Rapporteur”; 日本語 العربية"
    assert cli.printable(plain) == plain


def test_format_passage_prints_no_control_character_of_the_record():
    out = cli.format_passage(hostile_passage())
    assert_inert(out)
    for visible in ("\\x1b]52;c;cm0g", "\\x1b]8;;https://evil.example/", "\\x1b[2J",
                    "\\x9b31m", "\\u202eNetherlands"):
        assert visible in out
    assert out.splitlines()[0].startswith("report\\x1b[2J\\x1b[H ¶ 22\\u202e")
    assert "\nSecond line" in out  # the record's own line break is kept
    assert "Footnotes:\n4\\x9b31m" in out


def test_format_answer_prints_no_control_character_of_the_record():
    p = hostile_passage()
    cite = Citation.from_passage(p, 1, quote=[p.text])
    also = Citation.from_passage(p, 0)
    ans = Answer(question="Who?", text=f"Erik Planken{OSC52} ({BIDI}) [1]", found=True,
                 citations=[cite], see_also=[also])
    out = cli.format_answer(ans)
    assert_inert(out)
    assert "\\x1b]52;c;" in out and "\\u202eNetherlands" in out
    assert out.count("\\x1b]8;;https://evil.example/") == 2  # title and footnote
    assert "See also: UNODC/CCPCJ/EG.4/2017/4\\x9b31m\\x85\\x90 ¶22" in out


def test_json_answer_is_still_json_and_inert():
    p = hostile_passage()
    ans = Answer(question="Who?", text=f"Erik Planken{C1}{BIDI} [1]", found=True,
                 citations=[Citation.from_passage(p, 1)])
    out = cli._json_safe(ans.model_dump_json(indent=2))
    assert_inert(out)
    assert json.loads(out) == json.loads(ans.model_dump_json())  # same data, escaped


def test_docs_line_prints_no_control_character_of_the_record():
    info = DocumentInfo(id=f"report{CSI}", title=f"Report {OSC8}of the Expert Group{OSC52}",
                        symbol=f"E/2025/1{C1}", date=f"2017{BIDI}", body=f"ECOSOC{OTHER}",
                        source="report.md")
    out = cli.format_document_line(info, 61)
    assert_inert(out)
    assert "\n" not in out and "61 passages" in out and "\\x1b]8;;" in out
    plain = DocumentInfo(id="report", title="Report", symbol="UNODC/CCPCJ/EG.4/2017/4",
                         date="2017-04-24", source="report.md")
    assert cli.format_document_line(plain, 61) == (
        "report              61 passages  2017-04-24  UNODC/CCPCJ/EG.4/2017/4      Report")


def test_show_docs_ask_and_chat_print_through_the_escaping(monkeypatch, capsys):
    """The commands themselves (not only the formatters) print escaped record text."""
    p = hostile_passage()
    ans = Answer(question="Who?", text=f"Planken{OSC52} [1]", found=True,
                 citations=[Citation.from_passage(p, 1)])
    info = DocumentInfo(id="report", title=f"Report{OSC8}", source="r.md")

    class Fake(FakeAssistant):
        def __init__(self, *args, **kwargs) -> None:
            self.store = self

        def passage(self, document, paragraph):
            return p

        def documents(self):
            return [(info, 61)]

        def ask(self, question, history=(), documents=None):
            return ans

        def count(self):
            return 61

        def document_ids(self):
            return frozenset({"report"})

    monkeypatch.setattr(cli, "Assistant", Fake)
    typed = iter(["who?", ":quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    for argv in (["show", "report", "22"], ["docs"], ["ask", "who?"], ["ask", "who?", "--json"],
                 ["chat"]):
        assert cli.main(argv) == 0
        out = capsys.readouterr()
        assert_inert(out.out + out.err)
        assert ("\\u001b]" if "--json" in argv else "\\x1b]") in out.out, argv


def test_error_lines_are_escaped(monkeypatch, capsys):
    class Fake(FakeAssistant):
        def documents(self):
            raise NotFoundError(f"no such document {'x' + OSC52!r}; also \u202e")

    monkeypatch.setattr(cli, "Assistant", Fake)
    assert cli.main(["docs"]) == 2
    err = capsys.readouterr().err
    assert_inert(err)
    assert err.startswith("paracite: no such document")
    assert Fake.closed, "the CLI closes its Assistant (and the store) after a failed command"


# -- ingest flags and notes -----------------------------------------------------------------
def test_ingest_flags_parse():
    args = cli.build_parser().parse_args(["ingest", "--replace", "--prune", "records"])
    assert (args.replace, args.prune, args.paths) == (True, True, ["records"])
    args = cli.build_parser().parse_args(["ingest"])
    assert (args.replace, args.prune) == (False, False)


@pytest.mark.parametrize("flags", [[], ["--replace"], ["--prune"], ["--replace", "--prune"],
                                   ["--reembed"]])
def test_ingest_forwards_the_flags_and_prints_reasons_and_notes(monkeypatch, capsys, flags):
    calls = []

    def ingest(self, paths=None, *, progress=None, on_file=None, replace=False, prune=False,
               reembed=False):
        calls.append({"paths": paths, "replace": replace, "prune": prune,
                      "reembed": reembed})
        report = IngestReport(notes=[f"inbox has no files now{CSI}; `paracite ingest --prune` "
                                     "removes them"])
        for res in (FileResult("report.md", "report-2", "added", passages=61, embedded=61,
                               reason=f"'report' is taken by {OSC52}/a/report.md; "
                                      "this file is 'report-2'"),
                    FileResult("agenda.md", "agenda", "updated", passages=47),
                    FileResult("x.md", "x", "unchanged", passages=3, reason="not shown")):
            report.files.append(res)
            on_file(res)
        return report

    monkeypatch.setattr(cli.Assistant, "ingest", ingest)
    assert cli.main(["ingest", *flags, "inbox"]) == 0
    assert calls == [{"paths": ["inbox"], "replace": "--replace" in flags,
                      "prune": "--prune" in flags, "reembed": "--reembed" in flags}]
    out = capsys.readouterr().out
    assert_inert(out)
    lines = out.splitlines()
    added = lines.index(next(x for x in lines if x.strip().startswith("added")))
    assert lines[added + 1].startswith("    ") and "'report' is taken by \\x1b]52" in \
        lines[added + 1]
    assert "not shown" not in out  # a reason is a note only for added and updated
    assert any(x.startswith("note: inbox has no files now\\x1b[2J") for x in lines)
