"""Benchmark of ``doc_check`` (autocode-docs) on a generated project.

Generates, in a temporary folder, a package of 10,000 code files in 100
sub-packages with one document per file and per folder plus ``docs/_index.md``
(about 20,000 files), commits them in git (code, then docs, then a commit
changing 1% of the code), leaves a few uncommitted edits, and times:

* baseline: a plain ``os.walk`` + ``os.stat`` of every file of the same tree;
* ``check_docs`` in git mode (first run, which writes the docs index, then
  the median of warm runs, which leave the unchanged index alone);
* ``check_docs`` in git mode without the index, cold, each run paired with a
  walk-and-stat right before or after it (the median and best of the
  per-pair ratios: the steadiest measure on a busy machine);
* ``check_docs`` in mtime mode on the same tree;
* ``check_docs`` with its cache folder (``cache_dir``: the git log kept by
  ``HEAD``, the index texts by size and mtime), warm;
* a change-triggered run after editing one code file (``changed_paths``).

Then a second repository with ``--commits`` commits of history (20,000 by
default, written in one ``git fast-import`` stream: 1,000 code files with
docs, one file changed per commit, a side branch merged every 50 commits)
and the same measurements against a walk of that tree, cold (no cache) and
warm.

Prints seconds, ratios against the baseline measured in the same run, and
the number of git calls. Runs against older versions of ``check_docs``
(without ``cache_dir``) too, leaving the cached rows out.

    python bench/bench_docs.py [--files 10000] [--commits 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import inspect
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


CACHED = "cache_dir" in inspect.signature(check_docs).parameters


def fast_import_history(root: Path, commits: int, files: int = 1000) -> None:
    """A repository of ``commits`` commits in one ``git fast-import`` stream (see the docstring)."""
    git(root, "init", "-q", "-b", "main")
    out: list[bytes] = []

    def data(text: str) -> None:
        raw = text.encode()
        out.append(b"data %d\n%s\n" % (len(raw), raw))

    def header(ref: str, mark: int, when: int, message: str) -> None:
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        out.append(f"committer bench <bench@example.invalid> {when} +0000\n".encode())
        data(message)

    start = 1_700_000_000
    header("refs/heads/main", 1, start, "initial")
    out.append(b"M 100644 inline app/__init__.py\n")
    data("")
    for f in range(files):
        out.append(f"M 100644 inline app/p{f // 100:02d}/m{f:04d}.py\n".encode())
        data(f"V = {f}\n")
        out.append(f"M 100644 inline docs/app/p{f // 100:02d}/m{f:04d}.md\n".encode())
        data(f"# m{f}\n\n## Purpose\nModule {f}.\n")
        if f % 100 == 0:
            out.append(f"M 100644 inline app/p{f // 100:02d}/__init__.py\n".encode())
            data("")
    main_tip, side_tip = 1, 0
    for i in range(2, commits + 1):
        f = (i * 7919) % files
        phase = i % 50
        on_side = 10 <= phase < 25
        ref = "refs/heads/side" if on_side else "refs/heads/main"
        header(ref, i, start + i * 60, f"change {i}")
        if on_side:
            out.append(f"from :{side_tip if phase > 10 else main_tip}\n".encode())
        else:
            out.append(f"from :{main_tip}\n".encode())
            if phase == 25 and side_tip:
                out.append(f"merge :{side_tip}\n".encode())
        folder = f"p{f // 100:02d}/m{f:04d}"
        path = f"docs/app/{folder}.md" if i % 3 == 0 else f"app/{folder}.py"
        out.append(f"M 100644 inline {path}\n".encode())
        data(f"# change {i}\n" if path.endswith(".md") else f"V = {i}\n")
        if on_side:
            side_tip = i
        else:
            main_tip = i
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, env=GIT_ENV, check=True,
        input=b"".join(out),
    )
    git(root, "checkout", "-q", "-f", "main")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commits", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        setup, code = timed(lambda: generate(root, args.files))
        print(f"generated {len(code)} code files (+ docs) and 3 commits in {setup:.1f}s")

        base_times = [timed(lambda: walk_and_stat(root))[0] for _ in range(args.runs)]
        files = walk_and_stat(root)
        baseline = statistics.median(base_times)
        git_noindex = DocsConfig.model_validate({"index": {"enabled": False}})
        pairs = paired(root, git_noindex, max(args.runs, 9))  # first: nothing ran before
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
        rows = [
            (f"baseline: walk + stat of {files} files", baseline),
            ("doc_check git mode, first run (writes index)", first),
            ("doc_check git mode, warm (index unchanged)", warm_time),
            ("doc_check git mode, index disabled", noindex_time),
            ("doc_check mtime mode, index disabled", mtime_time),
        ]
        if CACHED:
            cache = Path(tmp) / "cache"
            noindex_cold = [timed(lambda: check_docs(root, git_noindex))[0] for _ in range(args.runs)]
            check_docs(root, git_settings, cache_dir=cache)
            cached = statistics.median(
                timed(lambda: check_docs(root, git_settings, cache_dir=cache))[0]
                for _ in range(args.runs)
            )
            cached_noindex = statistics.median(
                timed(lambda: check_docs(root, git_noindex, cache_dir=cache))[0]
                for _ in range(args.runs)
            )
            edited = code[1234]
            edited.write_text(edited.read_text() + "EDITED = 1\n")
            changed = frozenset({edited.relative_to(root).as_posix()})
            changed_runs = [
                timed(lambda: check_docs(root, git_noindex, cache_dir=cache, changed_paths=changed))
                for _ in range(args.runs)
            ]
            change_time = statistics.median(t for t, _ in changed_runs)
            change_result = changed_runs[-1][1]
            rows += [
                ("doc_check git mode, index disabled (again)", statistics.median(noindex_cold)),
                ("doc_check with cache, warm (index unchanged)", cached),
                ("doc_check with cache, warm, index disabled", cached_noindex),
                ("change-triggered run, one file edited, no index", change_time),
            ]
            print(f"change-triggered run judged again: {change_result.details['incremental']}")
        report(rows, baseline)
        print_paired("doc_check git mode, index disabled (cold)", pairs)
        history_bench(Path(tmp), args)


def paired(root: Path, settings: DocsConfig, runs: int) -> list[tuple[float, float]]:
    """``runs`` pairs of (walk-and-stat seconds, check_docs seconds), each pair back to back,
    which goes first alternating: the machine's drifts hit both sides of a pair alike."""
    out = []
    for i in range(runs):
        walk = lambda: timed(lambda: walk_and_stat(root))[0]  # noqa: E731
        check = lambda: timed(lambda: check_docs(root, settings))[0]  # noqa: E731
        if i % 2 == 0:
            base = walk()
            out.append((base, check()))
        else:
            seconds = check()
            out.append((walk(), seconds))
    return out


def print_paired(label: str, pairs: list[tuple[float, float]]) -> None:
    ratios = sorted(check / walk for walk, check in pairs)
    print(
        f"{label}, paired with a walk-and-stat {len(pairs)} times: "
        f"median {statistics.median(ratios):.2f}x, best {ratios[0]:.2f}x, worst {ratios[-1]:.2f}x "
        f"(median {statistics.median(c for _, c in pairs):.3f} s)"
    )
    print()


def report(rows: list[tuple[str, float]], baseline: float) -> None:
    print()
    print(f"{'measurement':<46}{'seconds':>10}{'x baseline':>12}")
    for label, seconds in rows:
        print(f"{label:<46}{seconds:>10.3f}{seconds / baseline:>12.1f}")
    print()


def history_bench(tmp: Path, args: argparse.Namespace) -> None:
    """doc_check on a repository with ``args.commits`` commits of history."""
    if args.commits <= 0:
        return
    root = tmp / "history"
    root.mkdir()
    setup, _ = timed(lambda: fast_import_history(root, args.commits))
    print(f"generated {args.commits} commits (merges every 50) with fast-import in {setup:.1f}s")
    baseline = statistics.median(timed(lambda: walk_and_stat(root))[0] for _ in range(args.runs))
    noindex = DocsConfig.model_validate({"index": {"enabled": False}})
    cold = [timed(lambda: check_docs(root, noindex)) for _ in range(args.runs)]
    result = cold[-1][1]
    print(f"documents judged: {result.details['total_documents']}  counts: {result.details['counts']}")
    rows = [
        ("baseline: walk + stat", baseline),
        ("doc_check, 20k-commit history, no cache", statistics.median(t for t, _ in cold)),
    ]
    if CACHED:
        cache = tmp / "history-cache"
        check_docs(root, noindex, cache_dir=cache)
        rows.append(
            (
                "doc_check, 20k-commit history, cache warm",
                statistics.median(
                    timed(lambda: check_docs(root, noindex, cache_dir=cache))[0]
                    for _ in range(args.runs)
                ),
            )
        )
    report(rows, baseline)


if __name__ == "__main__":
    main()
