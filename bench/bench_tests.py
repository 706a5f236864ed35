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
   the check's probe plugin, reading its record, building the result) against a plain
   ``python -m pytest -q -p no:cacheprovider`` on the same suite with
   the same interpreter, in the same run, interleaved. Medians of ``--repeat`` runs.
   The check runs the whole suite (``scope = "suite"``, the default) with its
   probe plugin; goal: at most 5% over bare pytest.
3. Incremental (issue 15): the same kind of project with ``--inc-modules``
   modules and 3 tests each (300 modules, 900 tests by default). After a
   one-module edit, a change-triggered run reports the affected tests first
   (``context.report_partial``); times edit-to-partial-result against a full
   run of the check in the same run (goal: at most 0.2x), and the whole
   change-triggered run (partial then full) against the full run. The
   project gets its own ``.venv`` with only pytest (``pip install``, as a
   project environment would be; ``--no-project-venv`` uses autocode's own
   interpreter, whose many pytest plugins cost about 0.5 s per pytest start),
   and bare pytest on the affected test file is printed as the floor.

    python bench/bench_tests.py --modules 2000 --repeat 3   # a quicker pass
"""

from __future__ import annotations

import argparse
import os
import resource
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


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its waited-for children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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


def generate_run_project(root: Path, modules: int) -> None:
    """``modules`` modules in packages of 50, each with a test file of 3 passing tests."""
    write(root, "pytest.ini", "[pytest]\naddopts = --import-mode=importlib\n")
    for m in range(modules):
        package = f"pkg{m // 50:02}"
        write(root, f"app/{package}/__init__.py", "")
        write(root, f"app/{package}/mod{m:04}.py", f"def value():\n    return {m}\n")
        write(
            root,
            f"tests/app/{package}/test_mod{m:04}.py",
            f"from app.{package}.mod{m:04} import value\n\n"
            + "".join(f"def test_{i}():\n    assert value() == {m}\n\n" for i in range(3)),
        )


def bench_run(modules: int, repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-tests-run-"))
    try:
        repo = make_git_repo(root / "repo")
        generate_run_project(repo.path, modules)
        settings = TestCheckSettings.model_validate({"layout": {"integration_test": None}})
        repo.commit("generated")
        plugin = TestCheckPlugin()

        def check() -> None:
            context = make_context("test_check", repo.path, settings, timeout_seconds=600)
            result = plugin.execute(context)
            assert result.status == "success", result.message

        def plain() -> None:
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=repo.path,
                capture_output=True,
                check=True,
                env={**os.environ, "PY_COLORS": "0"},
            )

        plain()  # warm the page cache and bytecode
        check()
        plain_times, check_times, plain_cpu, check_cpu = [], [], [], []
        for round_ in range(repeat):  # interleaved, so load from elsewhere hits both alike
            pair = [(plain, plain_times, plain_cpu), (check, check_times, check_cpu)]
            for action, wall, cpu in pair if round_ % 2 == 0 else pair[::-1]:  # either first
                before = cpu_seconds()
                wall.append(median_seconds(action, 1))
                cpu.append(cpu_seconds() - before)
        baseline = statistics.median(plain_times)
        full = statistics.median(check_times)
        base_cpu = statistics.median(plain_cpu)
        full_cpu = statistics.median(check_cpu)
        # each check run against the plain run just before it: drifts of the machine's
        # speed over the benchmark cancel out
        wall_ratio = statistics.median(c / p for c, p in zip(check_times, plain_times, strict=True))
        cpu_ratio = statistics.median(c / p for c, p in zip(check_cpu, plain_cpu, strict=True))
        print(f"== run: {modules} test files, {modules * 3} tests, median of {repeat}")
        print(
            f"baseline  python -m pytest -q      {baseline * 1000:8.1f} ms wall {base_cpu * 1000:8.1f} ms CPU"
        )
        print(
            f"check     test_check (auto_execute){full * 1000:8.1f} ms wall {full_cpu * 1000:8.1f} ms CPU"
        )
        print(
            f"overhead  wall x{full / baseline:.3f} ({(full / baseline - 1) * 100:+.1f}%), "
            f"CPU x{full_cpu / base_cpu:.3f} ({(full_cpu / base_cpu - 1) * 100:+.1f}%) of the medians"
        )
        print(
            f"paired    wall x{wall_ratio:.3f} ({(wall_ratio - 1) * 100:+.1f}%), "
            f"CPU x{cpu_ratio:.3f} ({(cpu_ratio - 1) * 100:+.1f}%): median of each check run over "
            "the plain run next to it; goal <= +5% (CPU time, this process and its children, "
            "is the steadier measure on a loaded machine)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def make_project_venv(root: Path) -> Path | None:
    """``root/.venv`` with only pytest (this run's version) installed, or ``None`` if pip fails."""
    import pytest

    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", os.fspath(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [os.fspath(python), "-m", "pip", "install", "-q", f"pytest=={pytest.__version__}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"(no project venv: pip failed: {done.stderr.strip()[-200:]})")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return python


def bench_incremental(modules: int, repeat: int, project_venv: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-tests-inc-"))
    try:
        repo = make_git_repo(root / "repo")
        generate_run_project(repo.path, modules)
        write(repo.path, ".gitignore", ".venv/\n")
        repo.commit("generated")
        python = (make_project_venv(repo.path) if project_venv else None) or Path(sys.executable)
        settings = TestCheckSettings.model_validate({"layout": {"integration_test": None}})
        plugin = TestCheckPlugin()
        edited = "app/pkg03/mod0170.py"
        edited_test = "tests/app/pkg03/test_mod0170.py"

        def full() -> None:
            context = make_context("test_check", repo.path, settings, timeout_seconds=600)
            assert plugin.execute(context).status == "success"

        def change() -> tuple[float, float]:
            """(seconds to the partial result, seconds to the final one) after an edit."""
            (repo.path / edited).write_text("def value():\n    return 170\n")
            partial_at: list[float] = []
            context = make_context("test_check", repo.path, settings, timeout_seconds=600)
            context = context.model_copy(
                update={
                    "trigger": "change",
                    "changed_paths": frozenset({edited}),
                    "partial_reporter": lambda result: partial_at.append(time.perf_counter()),
                }
            )
            started = time.perf_counter()
            result = plugin.execute(context)
            done = time.perf_counter()
            assert result.status == "success" and len(partial_at) == 1, result.message
            return partial_at[0] - started, done - started

        def bare() -> None:
            subprocess.run(
                [os.fspath(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", edited_test],
                cwd=repo.path,
                capture_output=True,
                check=True,
            )

        full()  # warm the page cache and bytecode
        change()
        bare()
        full_times, partial_times, whole_times, bare_times = [], [], [], []
        for _ in range(repeat):  # interleaved
            full_times.append(median_seconds(full, 1))
            first, whole = change()
            partial_times.append(first)
            whole_times.append(whole)
            bare_times.append(median_seconds(bare, 1))
        baseline = statistics.median(full_times)
        first = statistics.median(partial_times)
        whole = statistics.median(whole_times)
        floor = statistics.median(bare_times)
        print(
            f"== incremental: {modules} modules, {modules * 3} tests, one module edited, "
            f"median of {repeat}; interpreter {python}"
        )
        print(f"baseline  full run of test_check    {baseline * 1000:8.1f} ms")
        print(
            f"partial   edit -> affected result   {first * 1000:8.1f} ms   x{first / baseline:.2f} baseline "
            "(goal <= x0.20)"
        )
        print(
            f"whole     partial, then full run    {whole * 1000:8.1f} ms   x{whole / baseline:.2f} baseline"
        )
        print(
            f"floor     bare pytest, that file    {floor * 1000:8.1f} ms   x{floor / baseline:.2f} baseline"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=10_000)
    parser.add_argument("--run-modules", type=int, default=300)
    parser.add_argument("--inc-modules", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-project-venv", action="store_true")
    parser.add_argument(
        "--only", choices=["mapping", "run", "incremental"], help="run one part only"
    )
    args = parser.parse_args()
    configure_logging("json", "warning")
    if args.only in (None, "mapping"):
        bench_mapping(args.modules, args.repeat)
    if args.only in (None, "run"):
        bench_run(args.run_modules, args.repeat)
    if args.only in (None, "incremental"):
        bench_incremental(args.inc_modules, args.repeat, not args.no_project_venv)


if __name__ == "__main__":
    main()
