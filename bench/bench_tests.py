"""Benchmark of ``test_check`` (autocode-tests) on generated projects.

    python bench/bench_tests.py [--modules 10000] [--run-modules 300] [--repeat 5]

1. Mapping: a git repository of ``--modules`` code modules in 100 packages
   (plus one test per module for 90% of them and one integration test per
   package; 10% of the modules are untested, 1% of the tests orphaned, and
   about 20,000 files in all). Times the file listing (``git ls-files``) and
   the mapping (``map_tests``) and the whole check without running tests,
   against the bare ``git ls-files`` subprocess as the baseline measured in
   the same run; also the no-git walk.
2. Run overhead: a project of ``--run-modules`` modules each with a test file
   of 3 passing tests. Times the whole check (listing, mapping, pytest with
   JUnit XML, reading the report, building the result) against a plain
   ``python -m pytest -q -p no:cacheprovider tests`` on the same suite with
   the same interpreter, in the same run, interleaved. Medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from autocode_tests import TestCheckSettings
from autocode_tests.mapping import map_tests
from autocode_tests.plugin import TestCheckPlugin

from autocode_core.cli.logs import configure_logging
from autocode_core.testing import make_context, make_git_repo
from autocode_core.toolkit import project_files


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write(root: Path, relpath: str, text: str) -> None:
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def generate_mapping_project(root: Path, modules: int) -> None:
    packages = 100
    per_package = max(1, modules // packages)
    for p in range(packages):
        write(root, f"app/pkg{p:03}/__init__.py", "")
        write(
            root, f"tests/app/pkg{p:03}/test_pkg{p:03}_integration.py", "def test_it():\n    pass\n"
        )
        for m in range(per_package):
            write(root, f"app/pkg{p:03}/mod{m:04}.py", "X = 1\n")
            n = p * per_package + m
            if n % 10 != 0:  # 10% untested
                write(root, f"tests/app/pkg{p:03}/test_mod{m:04}.py", "def test_x():\n    pass\n")
            if n % 100 == 1:  # 1% orphaned tests
                write(root, f"tests/app/pkg{p:03}/test_gone{m:04}.py", "def test_x():\n    pass\n")


def bench_mapping(modules: int, repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-tests-map-"))
    try:
        repo = make_git_repo(root / "repo")
        generate_mapping_project(repo.path, modules)
        repo.commit("generated")
        context = make_context("test_check", repo.path)
        files = project_files(context, suffixes=[".py"]).files
        layout = TestCheckSettings().layout
        plan = map_tests(files, layout)
        missing = sum(not t.exists for t in plan.expected)

        git = median_seconds(
            lambda: subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=repo.path,
                capture_output=True,
                check=True,
            ),
            repeat,
        )
        listing = median_seconds(lambda: project_files(context, suffixes=[".py"]), repeat)
        mapping = median_seconds(lambda: map_tests(files, layout), repeat)
        off = TestCheckSettings(auto_execute=False)
        plugin = TestCheckPlugin()
        whole = median_seconds(
            lambda: plugin.execute(make_context("test_check", repo.path, off)), repeat
        )
        shutil.rmtree(repo.path / ".git")
        walk = median_seconds(lambda: project_files(context, suffixes=[".py"]), repeat)

        print(
            f"== mapping: {plan.code_files} modules, {len(files)} .py files, "
            f"{len(plan.expected)} expected tests ({missing} missing), {len(plan.orphans)} orphans"
        )
        print(f"baseline  bare git ls-files        {git * 1000:8.1f} ms")
        print(
            f"listing   project_files (git)      {listing * 1000:8.1f} ms   x{listing / git:.2f} baseline"
        )
        print(
            f"mapping   map_tests                {mapping * 1000:8.1f} ms   x{mapping / git:.2f} baseline"
        )
        print(
            f"total     listing + mapping        {(listing + mapping) * 1000:8.1f} ms   "
            f"x{(listing + mapping) / git:.2f} baseline; "
            f"{(listing + mapping) / plan.code_files * 1e6:.1f} us per module"
        )
        print(
            f"check     whole check, no test run {whole * 1000:8.1f} ms   x{whole / git:.2f} baseline"
        )
        print(
            f"no git    project_files (walk)     {walk * 1000:8.1f} ms   x{walk / git:.2f} baseline"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_run(modules: int, repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-tests-run-"))
    try:
        repo = make_git_repo(root / "repo")
        write(repo.path, "pytest.ini", "[pytest]\naddopts = --import-mode=importlib\n")
        for m in range(modules):
            package = f"pkg{m // 50:02}"
            write(repo.path, f"app/{package}/__init__.py", "")
            write(repo.path, f"app/{package}/mod{m:04}.py", f"def value():\n    return {m}\n")
            write(
                repo.path,
                f"tests/app/{package}/test_mod{m:04}.py",
                f"from app.{package}.mod{m:04} import value\n\n"
                + "".join(f"def test_{i}():\n    assert value() == {m}\n\n" for i in range(3)),
            )
        settings = TestCheckSettings.model_validate({"layout": {"integration_test": None}})
        repo.commit("generated")
        plugin = TestCheckPlugin()

        def check() -> None:
            context = make_context("test_check", repo.path, settings, timeout_seconds=600)
            result = plugin.execute(context)
            assert result.status == "success", result.message

        def plain() -> None:
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                cwd=repo.path,
                capture_output=True,
                check=True,
                env={**os.environ, "PY_COLORS": "0"},
            )

        plain()  # warm the page cache and bytecode
        check()
        plain_times, check_times = [], []
        for _ in range(repeat):  # interleaved, so load from elsewhere hits both alike
            plain_times.append(median_seconds(plain, 1))
            check_times.append(median_seconds(check, 1))
        baseline = statistics.median(plain_times)
        full = statistics.median(check_times)
        print(f"== run: {modules} test files, {modules * 3} tests, median of {repeat}")
        print(f"baseline  python -m pytest -q      {baseline * 1000:8.1f} ms")
        print(
            f"check     test_check (auto_execute){full * 1000:8.1f} ms   x{full / baseline:.2f} baseline; "
            f"overhead {(full - baseline) * 1000:+.1f} ms"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=10_000)
    parser.add_argument("--run-modules", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    configure_logging("json", "warning")
    bench_mapping(args.modules, args.repeat)
    bench_run(args.run_modules, args.repeat)


if __name__ == "__main__":
    main()
