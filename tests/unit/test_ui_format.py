"""The web UI's own functions: formatting of sources and answers, names, history."""

from __future__ import annotations

import importlib.util

import pytest

from paracite.documents import Answer, Citation, Footnote
from tests.conftest import ROOT

pytest.importorskip("gradio")
_spec = importlib.util.spec_from_file_location("ui_app", ROOT / "ui" / "app.py")
assert _spec and _spec.loader
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)


def citation(text: str, quote: list[str], marker: int = 1) -> Citation:
    return Citation(marker=marker, document="report", title="Report <b>x</b>", paragraph="52",
                    symbol="UNODC/CCPCJ/EG.4/2017/4", page=9, pages=(9,), text=text,
                    quote=quote, section="III. Organization", footnotes=(
                        Footnote(marker="4", text="Chair, <i>Doctor</i> Mashabane"),))


def test_source_shows_provenance_full_text_and_highlights_the_supporting_sentence():
    text = "52. The meeting was opened. The Chair was indisposed."
    out = app.format_source(citation(text, ["The Chair was indisposed."]))
    assert 'id="src-1-1"' in out and "report ¶52, p. 9" in out
    assert "UNODC/CCPCJ/EG.4/2017/4" in out and "III. Organization" in out
    assert "52. The meeting was opened. <mark>The Chair was indisposed.</mark>" in out


def test_record_text_is_shown_as_text_never_as_html():
    hostile = "1. <script>alert(1)</script> [link](javascript:alert(2))"
    out = app.format_source(citation(hostile, ["<script>alert(1)</script>"]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<b>x</b>" not in out and "<i>Doctor</i>" not in out


def test_answer_markers_link_to_their_paragraph_and_sources_are_copyable():
    ans = Answer(question="q", text="The Chair was indisposed. [1]", found=True,
                 citations=[citation("52. The Chair was indisposed.", [])])
    out = app.format_answer(ans, turn=3)
    assert "[[1]](#src-3-1)" in out
    assert "Sources: [1] report ¶52, p. 9" in out
    assert ('<span class="copy-text">The Chair was indisposed. [1]&#10;&#10;'
            "[1] UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9</span>") in out


def test_each_answer_keeps_its_own_sources_in_the_panel():
    first = Answer(question="q1", text="The meeting was opened. [1]", found=True,
                   citations=[citation("52. The meeting was opened.", [])])
    second = Answer(question="q2", text="The Chair was indisposed. [1]", found=True,
                    citations=[citation("53. The Chair was indisposed.", [])])
    panel = app.format_sources([first, second])
    assert 'id="src-1-1"' in panel and 'id="src-2-1"' in panel
    assert panel.index('id="turn-2"') < panel.index('id="turn-1"'), "newest first"
    assert '<details class="turn" id="turn-2" open>' in panel
    assert '<details class="turn" id="turn-1">' in panel
    opened = app.format_sources([first, second], open_turn=1)
    assert '<details class="turn" id="turn-1" open>' in opened
    assert "\n" not in panel


def test_pdf_sources_offer_their_page_and_others_their_neighbours():
    c = citation("52. The meeting was opened.", []).model_copy(
        update={"passage_id": "report:00051"})
    before = c.model_copy(update={"text": "51. Before."})
    extras = app.SourceExtras(pdfs={"report"})
    out = app.format_source(c, 2, extras=extras)
    assert 'src="/paracite/page/report%3A00051.png"' in out
    assert 'href="/paracite/pdf/report#page=9"' in out
    from paracite.documents import Passage
    prev = Passage(document="report", title="t", paragraph="51", start=0, end=1, order=50,
                   text=before.text)
    md = app.format_source(c, 2, extras=app.SourceExtras(context={"report:00051": (prev, None)}))
    assert "/paracite/page/" not in md and '<div class="context">51. Before.</div>' in md


def test_filter_chip_names_the_documents():
    assert app.filter_chip(["report", "agenda"]) == "Only: report, agenda  ✕"
    assert app.filter_chip([]) == ""


def test_turns_from_the_browser_are_checked_before_use():
    ans = Answer(question="q", text="t", found=False)
    good = app.new_turn("q", ans)
    kept = app.valid_turns([good, {"question": 1}, "x", {"question": "q", "answer": {"a": 1}}])
    assert kept == [good]
    assert app.valid_turns("not a list") == []
    assert app.history_pairs([good]) == [("q", "t")]
    assert app.chat_messages([good])[0] == {"role": "user", "content": "q"}


def test_a_rewritten_follow_up_shows_how_it_was_understood_and_a_plain_one_does_not():
    cit = [citation("22. Erik Planken (Netherlands) took up his functions.", [])]
    follow = Answer(question="and from which country?", found=True, citations=cit,
                    standalone_question="and from which country? (Who was elected "
                    "Rapporteur? Erik Planken)", text="Erik Planken (Netherlands) [1]")
    out = app.format_answer(follow)
    assert out.startswith("<sub>Understood as: and from which country? (Who was elected")
    plain = follow.model_copy(update={"question": "Who?", "standalone_question": "Who?"})
    assert "Understood as" not in app.format_answer(plain)


def test_refusal_is_marked_and_shows_see_also_passages():
    ans = Answer(question="q", text="The records do not answer this question.", found=False,
                 see_also=[citation("57. The meeting was attended by ...", [], marker=0)])
    assert app.format_answer(ans).startswith("⚠️ The records do not answer")
    panel = app.format_sources(ans)
    assert "refusal-banner" in panel and "see-also" in panel and 'id="src-1-0"' not in panel


@pytest.mark.parametrize(("name", "safe"), [
    ("../../x.pdf", "x.pdf"), ("..\\..\\evil.md", "evil.md"), ("my report (1).pdf",
                                                               "my_report_1_.pdf"),
    (".hidden.txt", "hidden.txt"), ("", "upload"),
])
def test_upload_names_cannot_leave_the_upload_folder(name, safe):
    assert app.safe_name(name) == safe


def test_history_keeps_the_last_turns_as_pairs():
    state = [(f"q{i}", f"a{i}") for i in range(10)]
    assert app.history_pairs(state) == state[-6:]
