"""Keyword questions made from dev sentences by rule: many, fast, plainer than Qwen's.

The Qwen-written questions (``generate.py``) cost seconds each here; these cost
microseconds. For a sentence that carries a date, a number, a named person or a place, the
thing asked for is cut out and the question is made of a question word and some of the
sentence's other words, in order, a few swapped for the words a user would type
(``text/synonyms.tsv`` read backwards) and the rest dropped at random:
"At its 1st meeting, on 10 April 2017, the Expert Group elected Erik Planken (Netherlands)
as Rapporteur." → "When did the Expert Group elect Rapporteur?" is not what comes out;
"When Expert Group elected Erik Planken Rapporteur meeting?" is. The reader learns from them
what a plain lexical match cannot tell: which of several matching sentences carries the
asked-for thing. Written to ``evals/training/synthetic.jsonl`` (deterministic, seed 0).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

from paracite.reader.corpus import ROOT
from paracite.text.questions import _DATE_RX, _NUMBER_RX, _PERSON_RX
from paracite.text.sentences import Sentence, sentences_of
from paracite.text.tokens import STOPWORDS

OUT = ROOT / "evals" / "training" / "synthetic.jsonl"
ASKS = (("time", "When", _DATE_RX), ("person", "Who", _PERSON_RX),
        ("count", "How many", re.compile(r"\b\d[\d,.]*\b|" + _NUMBER_RX.pattern[3:], re.I)),
        ("place", "Where", re.compile(r"\b(?:in|at) (?:the )?(?:[A-Z][a-z]+ ?)+")))
_WORD = re.compile(r"[A-Za-z][\w’'/-]*|\d[\d/.,-]*")


def _reverse_synonyms() -> dict[str, list[str]]:
    back: dict[str, list[str]] = {}
    tsv = Path(__file__).parents[1] / "text" / "synonyms.tsv"
    for line in tsv.read_text().splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        q, recs = line.split("\t")[:2]
        for r in recs.split():
            back.setdefault(r, []).append(q)
    return back


def _content(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2]


def question(s: Sentence, rng: random.Random, back: dict[str, list[str]],
             context: str = "") -> dict | None:  # type: ignore[type-arg]
    """A keyword question for what ``s`` carries. Half of them ask as users do when the
    answer sits in a short sentence: a few words next to the answer, the rest from
    ``context`` (the paragraph's other sentences and the title: the body, the session)."""
    text = s.display
    kinds = [(k, w, m) for k, w, rx in ASKS for m in [rx.search(text)] if m]
    if not kinds:
        return None
    kind, wh, m = rng.choice(kinds)
    rest = text[:m.start()] + " " + text[m.end():]
    words = _content(rest)
    if len(words) < 4 and not context:
        return None
    around = _content(text[max(0, m.start() - 40):m.start()] + " " + text[m.end():m.end() + 40])
    others = _content(context)
    if around and len(others) >= 3 and rng.random() < 0.5:
        near = rng.sample(around, k=min(len(around), rng.randint(1, 2)))
        far = rng.sample(others, k=rng.randint(2, min(4, len(others))))
        words, keep = far + near, list(range(len(far) + len(near)))
    elif len(words) >= 4:
        keep = sorted(rng.sample(range(len(words)), k=min(len(words), rng.randint(3, 6))))
    else:
        return None
    picked = []
    for i in keep:
        w = words[i]
        alts = back.get(w.lower())
        picked.append(rng.choice(alts) if alts and rng.random() < 0.3 else w)
    return {"key": f"{s.passage.id}#{s.index}", "passage": s.passage.id,
            "document": s.passage.document, "paragraph": s.passage.paragraph,
            "sentence": s.index, "kind": kind, "question": f"{wh} {' '.join(picked)}?",
            "answer": m.group(0), "kept": True, "why": "", "source": "synthetic"}


def make(assistant, limit: int = 20000, out: Path = OUT) -> int:  # type: ignore[no-untyped-def]
    back = _reverse_synonyms()
    rows = []
    for p in assistant.passages():
        if p.kind == "front_matter":
            continue
        sents = sentences_of(p)
        for s in sents:
            if s.in_footnote or not 15 <= len(s.text) <= 400:
                continue
            rng = random.Random(hashlib.sha256(f"{p.id}#{s.index}".encode()).hexdigest())
            context = " ".join([p.title] + [o.text for o in sents
                                             if o.index != s.index and not o.in_footnote])
            row = question(s, rng, back, context)
            if row:
                rows.append(row)
    rows.sort(key=lambda r: hashlib.sha256(r["key"].encode()).hexdigest())
    rows = rows[:limit]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return len(rows)


def main() -> None:
    import argparse

    from paracite import Assistant, Settings

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True,
                    help="PARACITE_HOME of a store holding the dev documents")
    args = ap.parse_args()
    with Assistant(Settings(home=args.home, reader=False)) as a:
        print(f"{make(a)} questions written to {OUT}")


if __name__ == "__main__":
    main()
