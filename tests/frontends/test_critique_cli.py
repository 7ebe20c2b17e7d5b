"""``run_critique``: the terminal front end for one or many drafts, and --compare."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.critique.engine import Critique, critique_path
from assistant.critique.model import CritiqueFailure
from assistant.critique.rubric import load_rubric
from assistant.frontends.cli.critique import run_critique
from assistant.library.embeddings import LisaEmbeddings
from assistant.settings import Settings
from tests.conftest import make_settings

REPO = Path(__file__).resolve().parents[2]

DRAFT = """# Millbrook strategy

## Evidence

GVA per hour worked is £27.90, 20% below England (ONS Subregional Productivity, 2017).

## Engagement

In autumn 2019 we held 12 workshops with 300 residents to develop the options.
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def _files(tmp_path: Path) -> list[Path]:
    one = tmp_path / "one.md"
    one.write_text(DRAFT, encoding="utf-8")
    two = tmp_path / "two.md"
    # the second version drops its account of engagement
    two.write_text(DRAFT.split("## Engagement")[0], encoding="utf-8")
    return [one, two]


@pytest.fixture(scope="module")
def embedder(real_embeddings: LisaEmbeddings) -> LisaEmbeddings:
    """The real bundled model: the evidence model is fitted on its embeddings."""
    return real_embeddings


def _run(
    files: list[Path],
    fmt: str,
    out_dir: Path | None,
    compare: bool,
    settings: Settings,
    guidance: object,
    embedder: LisaEmbeddings,
) -> tuple[int, str, str]:
    """The CLI around the real engine, as ``Lisa.critique`` calls it."""
    out, err = io.StringIO(), io.StringIO()
    rubric = load_rubric(settings.prompts_dir / "rubric.yaml")

    def critique(path: Path) -> Critique | CritiqueFailure:
        return critique_path(path, rubric, embedder, guidance, max_bytes=settings.max_file_bytes)  # type: ignore[arg-type]

    code = run_critique(files, fmt, out_dir, compare, critique, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_one_file_prints_its_report(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    code, out, err = _run(
        _files(tmp_path)[:1], "md", None, False, settings, guidance_chunks, embedder
    )
    assert code == 0, err
    assert out.startswith("# Critique: Millbrook strategy")


def test_several_files_as_a_json_list(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    code, out, _ = _run(_files(tmp_path), "json", None, False, settings, guidance_chunks, embedder)
    assert code == 0
    data = json.loads(out)
    assert [d["draft"] for d in data] == ["one.md", "two.md"]
    assert len(data[0]["principles"]) == 12


def test_out_dir_writes_one_file_per_draft(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    out_dir = tmp_path / "reports"
    code, out, err = _run(
        _files(tmp_path), "docx", out_dir, False, settings, guidance_chunks, embedder
    )
    assert code == 0 and out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["one-critique.docx", "two-critique.docx"]
    assert err.count("wrote ") == 2


def test_failures_are_reported_and_the_rest_still_run(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    good = _files(tmp_path)[0]
    code, out, err = _run([bad, good], "json", None, False, settings, guidance_chunks, embedder)
    assert code == 1
    assert f"error: {bad}: " in err and "damaged" in err
    assert [d["draft"] for d in json.loads(out)] == ["one.md"]


def test_usage_errors(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    files = _files(tmp_path)
    code, _, err = _run(files[:1], "docx", None, False, settings, guidance_chunks, embedder)
    assert code == 2 and "--out-dir" in err
    code, _, err = _run(files[:1], "md", None, True, settings, guidance_chunks, embedder)
    assert code == 2 and "exactly two" in err
    code, _, err = _run(files, "html", None, False, settings, guidance_chunks, embedder)
    assert code == 2 and "--out-dir" in err


def test_compare_two_versions(
    tmp_path: Path, settings: Settings, guidance_chunks: object, embedder: LisaEmbeddings
) -> None:
    code, out, err = _run(_files(tmp_path), "json", None, True, settings, guidance_chunks, embedder)
    assert code == 0, err
    data = json.loads(out)
    assert data["old"] == "one.md" and data["new"] == "two.md"
    assert len(data["changes"]) == 12
    assert data["iap2"] == {"old": "involve", "new": "none"}
    local = next(c for c in data["changes"] if c["id"] == "local_people")
    assert local["change"] == "regressed"


def test_a_broken_rubric_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the real ``lisa critique`` entry point: LISA cannot start, exit 2."""
    import shutil

    from assistant.frontends.cli.main import main

    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    (prompts / "rubric.yaml").write_text("principles: []\n", encoding="utf-8")
    monkeypatch.setenv("LISA_PROMPTS_DIR", str(prompts))
    monkeypatch.setenv("LISA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    code = main(["critique", str(_files(tmp_path)[0])])
    assert code == 2 and "rubric" in capsys.readouterr().err
