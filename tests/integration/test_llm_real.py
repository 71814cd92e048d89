"""The LLM paths once for real: the packaged local model, and an OpenAI-compatible server.

Slow (model load, a few seconds per answer on 2 cores); marked ``slow``. CI runs them as
part of ``make test``, which installs the ``local`` extra (llama-cpp-python is compiled
once with portable CPU flags; pip caches the wheel).

A 135M model answers poorly; what these tests protect is the path: prompt → model →
verification → an Answer whose every citation is a real retrieved passage, and a
hallucinated sentence never reaching the user uncited.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT, free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]
llama_cpp = pytest.importorskip("llama_cpp", reason="the 'local' extra is not installed")


def local_model_path() -> str:
    from paracite.answer.local import LocalChatModel
    from paracite.settings import Settings

    return LocalChatModel.from_settings(Settings()).model_path


@pytest.fixture(scope="module")
def store_home(tmp_path_factory):
    import paracite

    home = tmp_path_factory.mktemp("home")
    assert paracite.Assistant(home=home).ingest([ROOT / "ingest"]).ok
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


def test_local_packaged_model_answers_through_the_verified_path(store_home):
    import paracite

    a = paracite.Assistant(home=store_home, llm="local")
    ans = check_answer(a, "How many Member States attended the meeting?")
    assert ans.llm.startswith("llm:")
    unanswerable = check_answer(a, "Who was elected Chair of the fourth meeting?")
    # whatever the model wrote, nothing about a 'fourth meeting' chair is stated with a
    # citation, because no passage supports it
    assert "fourth" not in unanswerable.text.split("Closest passages")[0].lower() or \
        not unanswerable.found


@pytest.fixture(scope="module")
def openai_server():
    pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python[server] missing")
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", local_model_path(),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
           "--model_alias", "smollm2"]
    with serving(cmd, port, "llama_cpp.server"):
        yield f"http://127.0.0.1:{port}/v1"


def test_openai_path_against_a_real_local_server(store_home, openai_server):
    import paracite

    a = paracite.Assistant(home=store_home, llm="openai:smollm2",
                           openai_base_url=openai_server, openai_api_key="test")
    ans = check_answer(a, "Which Government provided extrabudgetary resources?")
    assert ans.llm == "llm:smollm2"
    follow = a.ask("and for which meeting?",
                   history=[("Which Government provided extrabudgetary resources?", ans.text)])
    assert follow.standalone_question  # the condense prompt went to the server and back
