"""Readers' verdicts are appended to PARACITE_HOME/feedback.jsonl, one whole JSON line each."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from paracite.documents import Answer, Citation
from paracite.errors import ParaciteError, StoreError
from paracite.feedback import (
    DEFAULT_MAX_LINE_KB,
    FEEDBACK_FILE,
    MAX_COMMENT_CHARS,
    record_feedback,
)


def answer(text: str = "Ms. Quispe (Peru) was elected Chair [1].") -> Answer:
    cite = Citation(marker=1, document="report", title="Report", symbol="A/1/2",
                    paragraph="12", page=3, printed_page="2", text="Ms. Quispe ...",
                    passage_id="report:00012")
    return Answer(question="Who chairs?", standalone_question="Who chairs the Group?",
                  text=text, found=True, citations=[cite], llm="extractive")


def lines(home: Path) -> list[dict]:
    return [json.loads(x) for x in (home / FEEDBACK_FILE).read_text("utf-8").splitlines()]


def test_a_verdict_is_one_json_line_with_the_answer_and_its_citations(tmp_path):
    path = record_feedback(tmp_path, question="Who chairs?", answer=answer(), verdict="down",
                           comment="wrong person")
    assert path == tmp_path / FEEDBACK_FILE
    (rec,) = lines(tmp_path)
    assert rec["question"] == "Who chairs?"
    assert rec["standalone_question"] == "Who chairs the Group?"
    assert rec["answer"].startswith("Ms. Quispe") and rec["found"] is True
    assert rec["llm"] == "extractive" and rec["verdict"] == "down"
    assert rec["comment"] == "wrong person"
    assert rec["citations"] == [{"document": "report", "symbol": "A/1/2", "paragraph": "12",
                                 "page_shown": "2", "passage_id": "report:00012"}]
    when = dt.datetime.fromisoformat(rec["time"])
    assert when.utcoffset() == dt.timedelta(0)
    assert abs((dt.datetime.now(dt.UTC) - when).total_seconds()) < 60


def test_verdicts_are_appended_not_overwritten(tmp_path):
    for verdict in ("up", "down", "up"):
        record_feedback(tmp_path, question="q", answer=answer(), verdict=verdict)
    assert [r["verdict"] for r in lines(tmp_path)] == ["up", "down", "up"]


def test_non_ascii_text_is_kept_as_written(tmp_path):
    record_feedback(tmp_path, question="Qui préside ? 谁主持？", verdict="up",
                    answer=answer("Mme Quispe (Pérou) — élue [1]."), comment="Спасибо")
    raw = (tmp_path / FEEDBACK_FILE).read_text("utf-8")
    assert "谁主持" in raw and "Pérou" in raw and "Спасибо" in raw  # not \\u escapes
    (rec,) = lines(tmp_path)
    assert rec["question"] == "Qui préside ? 谁主持？"


def test_a_newline_in_a_comment_does_not_split_the_line(tmp_path):
    record_feedback(tmp_path, question="q\nq", answer=answer(), verdict="up", comment="a\nb")
    (rec,) = lines(tmp_path)
    assert rec["comment"] == "a\nb"


def test_an_overlong_comment_is_cut_and_marked(tmp_path):
    record_feedback(tmp_path, question="q", answer=answer(), verdict="up",
                    comment="x" * (MAX_COMMENT_CHARS + 50))
    (rec,) = lines(tmp_path)
    assert rec["comment"] == "x" * MAX_COMMENT_CHARS + "…"


def test_a_verdict_other_than_up_or_down_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(ParaciteError, match="'up' or 'down'"):
        record_feedback(tmp_path, question="q", answer=answer(), verdict="meh")
    assert not (tmp_path / FEEDBACK_FILE).exists()


def test_a_home_that_is_a_file_gives_an_error_naming_the_path(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    with pytest.raises(StoreError, match="feedback not recorded"):
        record_feedback(home, question="q", answer=answer(), verdict="up")


def test_concurrent_appends_from_threads_never_interleave(tmp_path):
    threads_n, each = 8, 40
    barrier = threading.Barrier(threads_n)

    def worker(t: int) -> None:
        barrier.wait()
        for i in range(each):
            # long lines: a torn or interleaved write would break the JSON
            record_feedback(tmp_path, question=f"{t}-{i}", answer=answer("é" * 3000),
                            verdict="up", comment=str(t) * 2000)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(threads_n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    recs = lines(tmp_path)
    assert len(recs) == threads_n * each
    assert sorted(r["question"] for r in recs) == sorted(
        f"{t}-{i}" for t in range(threads_n) for i in range(each))
    assert all(r["comment"] == r["question"].split("-")[0] * 2000 for r in recs)


@pytest.mark.slow  # each process imports paracite (~7 s)
def test_concurrent_appends_from_processes_never_interleave(tmp_path):
    code = (
        "import sys; from pathlib import Path\n"
        "from paracite.documents import Answer\n"
        "from paracite.feedback import record_feedback\n"
        "for i in range(30):\n"
        "    record_feedback(Path(sys.argv[1]), question=sys.argv[2] + str(i), verdict='down',\n"
        "                    answer=Answer(question='q', text='t' * 5000, found=False))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), f"p{n}-"])
             for n in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    recs = lines(tmp_path)
    assert len(recs) == 90 and all(r["answer"] == "t" * 5000 for r in recs)


def test_the_assistant_records_feedback_under_its_home(tmp_path):
    import paracite

    a = paracite.Assistant(home=tmp_path / "home")  # loads no model, opens no store
    path = a.record_feedback("Who chairs?", answer(), "up", comment="good")
    assert path == tmp_path / "home" / FEEDBACK_FILE
    assert lines(tmp_path / "home")[0]["comment"] == "good"


def test_the_assistant_applies_its_feedback_line_limit_setting(tmp_path):
    import paracite

    a = paracite.Assistant(home=tmp_path / "home", max_feedback_line_kb=4)
    path = a.record_feedback("Who chairs?", answer("A" * 100_000), "up")
    assert path.stat().st_size <= 4 * 1024
    assert lines(tmp_path / "home")[0]["cut"] == ["answer"]


def test_a_line_over_the_size_limit_keeps_its_verdict_with_its_longest_parts_cut(tmp_path):
    """A forged 10 MB answer (or a careless caller) adds at most max_line_kb to the file;
    the verdict and what was asked are kept, and the line says what was cut."""
    huge = answer("A" * 10_000_000)
    record_feedback(tmp_path, question="Who chairs?", answer=huge, verdict="down",
                    comment="c" * 3000)
    size = (tmp_path / FEEDBACK_FILE).stat().st_size
    assert size <= DEFAULT_MAX_LINE_KB * 1024 == 64 * 1024
    (rec,) = lines(tmp_path)
    assert rec["cut"] == ["answer"] and rec["comment"] == "c" * 3000
    assert rec["answer"].startswith("AAAA") and rec["answer"].endswith("…")
    assert rec["verdict"] == "down" and rec["question"] == "Who chairs?"
    assert rec["citations"][0]["passage_id"] == "report:00012"


def test_a_line_with_thousands_of_citations_keeps_the_first_that_fit(tmp_path):
    many = answer().model_copy(update={"citations": [
        answer().citations[0].model_copy(update={"passage_id": f"report:{i:05d}",
                                                 "document": "d" * 1000})
        for i in range(2000)]})
    record_feedback(tmp_path, question="q", answer=many, verdict="up", max_line_kb=8)
    assert (tmp_path / FEEDBACK_FILE).stat().st_size <= 8 * 1024
    (rec,) = lines(tmp_path)
    assert rec["cut"] == ["citations"] and 0 < len(rec["citations"]) < 2000
    assert rec["citations"][0]["passage_id"] == "report:00000"
    assert len(rec["citations"][0]["document"]) == 256


def test_a_limit_too_small_for_any_line_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(ParaciteError, match="PARACITE_MAX_FEEDBACK_LINE_KB"):
        record_feedback(tmp_path, question="q", answer=answer(), verdict="up",
                        max_line_kb=0.1)
    assert not (tmp_path / FEEDBACK_FILE).exists()
