"""Benchmark of ``git_check`` on a repository with 2,000 changed files.

Run: ``python bench/bench_git.py [--files 2000] [--repeat 3]``

Builds a repository in a temp folder (tracked files, then a mix of staged,
unstaged, staged+unstaged, deleted and untracked changes, a few large), and
measures, in the same run:

* baseline: the raw git commands that produce the same information
  (``git status --porcelain=v2 -z``, ``git diff --numstat`` and ``git diff``
  for staged and unstaged changes) plus reading the untracked files and raw
  tiktoken (``encode_ordinary``) over the same text;
* the whole check (``GitCheckPlugin.execute``: git, parsing, untracked diffs,
  token counting, writing ``git_changes.json``) with a cold token cache;
* the same with a warm cache (nothing changed since the previous run: no diff
  is tokenized again).

Prints the figures (median of ``--repeat`` runs) and their ratios to the baseline.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import structlog
from autocode_git import GitCheckSettings
from autocode_git.encodings import load_encoding
from autocode_git.plugin import TOKEN_CACHE_NAME, GitCheckPlugin

from autocode_core.testing import make_context, make_git_repo

LARGE_FILES = 4


def body(i: int, lines: int = 40) -> str:
    return "".join(
        f"def function_{i}_{n}(value):\n    return value * {n} + {i}  # line {n}\n"
        for n in range(lines)
    )


def build(root: Path, changed: int) -> dict[str, int]:
    repo = make_git_repo(root)
    tracked = int(changed * 0.75) + 200
    for i in range(tracked):
        repo.write(f"src/pkg{i % 40}/module_{i}.py", body(i))
    for i in range(LARGE_FILES):
        repo.write(f"data/large_{i}.txt", body(10_000 + i, 3000))
    repo.commit("base")
    quarter = changed // 4
    counts = {
        "staged": 0,
        "unstaged": 0,
        "both": 0,
        "deleted": 0,
        "untracked": 0,
        "large": LARGE_FILES,
    }
    i = 0
    for _ in range(quarter):  # staged
        repo.write(f"src/pkg{i % 40}/module_{i}.py", body(i) + "# staged edit\n")
        counts["staged"] += 1
        i += 1
    repo.git("add", "-A", "src")
    for _ in range(quarter):  # unstaged
        repo.write(f"src/pkg{i % 40}/module_{i}.py", "# unstaged edit\n" + body(i))
        counts["unstaged"] += 1
        i += 1
    for _ in range(quarter // 2):  # staged, then edited again
        path = f"src/pkg{i % 40}/module_{i}.py"
        repo.write(path, body(i) + "# staged\n")
        repo.git("add", path)
        repo.write(path, body(i) + "# staged\n# and unstaged\n")
        counts["both"] += 1
        i += 1
    for _ in range(quarter // 2):  # deleted
        os.remove(root / f"src/pkg{i % 40}/module_{i}.py")
        counts["deleted"] += 1
        i += 1
    for n in range(LARGE_FILES):
        repo.write(f"data/large_{n}.txt", body(20_000 + n, 3000))
    for n in range(changed - i - LARGE_FILES):  # untracked
        repo.write(f"new/pkg{n % 20}/new_{n}.py", body(50_000 + n, 20))
        counts["untracked"] += 1
    return counts


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def baseline(root: Path) -> tuple[int, int]:
    def git(*args: str) -> bytes:
        # the same paths as the check: its own outputs left out
        specs = ["--", ".", ":!git_changes.json", ":!.autocode"]
        return subprocess.run(
            ["git", *args, *specs], cwd=root, capture_output=True, check=True
        ).stdout

    status = git("status", "--porcelain=v2", "-z", "--untracked-files=all")
    texts = [
        git("diff", "--cached", "--numstat", "-z"),
        git("diff", "--numstat", "-z"),
        git("diff", "--cached"),
        git("diff"),
    ]
    untracked = [r[2:] for r in status.split(b"\0") if r.startswith(b"? ")]
    texts += [(root / os.fsdecode(p)).read_bytes() for p in untracked]
    encoding = load_encoding("cl100k_base")
    tokens = sum(len(encoding.encode_ordinary(t.decode("utf-8", "replace"))) for t in texts[2:])
    return len(untracked), tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    load_encoding("cl100k_base")  # loading the BPE file once is not what we measure
    tmp = Path(tempfile.mkdtemp(prefix="bench_git_"))
    try:
        root = tmp / "repo"
        t0 = time.perf_counter()
        counts = build(root, args.files)
        print(
            f"repository: {args.files} changed files {counts} built in {time.perf_counter() - t0:.1f} s"
        )
        plugin = GitCheckPlugin()
        # no diff cap, so the check tokenizes the same text as the baseline
        settings = GitCheckSettings(max_diff_bytes=10**9, tokens={"threshold": 10**9, "exclude": []})
        cache = root / ".autocode" / "checks" / "git_check" / TOKEN_CACHE_NAME

        def check():
            return plugin.execute(make_context("git_check", root, settings))

        base = [timed(lambda: baseline(root)) for _ in range(args.repeat)]
        cold = []
        for _ in range(args.repeat):
            cache.unlink(missing_ok=True)
            cold.append(timed(check))
        warm = [timed(check) for _ in range(args.repeat)]
        result = check()
        tokens = result.details["tokens"]
        _, raw_tokens = baseline(root)
        b, c, w = statistics.median(base), statistics.median(cold), statistics.median(warm)
        print(f"result: {result.message}; git processes per run: {result.details['git_commands']}")
        print(
            f"tokens: check {tokens['total']} (diffs as written), raw tiktoken {raw_tokens}; "
            f"warm run tokenized {tokens['counted_now']} diffs, {tokens['cache_hits']} from cache"
        )
        print(f"summary file: {(root / 'git_changes.json').stat().st_size / 1e6:.1f} MB")
        print(f"baseline (raw git + read untracked + raw tiktoken): {b * 1000:8.0f} ms")
        print(
            f"git_check, cold token cache:                        {c * 1000:8.0f} ms   ratio {c / b:.2f}x"
        )
        print(
            f"git_check, warm token cache (unchanged files):      {w * 1000:8.0f} ms   ratio {w / b:.2f}x"
        )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
