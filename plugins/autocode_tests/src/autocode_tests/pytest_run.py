"""Running the mapped test files once under pytest, in a subprocess.

The command is ``<python> -m pytest`` in the project root, through the
check's ``run_process`` (own process group, memory limit, killed with the
check), with:

* ``--junitxml`` into a temporary folder and ``-o junit_family=xunit1``: the
  outcome is read from that report (``autocode_tests.junit``), never from
  console text;
* ``--rootdir`` at the project root, so report paths are project-relative;
* ``-p no:cacheprovider``, so the run writes no ``.pytest_cache`` into the project;
* ``--continue-on-collection-errors``, so one module that cannot be imported
  does not hide the results of the others.

The project's own pytest configuration (``pytest.ini``, ``pyproject.toml``,
plugins, ``conftest.py``) applies as in a plain ``python -m pytest`` run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from autocode_core import CheckContext, PluginError
from autocode_tests.junit import CaseOutcome, read_junit

__all__ = ["PytestRun", "pytest_command", "run_pytest"]

#: exit codes after which the report is meaningful: ok, tests failed, interrupted, none collected
_USABLE_EXIT_CODES = {0, 1, 2, 5}
_TAIL_CHARS = 600


@dataclass(frozen=True)
class PytestRun:
    """The outcome of one pytest run: every case, the exit code, the interpreter."""

    cases: list[CaseOutcome]
    returncode: int
    python: str


def pytest_command(
    python: Path, project_root: Path, report: Path, paths: Sequence[str], extra: Sequence[str] = ()
) -> list[str]:
    """The command line ``run_pytest`` uses (exposed for the benchmark and tests)."""
    return [
        os.fspath(python),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={report}",
        "-o",
        "junit_family=xunit1",
        f"--rootdir={project_root}",
        "--continue-on-collection-errors",
        *extra,
        *paths,
    ]


def run_pytest(
    context: CheckContext,
    python: Path,
    files: Sequence[str],
    *,
    paths: Sequence[str] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float | None = None,
) -> PytestRun:
    """Run ``files`` (project-relative) under pytest with ``python``.

    ``paths`` are the command-line paths that select ``files`` (default:
    ``files`` themselves; see ``autocode_tests.selection``); cases are mapped
    to ``files``.

    :raises PluginError: pytest is not installed for ``python``, ``python``
        cannot start, pytest ran past ``timeout`` (its whole process tree is
        killed), or it failed without a usable report (the message carries
        the end of its output).
    """
    root = context.project_root
    folder = Path(tempfile.mkdtemp(prefix="autocode-tests-"))
    report = folder / "junit.xml"
    env = {**os.environ, "PY_COLORS": "0"}
    try:
        try:
            done = context.run_process(
                pytest_command(python, root, report, paths or files, extra_args),
                cwd=root,
                env=env,
                timeout=timeout,
                text=True,
            )
        except OSError as exc:
            raise PluginError(f"cannot start {python}: {exc}") from None
        except subprocess.TimeoutExpired:
            raise PluginError(
                f"pytest did not finish within {timeout:g}s ({len(files)} test files); "
                "it was killed with all its subprocesses"
            ) from None
        cases = _read(report, files)
        if cases is None or done.returncode not in _USABLE_EXIT_CODES:
            _explain(context, python, env, done)
        return PytestRun(cases or [], done.returncode, os.fspath(python))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read(report: Path, files: Sequence[str]) -> list[CaseOutcome] | None:
    try:
        return read_junit(report, files)
    except (OSError, ElementTree.ParseError):
        return None


def _explain(
    context: CheckContext, python: Path, env: dict[str, str], done: subprocess.CompletedProcess[str]
) -> None:
    """Raise the reason pytest produced no usable report (or failed on its own)."""
    probe = context.run_process([os.fspath(python), "-c", "import pytest"], env=env, text=True)
    if probe.returncode != 0:
        cause = _tail(probe.stderr, lines=1)
        raise PluginError(
            f"pytest is not installed for {python} ({cause}); install it in that environment "
            "or set the 'python' setting"
        )
    raise PluginError(
        f"pytest failed (exit code {done.returncode}): {_tail(done.stderr or done.stdout)}"
    )


def _tail(text: str | None, lines: int = 6) -> str:
    kept = [line.rstrip() for line in (text or "").splitlines() if line.strip()]
    joined = " | ".join(kept[-lines:])
    return joined[-_TAIL_CHARS:] if joined else "no output"
