"""The reader's parts without a store: the model's arithmetic, that training learns what
the data teaches, the answer policy's bands, and the training-data checks."""

from __future__ import annotations

import random

import numpy as np
import pytest

from paracite.reader import generate, synth
from paracite.reader.features import KINDS, N_HAND, Group, kind_vector
from paracite.reader.model import Reader
from paracite.reader.train import Example, fit, fit_thresholds, top1, variant


def _group(rng: np.random.Generator, n: int, answer: int | None) -> Group:
    """n candidates of noise; the answering one (if any) carries a marker in feature 3."""
    hand = rng.normal(0, 1, (n, N_HAND)).astype(np.float32)
    hand[:, 3] = 0.0
    if answer is not None:
        hand[answer, 3] = 3.0
    return Group(hand=hand, pair=np.zeros((n, 8), np.float32), kind=kind_vector("person"))


def _examples(seed: int, count: int) -> list[Example]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        ans = None if i % 4 == 0 else int(rng.integers(0, 16))
        out.append(Example(_group(rng, 16, ans), () if ans is None else (ans,), "t", str(i)))
    return out


def test_training_learns_the_answering_candidate_and_when_none_answers():
    train, held = _examples(0, 400), _examples(1, 200)
    assert top1(None, held)["top1"] < 0.15  # the given order knows nothing here
    reader = fit(train, epochs=200)
    assert top1(reader, held)["top1"] > 0.9
    none = [reader.read(e.group).answerable for e in held if not e.positives]
    some = [reader.read(e.group).answerable for e in held if e.positives]
    assert np.mean(none) < 0.3 < 0.7 < np.mean(some)
    threshold, hedge = fit_thresholds(reader, held)
    assert 0.0 < hedge <= threshold < 1.0


def test_a_reading_is_a_probability_and_survives_a_save(tmp_path):
    reader = fit(_examples(2, 60), epochs=20)
    g = _examples(3, 1)[0].group
    r = reader.read(g)
    assert sorted(r.order) == list(range(16)) and 0.0 <= r.answerable <= 1.0
    assert sum(r.probs) == pytest.approx(r.answerable, abs=1e-5)
    assert r.probs[r.best] == max(r.probs)
    reader.meta["threshold"] = "0.45"
    reader.save(tmp_path / "r.npz")
    again = Reader.load(tmp_path / "r.npz")
    assert again.meta["threshold"] == "0.45"
    assert again.read(g).order[:3] == r.order[:3]  # float16 weights: same top
    assert again.read(g).answerable == pytest.approx(r.answerable, abs=0.01)


def test_kind_vectors_are_one_hot_and_unknown_kinds_read_as_other():
    assert kind_vector("time").sum() == 1 and kind_vector("time")[KINDS.index("time")] == 1
    assert kind_vector("nonsense")[KINDS.index("other")] == 1


@pytest.mark.parametrize("question", [
    "Who was elected Rapporteur at the third meeting?",
    "When did the Forum hold its 2019 session?",
    "What did the Commission decide at its fifth session?",
])
def test_an_unanswerable_variant_changes_one_ordinal_year_or_office(question):
    q, new = variant(question, random.Random(0))
    assert q != question and new in q
    assert len(set(q.split()) ^ set(question.split())) == 2


def test_a_question_naming_no_ordinal_year_or_office_has_no_variant():
    assert variant("What did speakers say about capacity-building?", random.Random(0)) is None


SENT = ("At its 1st meeting, on 10 April 2017, the Expert Group elected Erik Planken "
        "(Netherlands) as Rapporteur.")


@pytest.mark.parametrize(("question", "answer", "why"), [
    ("Who did the Expert Group elect as its Rapporteur?", "Erik Planken (Netherlands)", ""),
    ("When did the Expert Group elect its Rapporteur?", "10 April 2017", ""),
    ("Who did the Expert Group elect as its Rapporteur?", "Vienna", "answer not in the sentence"),
    ("When did the Expert Group elect its Rapporteur?", "Erik Planken", "answer is not a time"),
    ("What was decided?", "Erik Planken", "too vague"),
    ("Who did the Expert Group elect as Rapporteur", "Erik Planken", "not a question"),
    ("Did the Expert Group elect Erik Planken as Rapporteur?", "Erik Planken",
     "question states the answer"),
])
def test_the_round_trip_keeps_only_questions_the_sentence_answers(question, answer, why):
    assert generate.check(question, answer, SENT) == why


def test_the_reply_is_read_as_question_and_answer():
    assert generate.parse_reply("Q: Who chaired it?\nA: Ms. Bo (Chile)\n") == [
        ("Who chaired it?", "Ms. Bo (Chile)")]
    assert generate.parse_reply("I cannot do that.") == []


def test_kinds_follow_what_the_sentence_carries():
    assert generate.kinds_for(SENT)[:2] == ["person", "time"]
    plain = generate.kinds_for("The Committee discussed its working methods.")
    assert plain[-1] == "other" and not {"person", "time", "count"} & set(plain)


def test_a_rule_made_question_asks_for_what_it_cut_out():
    from paracite.documents import Passage
    from paracite.text.sentences import sentences_of

    p = Passage(document="r", title="Report", paragraph="3", start=0, end=len(SENT),
                order=3, text=SENT)
    rows = [synth.question(sentences_of(p)[0], random.Random(i), {}) for i in range(20)]
    rows = [r for r in rows if r]
    assert rows
    for r in rows:
        assert r["answer"] in SENT and r["answer"] not in r["question"]
        wh = {"time": "When", "person": "Who", "count": "How many", "place": "Where"}
        assert r["question"].startswith(wh[r["kind"]]) and r["question"].endswith("?")
