"""Train the reader (``make reader``) from the committed training questions.

1. A store of the dev documents (``corpus.py``) is built once in ``--home`` (ingest skips
   what it holds).
2. Every kept question of ``evals/training/questions-*.jsonl`` is asked of it as the
   answerer asks: read, retrieved, scored; its first ``TOP`` candidates become a group, the
   candidates stating the generated answer (the source sentence, and any other sentence of
   the same document holding the answer's words) its positives. Questions whose positive
   is not among the candidates teach nothing and are left out.
3. Unanswerable variants: a question naming an ordinal, a year or an office gets another
   one ("third" → "seventh", "2017" → "2014", "Rapporteur" → "Vice-Chair") that none of
   its candidate paragraphs states; its target is "none of these".
4. Listwise training (softmax over none + candidates, the positives' mass maximised), full
   batch, Adam, fixed seed; the weights are written to ``reader/reader.npz`` as float16.

``--curve`` trains on the first 0, 500, 1,000, 2,000 … questions and measures each on the
dev question sets (the test split is measured by ``paracite eval``, never here).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from paracite.reader.corpus import ROOT, dev_sources
from paracite.reader.features import N_HAND, TOP, Group, group
from paracite.reader.generate import OUT, norm
from paracite.reader.model import PARAMS, WEIGHTS, Reader

SEED = 0
HIDDEN = 32
DEV_SETS = ("records.jsonl", "un-pdf.jsonl", "corpus-dev.jsonl")


@dataclass(frozen=True)
class Example:
    group: Group
    positives: tuple[int, ...]  # candidate indexes; () = none of these answers
    source: str  # "generated", "variant", or the eval set's name
    id: str = ""


# --- unanswerable variants -------------------------------------------------------------

_ORD = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth"]
_OFFICES = ["Chair", "Vice-Chair", "Rapporteur", "President", "Vice-President",
            "Secretary", "Coordinator"]


def variant(question: str, rng: random.Random) -> tuple[str, str] | None:
    """The question with one ordinal, year or office changed, and the new term; None when
    it names none."""
    options: list[tuple[re.Match[str], str]] = []
    for m in re.finditer(r"\b(" + "|".join(_ORD) + r")\b", question, re.I):
        new = rng.choice([o for o in _ORD if o != m.group(1).lower()])
        options.append((m, new))
    for m in re.finditer(r"\b(19[5-9]\d|20[0-3]\d)\b", question):
        options.append((m, str(int(m.group(1)) + rng.choice([-7, -4, -3, 3, 5]))))
    for m in re.finditer(r"\b(" + "|".join(_OFFICES) + r")\b", question):
        options.append((m, rng.choice([o for o in _OFFICES if o != m.group(1)])))
    if not options:
        return None
    m, new = rng.choice(options)
    return question[:m.start()] + new + question[m.end():], new


# --- groups ----------------------------------------------------------------------------

def _candidates(assistant, question: str, history: Sequence[tuple[str, str]] = ()):  # type: ignore[no-untyped-def]
    chain = assistant.chain
    query = chain.read(question, history, None)[0]
    retrieved = chain.retriever.search(query)
    scored = chain.answerer.score(query, retrieved, chain.retriever.store.lexicon)[:TOP]
    return query, retrieved, scored


def generated_rows(folder: Path = OUT) -> list[dict]:  # type: ignore[type-arg]
    rows = []
    for f in sorted(folder.glob("questions-*.jsonl")):
        rows += [r for r in map(json.loads, f.read_text().splitlines()) if r.get("kept")]
    return rows


def generated_examples(assistant, rows: Iterable[dict]) -> list[Example]:  # type: ignore[no-untyped-def,type-arg]
    rng = random.Random(SEED)
    out: list[Example] = []
    for r in rows:
        query, retrieved, scored = _candidates(assistant, r["question"])
        if not scored:
            continue
        ans = norm(r["answer"])
        pos = tuple(i for i, c in enumerate(scored)
                    if (c.sentence.passage.id == r["passage"] and c.sentence.index == r["sentence"])
                    or (len(ans) >= 6 and c.sentence.passage.document == r["document"]
                        and ans in norm(c.sentence.text)))
        if pos:
            out.append(Example(group(query, scored, retrieved), pos, "generated", r["key"]))
        v = variant(r["question"], rng)
        if v is None:
            continue
        query, retrieved, scored = _candidates(assistant, v[0])
        said = any(re.search(rf"\b{re.escape(v[1])}\b", c.sentence.passage.text, re.I)
                   for c in scored)
        if scored and not said:
            out.append(Example(group(query, scored, retrieved), (), "variant", r["key"] + "~"))
    return out


def eval_examples(assistant, dataset: Path) -> list[Example]:  # type: ignore[no-untyped-def]
    from paracite.eval import fact_accuracy, load_dataset

    out = []
    for row in load_dataset(dataset):
        query, retrieved, scored = _candidates(assistant, row.question, row.history)
        gold = {(d, str(p)) for d, p in row.citations}
        pos = tuple(i for i, c in enumerate(scored) if row.answerable
                    and (c.sentence.passage.document, c.sentence.passage.paragraph) in gold
                    and fact_accuracy(c.sentence.text, row.facts))
        out.append(Example(group(query, scored, retrieved), pos, dataset.name, row.id))
    return out


# --- training --------------------------------------------------------------------------

def _batch(examples: Sequence[Example]):  # type: ignore[no-untyped-def]
    import torch

    n = len(examples)
    dims = next((e.group.pair.shape[1] for e in examples if len(e.group.pair)), 384)
    hand = np.zeros((n, TOP, N_HAND), np.float32)
    pair = np.zeros((n, TOP, dims), np.float32)
    kind = np.stack([e.group.kind for e in examples])
    mask = np.zeros((n, TOP + 1), bool)
    target = np.zeros((n, TOP + 1), bool)
    mask[:, 0] = True
    for i, e in enumerate(examples):
        k = len(e.group.hand)
        hand[i, :k], pair[i, :k], mask[i, 1:k + 1] = e.group.hand, e.group.pair, True
        if e.positives:
            target[i, [p + 1 for p in e.positives]] = True
        else:
            target[i, 0] = True
    return [torch.from_numpy(x) for x in (hand, pair, kind, mask, target)]


def fit(examples: Sequence[Example], epochs: int = 400, lr: float = 0.01,
        weight_decay: float = 1e-4, hidden: int = HIDDEN, pair_decay: float = 1e-2,
        use_pair: bool = True) -> Reader:
    import torch

    torch.manual_seed(SEED)
    hand, pair, kind, mask, target = _batch(examples)
    w1 = torch.nn.Parameter(torch.randn(N_HAND, hidden) * 0.1)
    b1 = torch.nn.Parameter(torch.zeros(hidden))
    w2 = torch.nn.Parameter(torch.randn(hidden) * 0.1)
    v = torch.nn.Parameter(torch.zeros(pair.shape[2]))
    u = torch.nn.Parameter(torch.zeros(kind.shape[1]))
    c = torch.nn.Parameter(torch.zeros(1))
    a = torch.nn.Parameter(torch.zeros(N_HAND))
    params = [w1, b1, w2, v, u, c, a]
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        opt.zero_grad()
        cand = torch.relu(hand @ w1 + b1) @ w2 + pair @ v
        none = kind @ u + c + hand[:, 0] @ a
        z = torch.cat([none[:, None], cand], 1).masked_fill(~mask, -1e9)
        logp = torch.log_softmax(z, 1)
        loss = -torch.logsumexp(logp.masked_fill(~target, -1e9), 1).mean()
        loss = loss + pair_decay * (v * v).sum()
        loss.backward()
        if not use_pair:
            v.grad = None
        opt.step()
    return Reader({k: p.detach().numpy() for k, p in zip(PARAMS, params, strict=True)},
                  {"questions": str(sum(e.source == "generated" for e in examples)),
                   "variants": str(sum(e.source == "variant" for e in examples))})


def top1(reader: Reader | None, examples: Sequence[Example]) -> dict[str, float]:
    """Share of answerable examples whose first candidate (the reader's, or the answerer's
    own order when ``reader`` is None) is a positive."""
    answerable = [e for e in examples if e.positives]
    hits = sum((reader.read(e.group).best if reader else 0) in e.positives for e in answerable)
    return {"answerable": len(answerable), "top1": round(hits / max(len(answerable), 1), 3)}


def open_store(home: Path, sources: Sequence[Path] | None = None):  # type: ignore[no-untyped-def]
    """An Assistant (reader off: it is what is being trained) over a store of ``sources``
    (the dev documents by default), ingested when missing."""
    from paracite import Assistant, Settings

    a = Assistant(Settings(home=home, reader=False))
    report = a.ingest(list(sources or dev_sources()))
    if not report.ok:
        raise RuntimeError(report.summary())
    return a


def training_rows() -> list[dict]:  # type: ignore[type-arg]
    """Qwen's kept questions, then the rule-made ones, each in its committed order."""
    from paracite.reader.synth import OUT as SYNTH

    synth = [json.loads(line) for line in SYNTH.read_text().splitlines()] if SYNTH.exists() else []
    return generated_rows() + synth


def worth(reader: Reader, examples: Sequence[Example], threshold: float) -> float:
    """Eval's worth of answering at ``threshold`` (see eval.fit_threshold): a question
    handled right counts 1, a wrong answer shown costs WRONG_COST, a refusal 0."""
    from paracite.eval import WRONG_COST

    total = 0.0
    for e in examples:
        r = reader.read(e.group)
        if r.answerable < threshold:
            total += 0 if e.positives else 1
        else:
            total += 1 if r.best in e.positives else -WRONG_COST
    return total / max(len(examples), 1)


def fit_thresholds(reader: Reader, dev: Sequence[Example]) -> tuple[float, float]:
    """The answer threshold of most worth on dev, and the hedge threshold under it: the
    answerability under which the best candidate is right in fewer than one case in four."""
    grid = [round(0.05 * i, 2) for i in range(1, 20)]
    best = max(grid, key=lambda t: (worth(reader, dev, t), -t))
    hedge = best
    for t in reversed([g for g in grid if g < best]):
        band = [e for e in dev if t <= reader.read(e.group).answerable < best]
        hits = sum(reader.read(e.group).best in e.positives for e in band)
        if band and hits / len(band) < 0.25:
            break
        hedge = t
    return best, hedge


GRID: list[dict[str, Any]] = [{"hidden": h, "use_pair": p} for h in (1, 8, 32)
                             for p in (False, True)]


def choose(examples: Sequence[Example], dev: Sequence[Example]) -> dict[str, Any]:
    """The size of the network and whether it weighs the vectors: the best top 1 on dev."""
    scored = []
    for config in GRID:
        result = top1(fit(examples, **config), dev)["top1"]
        print(f"  {config}: dev top 1 {result}")
        scored.append((result, -GRID.index(config), config))
    return max(scored)[2]


def learning_curve(examples: Sequence[Example], dev: Sequence[Example],
                   test: Sequence[Example], sizes: Sequence[int],
                   config: dict[str, Any] | None = None) -> list[dict]:  # type: ignore[type-arg]
    """Top 1 on dev and test with the first N training questions (0: the own order)."""
    keys = list(dict.fromkeys(e.id.rstrip("~") for e in examples))
    out = [{"questions": 0, "dev_top1": top1(None, dev)["top1"],
            "test_top1": top1(None, test)["top1"]}]
    for n in sizes:
        if n > len(keys):
            break
        chosen = set(keys[:n])
        r = fit([e for e in examples if e.id.rstrip("~") in chosen], **(config or {}))
        out.append({"questions": n, "dev_top1": top1(r, dev)["top1"],
                    "test_top1": top1(r, test)["top1"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, default=ROOT / ".paracite-reader",
                    help="store of the dev documents (made when missing)")
    ap.add_argument("--curve", action="store_true",
                    help="also write the learning curve (needs the corpus test documents)")
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--store-only", action="store_true",
                    help="only build the store of the dev documents")
    args = ap.parse_args()
    if args.store_only:
        open_store(args.home).close()
        return
    with open_store(args.home) as a:
        rows = training_rows()
        examples = generated_examples(a, rows)
        dev = [e for s in DEV_SETS for e in eval_examples(a, ROOT / "evals" / s)]
    print(f"{len(rows)} questions → {len(examples)} groups; dev {len(dev)}")
    config = choose(examples, dev)
    reader = fit(examples, **config)
    reader.meta["config"] = json.dumps(config)
    threshold, hedge = fit_thresholds(reader, dev)
    reader.meta.update({"threshold": str(threshold), "hedge": str(hedge)})
    print("dev top 1: own", top1(None, dev), "reader", top1(reader, dev),
          f"thresholds {threshold} / {hedge}")
    reader.save(args.out)
    if args.curve:
        from paracite.eval import load_dataset

        test_set = ROOT / "evals" / "corpus-test.jsonl"
        docs = [(ROOT / c).resolve() for c in dict.fromkeys(r.corpus for r in
                                                             load_dataset(test_set))]
        with open_store(args.home.with_name(args.home.name + "-test"), docs) as t:
            test = eval_examples(t, test_set)
        curve = learning_curve(examples, dev, test, [500, 1000, 2000, 4000, 8000], config)
        out = ROOT / "evals" / "results" / "reader-curve.json"
        out.write_text(json.dumps(curve, indent=1) + "\n")
        for c in curve:
            print(c)


if __name__ == "__main__":
    main()
