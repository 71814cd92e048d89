"""The web UI's own functions: formatting of sources and answers, names, history."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest

from paracite.documents import Answer, Citation, Footnote
from tests.conftest import ui_module

pytest.importorskip("gradio")
render, ui_state, uploads = ui_module("render"), ui_module("state"), ui_module("uploads")


class Shown(HTMLParser):
    """What a Markdown message renders to: its links, images and text (the text of the
    hidden copy span apart). CommonMark with HTML, as gradio's renderer (marked) does;
    GFM autolinks are checked in the browser test."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []
        self.copy: list[str] = []
        self._in_copy = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a":
            self.links.append(a.get("href") or "")
        if tag == "img":
            self.images.append(a.get("src") or "")
        if tag == "span" and a.get("class") == "copy-text":
            self._in_copy += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._in_copy:
            self._in_copy -= 1

    def handle_data(self, data: str) -> None:
        (self.copy if self._in_copy else self.text).append(data)


def shown(markdown: str) -> Shown:
    from markdown_it import MarkdownIt

    dom = Shown()
    dom.feed(MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
             .render(markdown))
    return dom


KEY = b"k" * 32
HOSTILE = ("See [x](javascript:alert(1)) and ![](http://evil.example/x.png), "
           "http://evil.example, www.evil.example, mail@evil.example, "
           '<a href="http://evil.example">a</a> <img src="http://evil.example/y.png"> '
           "**bold** `code` $$x$$ [1] # not a heading")


def citation(text: str, quote: list[str], marker: int = 1) -> Citation:
    return Citation(marker=marker, document="report", title="Report <b>x</b>", paragraph="52",
                    symbol="UNODC/CCPCJ/EG.4/2017/4", page=9, pages=(9,), text=text,
                    quote=quote, section="III. Organization", footnotes=(
                        Footnote(marker="4", text="Chair, <i>Doctor</i> Mashabane"),))


def test_source_shows_provenance_full_text_and_highlights_the_supporting_sentence():
    text = "52. The meeting was opened. The Chair was indisposed."
    out = render.format_source(citation(text, ["The Chair was indisposed."]))
    assert 'id="src-1-1"' in out and "UNODC/CCPCJ/EG.4/2017/4 ¶52, p. 9" in out
    assert "UNODC/CCPCJ/EG.4/2017/4" in out and "III. Organization" in out
    assert "52. The meeting was opened. <mark>The Chair was indisposed.</mark>" in out


def test_record_text_is_shown_as_text_never_as_html():
    hostile = "1. <script>alert(1)</script> [link](javascript:alert(2))"
    out = render.format_source(citation(hostile, ["<script>alert(1)</script>"]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<b>x</b>" not in out and "<i>Doctor</i>" not in out


def test_answer_markers_link_to_their_paragraph_and_sources_are_copyable():
    ans = Answer(question="q", text="The Chair was indisposed. [1]", found=True,
                 citations=[citation("52. The Chair was indisposed.", [])])
    out = render.format_answer(ans, turn=3)
    assert "[[1]](#src-3-1)" in out
    dom = shown(out)
    assert dom.links == ["#src-3-1"]
    assert "Sources: [1] UNODC/CCPCJ/EG.4/2017/4 ¶52, p. 9" in "".join(dom.text)
    assert "".join(dom.copy) == ("The Chair was indisposed. [1]\n\n"
                                 "[1] UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9")


def test_an_answer_says_which_answerer_wrote_it_and_why_another_did():
    cited = [citation("52. The Chair was indisposed.", [])]
    by_model = Answer(question="q", text="The Chair was indisposed. [1]", found=True,
                      citations=cited, llm="llm:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M")
    text = "".join(shown(render.format_answer(by_model)).text)
    assert "answered by Qwen2.5-Coder-1.5B-Instruct-Q4_K_M (checked against the records)" in text
    mixed = by_model.model_copy(update={"llm": "mixed:Qwen"})
    assert "answered by Qwen, phrasing the statements paracite chose" in "".join(
        shown(render.format_answer(mixed)).text)
    instead = by_model.model_copy(update={"llm": "extractive", "notice": (
        "The language model server at http://127.0.0.1:8008/v1 cannot be reached: this is "
        "the extractive answer instead.")})
    dom = shown(render.format_answer(instead))
    assert "answered by" not in "".join(dom.text)
    assert "cannot be reached: this is the extractive answer instead." in "".join(dom.text)
    assert dom.links == ["#src-1-1"]  # the server's address is text, not a link


def test_markdown_in_answer_and_question_text_makes_no_link_or_image():
    """Record and question text is shown as written: no link, image, autolink, tag or
    formatting is made from it; the only links are this turn's markers."""
    ans = Answer(question=HOSTILE, text=f"{HOSTILE} [1]", found=True,
                 standalone_question=f"{HOSTILE} (again)",
                 citations=[citation(f"52. {HOSTILE}", [])])
    out = render.format_answer(ans, turn=2, notice=HOSTILE)
    dom = shown(out)
    assert set(dom.links) == {"#src-2-1"} and dom.images == [], out  # '[1]' is a marker
    text = "".join(dom.text)
    assert text.count(HOSTILE) == 3, text  # the answer, 'Understood as', the notice
    assert "".join(dom.copy).startswith(f"{HOSTILE} [1]")
    # GFM autolinks need 'http:' / 'www.' / 'x@y' as written: none is left unescaped
    assert not re.search(r"https?:|www\.|\w@", out.split('<span class="copy-text">')[0])
    turn = ui_state.new_turn(HOSTILE, ans, key=KEY)
    question = ui_state.chat_messages([turn])[0]["content"]
    qdom = shown(question)
    assert qdom.links == [] and qdom.images == [] and "".join(qdom.text).strip() == HOSTILE
    refusal = shown(render.format_answer(Answer(question="q", text=HOSTILE, found=False)))
    assert refusal.links == [] and HOSTILE in "".join(refusal.text)


def test_sources_panel_shows_record_markdown_as_text():
    c = citation(f"52. {HOSTILE}", []).model_copy(update={"passage_id": "report:00051"})
    dom = shown(render.format_sources([Answer(question=HOSTILE, text="t [1]", found=True,
                                           citations=[c])], extras=render.SourceExtras(
        pdfs={"report"})))
    assert dom.images == ["/paracite/page/report%3A00051.png"]
    assert dom.links == ["/paracite/page/report%3A00051.png", "/paracite/pdf/report#page=9"]
    assert "".join(dom.text).count(HOSTILE) == 2  # the turn's title and the paragraph


def test_messages_with_file_names_and_errors_make_no_link():
    said = render.md_text("✘ [x](http://evil.example): no such file <img src=x>")
    dom = shown(said)
    assert dom.links == [] and dom.images == []
    assert "".join(dom.text).strip() == "✘ [x](http://evil.example): no such file <img src=x>"


def test_each_answer_keeps_its_own_sources_in_the_panel():
    first = Answer(question="q1", text="The meeting was opened. [1]", found=True,
                   citations=[citation("52. The meeting was opened.", [])])
    second = Answer(question="q2", text="The Chair was indisposed. [1]", found=True,
                    citations=[citation("53. The Chair was indisposed.", [])])
    panel = render.format_sources([first, second])
    assert 'id="src-1-1"' in panel and 'id="src-2-1"' in panel
    assert panel.index('id="turn-2"') < panel.index('id="turn-1"'), "newest first"
    assert '<details class="turn" id="turn-2" open>' in panel
    assert '<details class="turn" id="turn-1">' in panel
    opened = render.format_sources([first, second], open_turn=1)
    assert '<details class="turn" id="turn-1" open>' in opened
    assert "\n" not in panel


def test_pdf_sources_offer_their_page_and_others_their_neighbours():
    c = citation("52. The meeting was opened.", []).model_copy(
        update={"passage_id": "report:00051"})
    before = c.model_copy(update={"text": "51. Before."})
    extras = render.SourceExtras(pdfs={"report"})
    out = render.format_source(c, 2, extras=extras)
    assert 'src="/paracite/page/report%3A00051.png"' in out
    assert 'href="/paracite/pdf/report#page=9"' in out
    from paracite.documents import Passage
    prev = Passage(document="report", title="t", paragraph="51", start=0, end=1, order=50,
                   text=before.text)
    md = render.format_source(c, 2, extras=render.SourceExtras(
        context={"report:00051": (prev, None)}))
    assert "/paracite/page/" not in md and '<div class="context">51. Before.</div>' in md


def test_filter_chip_names_the_documents():
    assert render.filter_chip(["report", "agenda"]) == "Only: report, agenda  ✕"
    assert render.filter_chip([]) == ""


def valid(turns, kept=30, most=2000):
    return ui_state.valid_turns(turns, KEY, kept, most)


def test_turns_from_the_browser_are_checked_before_use():
    ans = Answer(question="q", text="t", found=False)
    good = ui_state.new_turn("q", ans, key=KEY)
    kept = valid([good, {"question": 1}, "x", {"question": "q", "answer": {"a": 1}}])
    assert kept == [good]
    assert valid("not a list") == []
    assert ui_state.history_pairs([good]) == [("q", "t")]
    assert ui_state.chat_messages([good])[0] == {"role": "user", "content": "q"}


def genuine() -> dict:
    cite = citation("52. The Chair was indisposed.", []).model_copy(
        update={"passage_id": "report:00051", "score": 1.0})
    ans = Answer(question="Who?", text="The Chair was indisposed. [1]", found=True,
                 citations=[cite], confidence=1.0)
    return ui_state.new_turn("Who?", ans, key=KEY)


def test_a_signed_turn_survives_the_trip_through_the_browser():
    """JSON in the browser turns 1.0 into 1 and may reorder keys: the signature is over
    the canonical form, so the genuine turn still verifies."""
    t = genuine()
    back = json.loads(json.dumps(t).replace("1.0", "1"))
    assert back["answer"]["confidence"] == 1 and isinstance(back["answer"]["confidence"], int)
    back["answer"] = dict(reversed(list(back["answer"].items())))
    assert valid([back]) == [t]


@pytest.mark.parametrize("forge", [
    lambda t: t.pop("sig"),
    lambda t: t.update(sig="0" * 64),
    lambda t: t.update(question="Who else?"),
    lambda t: t.update(notice="changed"),
    lambda t: t["answer"].update(text="Microsoft paid. [1]"),
    lambda t: t["answer"]["citations"][0].update(passage_id="report:99999"),
], ids=["unsigned", "made-up-sig", "question", "notice", "answer-text", "citation"])
def test_a_turn_made_up_or_changed_in_the_browser_is_dropped(forge):
    t = genuine()
    forge(t)
    assert valid([genuine(), t, genuine()]) == [genuine(), genuine()]
    assert ui_state.checked_turn(t, KEY, 2000) is None
    other_key = ui_state.new_turn("Who?", Answer(question="Who?", text="t", found=False),
                             key=b"x" * 32)
    assert valid([other_key]) == []


def test_turns_with_a_question_over_the_limit_are_dropped_and_the_last_kept():
    long = ui_state.new_turn("x" * 2001, Answer(question="x", text="t", found=False), key=KEY)
    assert valid([long]) == [] and valid([long], most=2001) == [long]
    many = [ui_state.new_turn(f"q{i}", Answer(question="q", text="t", found=False), key=KEY)
            for i in range(5)]
    assert [t["question"] for t in valid(many, kept=3)] == ["q2", "q3", "q4"]


def test_the_turn_key_stays_in_the_home_folder_readable_by_its_owner_only(tmp_path):
    key = ui_state.turn_key(tmp_path)
    path = tmp_path / ui_state.KEY_FILE
    assert path.read_bytes() == key and len(key) > 40
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert ui_state.turn_key(tmp_path) == key, "the same key after a restart"
    path.write_text("old-key-that-browsers-were-sent")  # made by a version before issue 21
    fresh = ui_state.turn_key(tmp_path)
    assert fresh != b"old-key-that-browsers-were-sent" and path.read_bytes() == fresh


def test_a_rewritten_follow_up_shows_how_it_was_understood_and_a_plain_one_does_not():
    cit = [citation("22. Erik Planken (Netherlands) took up his functions.", [])]
    follow = Answer(question="and from which country?", found=True, citations=cit,
                    standalone_question="and from which country? (Who was elected "
                    "Rapporteur? Erik Planken)", text="Erik Planken (Netherlands) [1]")
    out = render.format_answer(follow)
    assert out.startswith("<sub>Understood as: ")
    assert "".join(shown(out).text).startswith(
        "Understood as: and from which country? (Who was elected")
    plain = follow.model_copy(update={"question": "Who?", "standalone_question": "Who?"})
    assert "Understood as" not in render.format_answer(plain)


def test_refusal_is_marked_and_shows_see_also_passages():
    ans = Answer(question="q", text="The records do not answer this question.", found=False,
                 see_also=[citation("57. The meeting was attended by ...", [], marker=0)])
    assert render.format_answer(ans).startswith("⚠ The records do not answer")
    panel = render.format_sources(ans)
    assert "refusal-banner" in panel and "see-also" in panel and 'id="src-1-0"' not in panel


@pytest.mark.parametrize(("name", "safe"), [
    ("../../x.pdf", "x.pdf"), ("..\\..\\evil.md", "evil.md"), ("my report (1).pdf",
                                                               "my_report_1_.pdf"),
    (".hidden.txt", "hidden.txt"), ("", "upload"),
])
def test_upload_names_cannot_leave_the_upload_folder(name, safe):
    assert uploads.safe_name(name) == safe


def test_history_keeps_the_last_turns_as_pairs():
    state = [(f"q{i}", f"a{i}") for i in range(10)]
    assert ui_state.history_pairs(state) == state[-6:]


def test_a_refusal_quoting_statements_calls_them_statements():
    cit = citation("57. The meeting was attended by 87 States.", ["The meeting was attended "
                                                                  "by 87 States."], marker=0)
    quoted = Answer(question="q", text="The records do not answer this question.",
                    found=False, see_also=[cit])
    assert "Closest statements:" in render.format_sources(quoted)


def test_an_uncertain_answer_is_flagged_and_an_unclear_one_shows_no_sources():
    cit = citation("4. The session opened on 3 March.", ["The session opened on 3 March."])
    ans = Answer(question="q", text="The records may not answer this directly; the closest "
                 "statement in them is: The session opened on 3 March. [1]", found=True,
                 citations=[cit], uncertain=True)
    assert render.format_answer(ans).startswith("(uncertain) ")
    sure = ans.model_copy(update={"uncertain": False})
    assert not render.format_answer(sure).startswith("(uncertain)")
    unclear = Answer.unclear("Which country is he from?", "he", person=True)
    panel = render.format_sources(unclear)
    assert "not searched" in panel and "Closest" not in panel
