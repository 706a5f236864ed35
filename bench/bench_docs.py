"""Benchmark of ``doc_check`` (autocode-docs) on a generated project.

Generates, in a temporary folder, a package of 10,000 code files in 100
sub-packages with one document per file and per folder plus ``docs/_index.md``
(about 20,000 files), commits them in git (code, then docs, then a commit
changing 1% of the code), leaves a few uncommitted edits, and times:

* baseline: a plain ``os.walk`` + ``os.stat`` of every file of the same tree;
* ``check_docs`` in git mode (first run, which writes the docs index, then
  the median of warm runs, which leave the unchanged index alone);
* ``check_docs`` in mtime mode on the same tree.

Prints seconds, ratios against the baseline, and the number of git calls.

    python bench/bench_docs.py [--files 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from autocode_docs.doc_check import check_docs
from autocode_docs.settings import DocsConfig

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(root: Path, files: int) -> list[Path]:
    """The project; returns the code files."""
    packages = max(1, files // 100)
    code: list[Path] = []
    write(root / "app/__init__.py", "")
    for p in range(packages):
        write(root / f"app/pkg{p:03d}/__init__.py", "")
        for m in range(files // packages):
            path = root / f"app/pkg{p:03d}/mod{m:03d}.py"
            write(path, f"VALUE = {p * 1000 + m}\n")
            code.append(path)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "code")
    write(root / "docs/_index.md", "# Bench Project\n\n## 🎯 Propósito\nA **generated** project.\n")
    write(root / "docs/app/_module.md", "# app\n\n## Purpose\nThe app.\n")
    for p in range(packages):
        write(
            root / f"docs/app/pkg{p:03d}/_module.md",
            f"# pkg{p}\n\n## 🎯 Propósito del Módulo\nPackage {p}.\n",
        )
    for path in code:
        rel = path.relative_to(root).with_suffix(".md")
        write(root / "docs" / rel, f"# {path.stem}\n\n## Purpose\nDocuments `{path.name}`.\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    for path in code[::100]:
        path.write_text(path.read_text() + "CHANGED = True\n")
    git(root, "commit", "-q", "-am", "change 1% of the code")
    for path in code[50::1000]:
        path.write_text(path.read_text() + "DIRTY = True\n")
    return code


def walk_and_stat(root: Path) -> int:
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            os.stat(os.path.join(dirpath, name))
            count += 1
    return count


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        setup, code = timed(lambda: generate(root, args.files))
        print(f"generated {len(code)} code files (+ docs) and 3 commits in {setup:.1f}s")

        base_times = [timed(lambda: walk_and_stat(root))[0] for _ in range(args.runs)]
        files = walk_and_stat(root)
        baseline = statistics.median(base_times)
        git_settings = DocsConfig()
        first, result = timed(lambda: check_docs(root, git_settings))
        warm = [timed(lambda: check_docs(root, git_settings)) for _ in range(args.runs)]
        warm_time = statistics.median(t for t, _ in warm)
        warm_result = warm[-1][1]
        mtime_settings = DocsConfig.model_validate(
            {"history": "mtime", "index": {"enabled": False}}
        )
        mtime = [timed(lambda: check_docs(root, mtime_settings)) for _ in range(args.runs)]
        mtime_time = statistics.median(t for t, _ in mtime)
        git_noindex = DocsConfig.model_validate({"index": {"enabled": False}})
        noindex_time = statistics.median(
            timed(lambda: check_docs(root, git_noindex))[0] for _ in range(args.runs)
        )

        counts = result.details["counts"]
        print(f"documents judged: {result.details['total_documents']}  counts: {counts}")
        print(
            f"git calls per run: {result.details['git_calls']} (independent of the number of files)"
        )
        print(
            f"index written on first run: {result.details['index']['written']}, "
            f"on warm runs: {warm_result.details['index']['written']}"
        )
        print()
        print(f"{'measurement':<44}{'seconds':>10}{'x baseline':>12}")
        rows = [
            (f"baseline: walk + stat of {files} files", baseline),
            ("doc_check git mode, first run (writes index)", first),
            ("doc_check git mode, warm (index unchanged)", warm_time),
            ("doc_check git mode, index disabled", noindex_time),
            ("doc_check mtime mode, index disabled", mtime_time),
        ]
        for label, seconds in rows:
            print(f"{label:<44}{seconds:>10.3f}{seconds / baseline:>12.1f}")


if __name__ == "__main__":
    main()
