"""A LangChain user's recipes, on a real temporary store of the bundled records:
``paracite.vectorstore(home)`` is a ``langchain_chroma.Chroma`` over the collection paracite
writes, searched with paracite's embedder (an ``Embeddings``); ``paracite.chain(home)`` is
an LCEL Runnable that composes with other Runnables, batches, streams, reports to callback
handlers and keeps a conversation inside ``RunnableWithMessageHistory`` — and it is the
Runnable ``Assistant.ask`` and ``Assistant.stream`` go through, so it answers as they do."""

from __future__ import annotations

import asyncio
import shutil
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.runnables import RunnableLambda
from langchain_core.runnables.history import RunnableWithMessageHistory

import paracite
from paracite.documents import Answer
from paracite.errors import EmbedderMismatchError, NotFoundError, QuestionError, StoreError
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

QUESTION = "Which Government provided extrabudgetary resources?"


@pytest.fixture(scope="module")
def home(records_template, tmp_path_factory):
    home = tmp_path_factory.mktemp("langchain") / "home"
    shutil.copytree(records_template, home)
    return home


@pytest.fixture(scope="module")
def assistant(home, embedder):
    a = paracite.Assistant(home=home, embedder=embedder)
    yield a
    a.close()


@pytest.fixture(scope="module")
def chain(home):
    return paracite.chain(home)


def same(a: Answer, b: Answer) -> bool:
    return a.model_dump(exclude={"seconds"}) == b.model_dump(exclude={"seconds"})


# -- the retrievers --------------------------------------------------------------------------

@pytest.mark.parametrize(("mode", "question", "paragraph"), [
    ("hybrid", "who was elected Rapporteur", "22"), ("dense", "who was elected Rapporteur", "22"),
    ("keyword", QUESTION, "50")])
def test_retriever_of_each_mode_finds_the_paragraph(home, embedder, mode, question, paragraph):
    docs = paracite.retriever(home, mode=mode, k=3, embedder=embedder).invoke(question)
    assert len(docs) == 3
    assert ("report", paragraph) in {(d.metadata["document"], d.metadata["paragraph"])
                                     for d in docs}


def test_hybrid_retriever_ranks_as_langchains_ensemble_of_its_two_retrievers(home, embedder):
    """paracite's fusion is LangChain's EnsembleRetriever (weighted reciprocal rank) over
    its dense and keyword retrievers, on every question of the records' eval set: the same
    passages in the same order, but for passages of equal fused score, which paracite puts
    in reading order and the ensemble in the order it met them. It keeps what the ensemble
    drops: the other retriever's score and rank of a passage both found."""
    import json

    from langchain_classic.retrievers import EnsembleRetriever

    s = paracite.Settings(home=home)
    n = s.retrieval_candidates
    dense, keyword = (paracite.retriever(home, mode=m, k=n, embedder=embedder)
                      for m in ("dense", "keyword"))
    hybrid = paracite.retriever(home, k=2 * n, embedder=embedder)  # all: each one's score
    ensemble = EnsembleRetriever(retrievers=[dense, keyword], c=s.rrf_k,
                                 weights=[s.dense_weight, s.keyword_weight])
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "evals" / "records.jsonl").open()]
    assert len(questions) >= 50
    both = reordered = 0
    for q in questions:
        fused = hybrid.invoke(q)
        score = {d.id: round(d.metadata["score"], 12) for d in fused}
        theirs = [d.id for d in ensemble.invoke(q)]
        assert sorted(theirs) == sorted(score), q
        assert [score[i] for i in theirs] == [score[d.id] for d in fused], q
        unique = {v for v in score.values() if list(score.values()).count(v) == 1}
        assert [i for i in theirs if score[i] in unique] == \
            [d.id for d in fused if score[d.id] in unique], q
        reordered += theirs != [d.id for d in fused]
        both += sum(d.metadata["dense_rank"] is not None and d.metadata["keyword_rank"]
                    is not None for d in fused)
    assert both > len(questions)  # passages found by both keep both ranks
    assert reordered < len(questions)  # (ties are the exception)


# -- the vector store ------------------------------------------------------------------------

def test_vectorstore_retriever_finds_the_rapporteur_paragraph(home):
    docs = paracite.vectorstore(home).as_retriever().invoke("who was elected Rapporteur")
    found = {(d.metadata["document"], d.metadata["paragraph"]): d for d in docs}
    assert ("report", "22") in found, list(found)
    doc = found["report", "22"]
    assert doc.page_content.startswith("22. Upon conclusion of the deliberations")
    assert "Erik Planken (Netherlands)" in doc.page_content
    assert doc.metadata["pages"] == "4" and doc.metadata["symbol"] == "UNODC/CCPCJ/EG.4/2017/4"
    assert doc.metadata["title"].startswith("Report on the meeting of the Expert Group")


def test_vectorstore_is_chroma_over_the_stores_collection_with_paracites_embedder(
        home, assistant):
    from langchain_chroma import Chroma

    stamp, count = assistant.store.write_stamp(), assistant.store.count()
    vs = paracite.vectorstore(home)
    assert isinstance(vs, Chroma) and isinstance(vs.embeddings, Embeddings)
    assert isinstance(vs.embeddings, paracite.embed.Embedder)
    assert vs._collection.name == assistant.settings.collection
    assert vs._collection._embedding_function is None  # never chromadb's own model
    assert vs._collection.count() == count
    assert assistant.store.write_stamp() == stamp  # opened as it was: nothing written
    scored = vs.similarity_search_with_relevance_scores("extrabudgetary resources China", k=2)
    assert scored[0][0].metadata["paragraph"] == "50" and 0 < scored[0][1] <= 1


def test_vectorstore_refuses_writes_that_would_lack_provenance(home, assistant):
    vs = paracite.vectorstore(home)
    count = assistant.store.count()
    with pytest.raises(StoreError, match="Assistant.ingest"):
        vs.add_documents([Document(page_content="A paragraph nobody parsed.")])
    with pytest.raises(StoreError):
        vs.add_texts(["Another."])
    with pytest.raises(StoreError):
        vs.delete(["report:00022"])
    with pytest.raises(StoreError):
        asyncio.run(vs.aadd_texts(["Async too."]))
    assert vs._collection.count() == count


def test_vectorstore_of_a_home_with_nothing_ingested_says_to_ingest(tmp_path):
    with pytest.raises(NotFoundError, match="ingest some records first"):
        paracite.vectorstore(tmp_path / "empty")


def test_vectorstore_of_a_store_made_with_another_embedder_says_so(counting, records_copy):
    assert counting.ingest([records_copy]).ok  # with the hash embedder
    with pytest.raises(EmbedderMismatchError, match="hash-384"):
        paracite.vectorstore(counting.settings.home)


def test_embedder_is_a_langchain_embeddings(embedder):
    texts = ["The Rapporteur was elected.", "The meeting was opened."]
    assert isinstance(embedder, Embeddings)
    assert embedder.embed_documents(texts) == embedder.embed(texts)
    assert asyncio.run(embedder.aembed_query(texts[0])) == embedder.embed_query(texts[0])


# -- the chain -------------------------------------------------------------------------------

def test_chain_answers_as_the_assistant_does(chain, assistant):
    out = chain.invoke({"question": QUESTION, "chat_history": []})
    assert set(out) == {"answer", "text"} and out["text"] == out["answer"].text
    assert same(out["answer"], assistant.ask(QUESTION))
    assert same(chain.invoke(QUESTION)["answer"], out["answer"])  # the question alone
    assert assistant.as_runnable() is assistant.chain.runnable
    assert chain.get_name() == "paracite"  # what tracers and callback handlers see
    assert chain.input_schema.model_json_schema() and chain.output_schema.model_json_schema()


def test_chain_composes_with_another_runnable(chain):
    cite = chain | RunnableLambda(lambda out: (out["answer"].citations[0].document,
                                               out["answer"].citations[0].paragraph))
    assert cite.invoke({"question": QUESTION, "chat_history": []}) == ("report", "50")
    assert list(cite.stream({"question": QUESTION})) == [("report", "50")]


def test_a_users_rag_recipe_composes_the_vectorstore_retriever_and_the_chain(home, chain):
    """The recipe a LangChain user writes: the vector store's retriever and paracite's chain
    side by side in one LCEL graph, feeding their own prompt and chat model."""
    from operator import itemgetter

    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableParallel

    shown: list[str] = []

    def context(docs: list[Document]) -> str:
        return "\n".join(f"[{d.metadata['document']} ¶{d.metadata['paragraph']}] "
                         f"{d.page_content}" for d in docs)

    def remember(prompt):
        shown.append(prompt.to_string())
        return prompt

    prompt = ChatPromptTemplate.from_messages([
        ("system", "Answer from these paragraphs only:\n{context}"),
        ("human", "{question}\nparacite says: {cited}")])
    model = GenericFakeChatModel(messages=iter(["Erik Planken, of the Netherlands."]))
    recipe = (
        RunnableParallel(
            context=itemgetter("question") | paracite.vectorstore(home).as_retriever()
            | RunnableLambda(context),
            cited=chain | RunnableLambda(lambda out: out["answer"].citations[0].reference),
            question=itemgetter("question"))
        | prompt | RunnableLambda(remember) | model | StrOutputParser())

    assert recipe.invoke({"question": "Who is the new Rapporteur?"}) \
        == "Erik Planken, of the Netherlands."
    (text,) = shown
    assert "[report ¶22] 22. Upon conclusion of the deliberations" in text  # the retriever's
    assert text.startswith("System: Answer from these paragraphs only:\n[")
    assert text.endswith("Human: Who is the new Rapporteur?\n"
                         "paracite says: UNODC/CCPCJ/EG.4/2017/4 ¶22, p. 4")  # the chain's


def test_chain_batch_answers_each_question_as_invoke_does(chain):
    questions = [QUESTION, "Who opened the meeting, and why?"]
    outs = chain.batch([{"question": q} for q in questions])
    for q, out in zip(questions, outs, strict=True):
        assert same(out["answer"], chain.invoke({"question": q})["answer"])
    assert "South Africa" in outs[1]["text"]


def test_chain_stream_gives_pieces_then_the_answer_as_assistant_stream(chain, assistant):
    chunks = list(chain.stream({"question": QUESTION}))
    assert all(set(c) == {"delta"} for c in chunks[:-1]) and len(chunks) > 1
    final = chunks[-1]["answer"]
    assert chunks[-1]["text"] == final.text and same(final, assistant.ask(QUESTION))
    assert "".join(c["delta"] for c in chunks[:-1]).strip() == final.text
    parts = list(assistant.stream(QUESTION))
    assert parts[:-1] == [c["delta"] for c in chunks[:-1]] and same(parts[-1], final)


def test_chain_ainvoke_answers_as_invoke(chain):
    out = asyncio.run(chain.ainvoke({"question": QUESTION}))
    assert same(out["answer"], chain.invoke({"question": QUESTION})["answer"])


class Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.started: list[str] = []
        self.ended: list[Any] = []
        self.documents: list[Document] = []

    def on_chain_start(self, serialized, inputs, **kwargs):  # type: ignore[no-untyped-def]
        self.started.append(kwargs.get("name") or "")

    def on_chain_end(self, outputs, **kwargs):  # type: ignore[no-untyped-def]
        self.ended.append(outputs)

    def on_retriever_end(self, documents, **kwargs):  # type: ignore[no-untyped-def]
        self.documents += documents


def test_a_callback_handler_sees_the_run_its_steps_and_the_retrieval(chain):
    seen = Recorder()
    out = chain.invoke({"question": QUESTION}, config={"callbacks": [seen]})
    assert seen.started[0] == "paracite"
    assert {"read", "retrieve", "answer"} <= set(seen.started)
    assert seen.ended[-1]["answer"] == out["answer"]
    assert ("report", "50") in [(d.metadata["document"], d.metadata["paragraph"])
                                for d in seen.documents]


def test_chain_within_a_document_filter_and_its_errors(chain):
    out = chain.invoke({"question": QUESTION, "documents": ["agenda"]})
    assert {c.document for c in out["answer"].citations + out["answer"].see_also} == {"agenda"}
    with pytest.raises(NotFoundError, match="no such document 'nosuch'"):
        chain.invoke({"question": QUESTION, "documents": ["nosuch"]})
    with pytest.raises(QuestionError, match="empty"):
        chain.invoke({"question": "  ", "chat_history": []})


def test_chain_keeps_a_conversation_in_runnable_with_message_history(chain, assistant):
    histories: dict[str, InMemoryChatMessageHistory] = {}
    talk = RunnableWithMessageHistory(
        chain, lambda sid: histories.setdefault(sid, InMemoryChatMessageHistory()),
        input_messages_key="question", history_messages_key="chat_history",
        output_messages_key="text")
    config = {"configurable": {"session_id": "s1"}}
    first = talk.invoke({"question": "Who was elected Rapporteur?"}, config=config)
    follow = talk.invoke({"question": "and from which country?"}, config=config)
    ans = follow["answer"]
    assert ans.standalone_question.startswith("From which country is Erik Planken"), ans
    assert ans.found and "Netherlands" in ans.text
    assert ("report", "22") in {(c.document, c.paragraph) for c in ans.citations}
    expected = assistant.ask("and from which country?", history=[
        ("Who was elected Rapporteur?", first["text"])])
    assert same(ans, expected)
    messages = histories["s1"].messages
    assert [m.type for m in messages] == ["human", "ai", "human", "ai"]
    assert [m.content for m in messages[1::2]] == [first["text"], follow["text"]]
    streamed = list(talk.stream({"question": "and from which country?"},
                                config={"configurable": {"session_id": "s2"}}))
    assert streamed[-1]["answer"].standalone_question == "and from which country?"
    assert [m.type for m in histories["s2"].messages] == ["human", "ai"]
