"""Sentence vectors: computed once, kept on disk for the next start, never mixed across models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_settings
from fakes import HashEmbedder

from assistant.library.sentence_vectors import SentenceVectors, saved_texts


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


def _saved_texts(path: Path) -> list[str]:
    return saved_texts(path)


def test_ingest_embeds_every_sentence_so_a_start_and_a_first_answer_embed_none(
    tmp_path: Path,
) -> None:
    from assistant.ask.generation import ExtractiveGenerator
    from assistant.library.ingest import ingest_paths
    from assistant.library.passages import merged_texts
    from assistant.library.store import open_store
    from assistant.service import build_lisa

    settings = make_settings(tmp_path)
    first = Counting()
    ingest_paths([settings.corpus_dir], settings, lambda: open_store(settings, first), first)
    saved = _saved_texts(settings.sentence_vectors_path)
    assert len(saved) > 100 and len(set(saved)) == len(saved)
    assert all(first.embedded.count(t) == 1 for t in saved)  # each sentence once, at ingest
    second = Counting()
    lisa = build_lisa(settings, second)
    chunks = lisa.retriever.chunks
    assert set(saved) == set(ExtractiveGenerator.units(merged_texts(chunks)))
    assert second.embedded == []  # the start read them
    assert not lisa.ask("What counts as a rural area?").refused
    assert not lisa.ask("How should a partnership engage young people?").refused
    assert second.embedded == []  # first contact with each passage embedded no sentence


def test_a_start_fills_in_missing_sentence_vectors_and_saves_them(tmp_path: Path) -> None:
    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store
    from assistant.service import build_lisa

    settings = make_settings(tmp_path)
    ingest_paths(
        [settings.corpus_dir], settings, lambda: open_store(settings, Counting()), Counting()
    )
    saved = _saved_texts(settings.sentence_vectors_path)
    settings.sentence_vectors_path.unlink()
    start = Counting()
    build_lisa(settings, start)
    assert sorted(start.embedded) == sorted(saved)  # every sentence, once
    assert _saved_texts(settings.sentence_vectors_path) == saved
    again = Counting()
    build_lisa(settings, again)
    assert again.embedded == []


def test_a_later_ingest_embeds_only_the_new_sentences(tmp_path: Path) -> None:
    import shutil

    from conftest import CORPUS

    from assistant.library.ingest import ingest_paths
    from assistant.library.store import open_store

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    first = Counting()
    ingest_paths([corpus], settings, lambda: open_store(settings, first), first)
    before = set(_saved_texts(settings.sentence_vectors_path))
    (corpus / "ports.md").write_text(
        "# Ports\n\n## Harbours\n\nHarbour towns need their own skills plans. "
        "Coastal freight depends on rail links.\n"
    )
    later = Counting()
    ingest_paths([corpus], settings, lambda: open_store(settings, later), later)
    after = set(_saved_texts(settings.sentence_vectors_path))
    new = after - before
    assert new and before <= after
    assert new <= set(later.embedded)
    assert not set(later.embedded) & before  # no saved sentence embedded again
    (corpus / "ports.md").unlink()
    ingest_paths([corpus], settings, lambda: open_store(settings, Counting()), Counting())
    assert set(_saved_texts(settings.sentence_vectors_path)) == before  # the gone are dropped


def test_texts_round_trip_compactly_and_files_saved_before_still_load(tmp_path: Path) -> None:
    sentences = ["Rural proofing — a check.", "Ynys Môn’s ports.", "£246bn of GVA (2017)."]
    path = tmp_path / "sentences.npz"
    vectors = SentenceVectors(HashEmbedder().embed_documents)
    vectors.save(path, "hash [test]", sentences, "digest")
    assert saved_texts(path) == sentences
    with np.load(path) as saved:  # UTF-8 bytes, not a fixed-width string per sentence
        assert saved["texts"].dtype == np.uint8
        matrix = saved["vectors"]
    old = tmp_path / "old.npz"  # the format written before: a string array
    np.savez(old, key=np.array("hash [test]"), texts=np.array(sentences), vectors=matrix)
    loaded = SentenceVectors(HashEmbedder().embed_documents)
    assert loaded.load(old, "hash [test]") == 3 and loaded.missing(sentences) == 0
    query = HashEmbedder().embed_query("rural ports")
    assert loaded.cosines(query, sentences) == pytest.approx(vectors.cosines(query, sentences))
    short = tmp_path / "short.npz"  # texts and vectors out of step: not used
    np.savez(short, key=np.array("hash [test]"), texts=np.array(sentences), vectors=matrix[:2])
    assert SentenceVectors(HashEmbedder().embed_documents).load(short, "hash [test]") == 0


def test_vectors_saved_before_readings_with_context_are_made_again_once(tmp_path: Path) -> None:
    from assistant.library.passages import library_readings, library_units
    from assistant.library.sentence_vectors import keep_library_vectors

    path = tmp_path / "sentences.npz"
    texts = ["Harbour plans run for ten years.\nThey are agreed with the port authority."]
    # a file saved the earlier way: the units alone, stamped with the bare library digest
    SentenceVectors(HashEmbedder().embed_documents).save(
        path, "hash [test]", library_units(texts), "digest"
    )
    start = Counting()
    keep_library_vectors(
        SentenceVectors(start.embed_documents), path, "hash [test]", lambda: texts, "digest"
    )
    assert start.embedded == [
        "Harbour plans run for ten years. They are agreed with the port authority."
    ]
    assert set(saved_texts(path)) == set(library_readings(texts))
    later = Counting()
    keep_library_vectors(
        SentenceVectors(later.embed_documents), path, "hash [test]", lambda: texts, "digest"
    )
    assert later.embedded == []  # saved the new way: read, not made again
