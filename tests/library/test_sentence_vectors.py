"""Sentence vectors: computed once, kept on disk for the next start, never mixed across models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import make_settings
from fakes import HashEmbedder

from assistant.library.sentence_vectors import SentenceVectors


class Counting(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return super().embed_documents(texts)


SENTENCES = ["Rural areas matter.", "Anchor institutions stay.", "Young people lead."]


def test_saved_vectors_are_read_back_and_nothing_is_embedded_again(tmp_path: Path) -> None:
    path = tmp_path / "sentences.npz"
    first = Counting()
    vectors = SentenceVectors(first.embed_documents)
    vectors.save(path, "hash [test]", SENTENCES)
    assert sorted(first.embedded) == sorted(SENTENCES)
    again = Counting()
    loaded = SentenceVectors(again.embed_documents)
    assert loaded.load(path, "hash [test]") == 3 and loaded.missing(SENTENCES) == 0
    query = again.embed_query("rural areas")
    assert loaded.cosines(query, SENTENCES) == vectors.cosines(query, SENTENCES)
    assert again.embedded == []  # the cosines came from the file


def test_another_model_or_a_damaged_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "sentences.npz"
    SentenceVectors(HashEmbedder().embed_documents).save(path, "model A [onnx]", SENTENCES)
    other = SentenceVectors(HashEmbedder().embed_documents)
    assert other.load(path, "model A [torch]") == 0 and other.missing(SENTENCES) == 3
    path.write_bytes(b"not a numpy file")
    assert other.load(path, "model A [onnx]") == 0
    assert other.load(tmp_path / "absent.npz", "model A [onnx]") == 0


def test_a_second_start_reads_the_library_sentences_instead_of_embedding_them(
    tmp_path: Path,
) -> None:
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store
    from assistant.service import build_lisa

    settings = make_settings(tmp_path)
    first = Counting()
    ingest_paths([settings.corpus_dir], settings, lambda: open_store(settings, first), first)
    first.embedded = []
    build_lisa(settings, first)
    assert len(first.embedded) > 100  # every sentence of the guidance, once
    cache = settings.data_dir / f"sentence-vectors-{settings.collection}.npz"
    with np.load(cache) as saved:
        assert len(saved["texts"]) == len(set(first.embedded))
    second = Counting()
    lisa = build_lisa(settings, second)
    assert second.embedded == []  # read from the file
    assert not lisa.ask("What counts as a rural area?").refused
