from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_described_and_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"LISA_{name.upper()}" in readme, f"README does not document LISA_{name.upper()}"


def test_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISA_BACKEND", "ollama")
    monkeypatch.setenv("LISA_TOP_K", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.backend == "ollama" and settings.top_k == 7


def test_an_empty_path_setting_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISA_DATA_DIR", "somewhere")
    monkeypatch.setenv("LISA_MODEL_DIR", "")
    monkeypatch.setenv("LISA_FEEDBACK_PATH", "  ")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.model_dir is None and settings.models_dir == Path("somewhere") / "models"
    assert settings.feedback_file == Path("somewhere") / "feedback.jsonl"
    monkeypatch.setenv("LISA_MODEL_DIR", "elsewhere")
    assert Settings(_env_file=None).models_dir == Path("elsewhere")  # type: ignore[call-arg]


def test_invalid_settings_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISA_BACKEND", "gpt-9")
    with pytest.raises(ValidationError, match="backend"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_secrets_are_not_printed() -> None:
    settings = Settings(_env_file=None, openai_api_key="sk-secret")  # type: ignore[call-arg]
    assert "sk-secret" not in repr(settings) and "sk-secret" not in str(settings.model_dump())


def test_importing_does_nothing(tmp_path: Path) -> None:
    """No model loading, no store, no mkdir, no launch at import time."""
    modules = sorted(
        "assistant." + ".".join(p.relative_to(REPO / "assistant").with_suffix("").parts)
        for p in (REPO / "assistant").rglob("*.py")
        if p.stem not in ("__main__", "__init__")
    )
    code = (
        "import sys, os\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        f"for m in {modules!r}: __import__(m)\n"
        "import app\n"
        "heavy = [m for m in ('sentence_transformers', 'torch', 'llama_cpp') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "print('FILES', sorted(os.listdir('.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    assert "FILES []" in done.stdout  # nothing created in the working directory


def test_module_sizes_stay_small() -> None:
    paths = [
        *(REPO / "assistant").rglob("*.py"),
        *(p for p in (REPO / "evals").rglob("*.py") if "critique_sets" not in p.parts),
        *(REPO / "benchmarks").rglob("*.py"),
    ]
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 450, f"{path.relative_to(REPO)} has {lines} lines: split it"


def test_no_bare_except_in_the_package() -> None:
    for path in (REPO / "assistant").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"except\s*:", text), path.name
        assert not re.search(r"except Exception:\s*\n\s*pass", text), path.name
