"""Training questions for the reader, written by the packaged Qwen2.5-Coder-1.5B from the
sentences of dev documents only (``corpus.py``).

For each sentence (in a fixed pseudo-random order, so every document is covered early and
a resumed run continues where the last one stopped) the model writes up to three questions
of kinds the paragraph can answer (who / when / where / how many / which list / what was
decided / what), each with its answer: words copied from the paragraph. A question is kept
only when the round trip holds: the answer is in the paragraph, it is of the kind the
question asks for, and the question does not already state it. The sentences that state the
answer are the question's positives. Every question written is kept in the output
(``kept`` true or false, with the reason), and every paragraph tried is recorded, so
nothing is asked twice.

Output: ``evals/training/questions-NNN.jsonl``, 250 rows a file, each file complete before
the next begins. Run ``python -m paracite.reader.generate --home <a store of the dev
documents> --minutes 60``; run it again to go on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from paracite.reader.corpus import ROOT
from paracite.text.questions import content_terms, question_type, type_match
from paracite.text.sentences import Sentence, sentences_of

OUT = ROOT / "evals" / "training"
ROWS_PER_FILE = 250
SYSTEM = ("You write questions that delegates ask about United Nations documents, and "
          "their answers.")
ASK = {
    "person": "who (a person, country or body)",
    "time": "when (a date or period)",
    "place": "where",
    "count": "how many (a number)",
    "list": "which ones (several items of a list)",
    "decision": "what was decided, requested or recommended",
    "other": "what",
}
PROMPT = """Document: {title}
Sentence: {sentence}

Write one question, asking {ask}, that a delegate could ask and that this sentence answers. \
Use your own words, not the sentence's wording, and name the body, meeting or session the \
question is about. Then give the answer: the shortest words copied exactly from the sentence.
Reply in exactly two lines:
Q: <question>
A: <answer>"""


def _order(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def kinds_for(text: str) -> list[str]:
    """The kinds of question a text can answer, most specific first."""
    kinds = [k for k in ("person", "time", "place", "count", "decision")
             if type_match(k, text) >= 1.0]
    if type_match("list", text) >= 0.75:
        kinds.append("list")
    return kinds + ["other"]


def sentences(assistant) -> list[Sentence]:  # type: ignore[no-untyped-def]
    """Sentences worth a question: 50–400 characters and five content words or more, of any
    passage but a cover page, in the fixed order."""
    out = [s for p in assistant.passages() if p.kind != "front_matter"
           for s in sentences_of(p)
           if 50 <= len(s.text) <= 400 and len(content_terms(s.text)) >= 5]
    return sorted(out, key=lambda s: _order(key(s)))


def key(s: Sentence) -> str:
    return f"{s.passage.id}#{s.index}"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower().strip(" .;,:")


def check(question: str, answer: str, text: str) -> str:
    """'' when the pair holds, else why not."""
    if not question.endswith("?") or not 15 <= len(question) <= 220:
        return "not a question"
    if len(content_terms(question)) < 3:
        return "too vague"
    a = norm(answer)
    if not a or a not in norm(text):
        return "answer not in the sentence"
    asked = question_type(question)
    if asked in ("person", "time", "place", "count") and type_match(asked, answer) == 0:
        return f"answer is not a {asked}"
    words = set(content_terms(answer))
    if words and words <= set(content_terms(question)):
        return "question states the answer"
    return ""


def parse_reply(reply: str) -> list[tuple[str, str]]:
    pairs = re.findall(r"^\s*(?:\d+[.)]\s*)?Q\d*:\s*(.+?)\s*\n\s*(?:\d+[.)]\s*)?A\d*:\s*(.+)$",
                       reply, re.M)
    return [(q.strip(), a.strip().strip('"')) for q, a in pairs]


def done_keys(out: Path) -> set[str]:
    keys: set[str] = set()
    for f in sorted(out.glob("questions-*.jsonl")):
        keys |= {json.loads(line)["key"] for line in f.read_text().splitlines() if line}
    return keys


class _Writer:
    """Appends rows to the last file until it holds ROWS_PER_FILE, then starts the next."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.n = max(0, len(list(out.glob("questions-*.jsonl"))) - 1)

    def write(self, rows: list[dict]) -> None:  # type: ignore[type-arg]
        path = self.out / f"questions-{self.n:03d}.jsonl"
        if path.exists() and len(path.read_text().splitlines()) >= ROWS_PER_FILE:
            self.n += 1
            path = self.out / f"questions-{self.n:03d}.jsonl"
        with path.open("a") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def row_for(s: Sentence, reply: str, kind: str) -> dict:  # type: ignore[type-arg]
    question, answer = (parse_reply(reply) or [("", "")])[0]
    why = check(question, answer, s.text)
    return {"key": key(s), "passage": s.passage.id, "document": s.passage.document,
            "paragraph": s.passage.paragraph, "sentence": s.index, "kind": kind,
            "question": question, "answer": answer, "kept": not why, "why": why}


def generate(home: Path, minutes: float, out: Path = OUT, threads: int = 2) -> int:
    from llama_cpp import Llama

    from paracite import Assistant, Settings
    from paracite.answer.packaged import assemble

    out.mkdir(parents=True, exist_ok=True)
    llm = Llama(model_path=str(assemble()), n_ctx=2048, n_threads=threads, seed=0,
                verbose=False)
    deadline = time.monotonic() + minutes * 60
    tried = 0
    writer = _Writer(out)
    with Assistant(Settings(home=home)) as assistant:
        done = done_keys(out)
        for s in sentences(assistant):
            if time.monotonic() > deadline:
                break
            if key(s) in done:
                continue
            kinds = kinds_for(s.text)
            kind = kinds[int(_order(key(s))[:8], 16) % len(kinds)]
            prompt = PROMPT.format(title=s.passage.title, sentence=s.display, ask=ASK[kind])
            reply: Any = llm.create_chat_completion(
                [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
                temperature=0.0, max_tokens=80)["choices"][0]["message"]  # type: ignore[index]
            writer.write([row_for(s, reply["content"] or "", kind)])
            tried += 1
    return tried


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True,
                    help="PARACITE_HOME of a store holding the dev documents")
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    print(f"{generate(args.home, args.minutes, threads=args.threads)} sentences tried")


if __name__ == "__main__":
    main()
