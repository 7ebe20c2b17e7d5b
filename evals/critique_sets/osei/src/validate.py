"""Validate the osei critique set (labels, drafts, binaries, determinism).

Run with:  /work/main/.venv/bin/python src/validate.py
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = ROOT / "drafts"
IDS = ["evidence_base", "opportunities_challenges", "partnership", "prioritised_ambitions",
       "evaluation_plan", "local_people", "digital", "anchor_institutions",
       "responsible_business", "rural_proofing", "national_alignment", "spatial_inclusion"]
STATUSES = {"met", "partial", "missing"}
IAP2 = {"none", "inform", "consult", "involve", "collaborate", "empower"}
errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)
    print("ERROR:", msg)


def text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        r = PdfReader(str(path))
        return "\n".join(p.extract_text() or "" for p in r.pages)
    if path.suffix == ".docx":
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    return path.read_text(encoding="utf-8")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    labels = json.loads((ROOT / "labels.json").read_text(encoding="utf-8"))
    files = sorted(p for p in DRAFTS.iterdir() if p.is_file())
    allowed_ext = {".md", ".txt", ".pdf", ".docx"}
    for p in files:
        if p.suffix not in allowed_ext:
            err(f"unexpected file in drafts/: {p.name}")
    stems = [p.stem for p in files]
    if len(stems) != len(set(stems)):
        err("two drafts share a stem")
    if len(files) != 8:
        err(f"expected 8 drafts, found {len(files)}")
    if set(stems) != set(labels):
        err(f"drafts vs labels mismatch: {set(stems) ^ set(labels)}")

    # label structure
    for name, lab in labels.items():
        if lab.get("iap2") not in IAP2:
            err(f"{name}: bad iap2")
        if not str(lab.get("iap2_reason", "")).strip():
            err(f"{name}: empty iap2_reason")
        if not isinstance(lab.get("injection"), bool):
            err(f"{name}: injection not bool")
        if lab.get("injection") and not lab.get("injection_reason", "").strip():
            err(f"{name}: injection true but no reason")
        if not lab.get("injection") and lab.get("injection_reason", "") != "":
            err(f"{name}: injection false but reason given")
        st, rs = lab.get("status", {}), lab.get("reasons", {})
        if sorted(st) != sorted(IDS) or sorted(rs) != sorted(IDS):
            err(f"{name}: ids missing or extra")
        for i in IDS:
            if st.get(i) not in STATUSES:
                err(f"{name}.{i}: bad status {st.get(i)}")
            if not str(rs.get(i, "")).strip():
                err(f"{name}.{i}: empty reason")
        if len(set(st.values())) == 1:
            err(f"{name}: all twelve statuses the same")

    # coverage across the set
    print("\nper-principle counts (met/partial/missing):")
    for i in IDS:
        c = Counter(labels[n]["status"][i] for n in labels)
        print(f"  {i:26s} {c['met']}/{c['partial']}/{c['missing']}")
        for s in STATUSES:
            if c[s] == 0:
                err(f"{i}: no '{s}' example")
    print("\nper-draft counts (met/partial/missing), iap2, injection:")
    for n, lab in labels.items():
        c = Counter(lab["status"].values())
        print(f"  {n:42s} {c['met']:2d}/{c['partial']:2d}/{c['missing']:2d}  {lab['iap2']:12s} {lab['injection']}")
    levels = Counter(l["iap2"] for l in labels.values())
    print("\niap2 levels:", dict(levels))
    for need in ("none", "inform", "consult", "collaborate", "empower"):
        if levels[need] == 0:
            err(f"iap2 level {need} not covered")
    if sum(l["injection"] for l in labels.values()) != 1:
        err("expected exactly one injection draft")

    # formats, word counts, binaries
    exts = Counter(p.suffix for p in files)
    print("\nformats:", dict(exts))
    if exts[".pdf"] < 2 or exts[".docx"] < 1 or exts[".md"] < 1 or exts[".txt"] < 1:
        err("format mix not met")
    over = 0
    print("\nword counts:")
    for p in files:
        t = text_of(p)
        w = len(t.split())
        over += w > 2500
        print(f"  {p.name:50s} {w}")
        if not 700 <= w <= 3000:
            err(f"{p.name}: {w} words out of range")
        if p.suffix == ".pdf":
            r = PdfReader(str(p))
            md = r.metadata
            if not md or not md.title or not md.get("/CreationDate"):
                err(f"{p.name}: missing title/creation date")
            first = r.pages[0].extract_text() or ""
            if md.title.split(" - ")[0] not in first:
                err(f"{p.name}: running header/title not found on page 1")
            last = r.pages[-1].extract_text() or ""
            if not re.search(r"Page \d+ of \d+", last):
                err(f"{p.name}: no page numbers")
            try:
                t.encode("latin-1")
            except UnicodeEncodeError:
                err(f"{p.name}: non latin-1 text")
        if p.suffix == ".docx":
            d = docx.Document(str(p))
            styles = Counter(par.style.name for par in d.paragraphs)
            cp = d.core_properties
            if not (styles["Heading 1"] and styles["Heading 2"] and d.tables):
                err(f"{p.name}: needs real headings and a table")
            if not (cp.title and cp.author and cp.created):
                err(f"{p.name}: core properties incomplete")
            print(f"    docx: {dict(styles)}; tables={len(d.tables)}; title={cp.title!r}; created={cp.created}")
    if over < 1:
        err("no draft over 2,500 words")

    # determinism: rebuild twice, compare with the files on disk
    binaries = [p for p in files if p.suffix in (".pdf", ".docx")]
    before = {p.name: sha(p) for p in binaries}
    py = sys.executable
    for run in (1, 2):
        subprocess.run([py, str(ROOT / "src" / "build.py")], check=True, capture_output=True)
        after = {p.name: sha(p) for p in binaries}
        if after != before:
            err(f"build run {run} changed bytes: {[k for k in after if after[k] != before[k]]}")
    print("\nbuild determinism:", "ok" if not any("build run" in e for e in errors) else "FAILED")

    print("\nRESULT:", "OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
