"""Running the project's tests once under pytest, in a subprocess.

The command is ``<python> -m pytest`` in the project root, through the
check's ``run_process`` (own process group, memory limit, killed with the
check), with the given paths (none: the whole suite as the project
configures it, ``testpaths`` and all), and:

* ``-p autocode_tests_probe`` (``autocode_tests.pytest_probe``, from a
  temporary folder first on ``PYTHONPATH``), which records every test's
  outcome from the reports pytest hands its hooks (``autocode_tests.cases``;
  never from console text, and without the cost of writing JUnit XML), and
  what was collected, deselected, whether the session stopped early, and
  where the project's packages were imported from. The project's source
  roots (other than the project root, which ``python -m`` already puts
  first) follow it on ``PYTHONPATH``, so the checkout's code is imported
  before any installed release of it;
* ``--rootdir`` at the project root, so node ids are project-relative;
* ``-p no:cacheprovider``, so the run writes no ``.pytest_cache`` into the project;
* ``--continue-on-collection-errors``, so one module that cannot be imported
  does not hide the results of the others.

The user's own arguments (``pytest_args``) are passed on as they are: a
``--junitxml`` among them gets pytest's own report. The project's pytest
configuration (``pytest.ini``, ``pyproject.toml``, plugins, ``conftest.py``)
applies as in a plain ``python -m pytest`` run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autocode_core import CheckContext, PluginError
from autocode_tests.cases import CaseOutcome, read_cases

__all__ = ["Probe", "PytestRun", "pytest_command", "run_pytest"]

#: exit codes after which the report is meaningful: ok, tests failed, interrupted, none collected
_USABLE_EXIT_CODES = {0, 1, 2, 5}
_TAIL_CHARS = 600
_PROBE_MODULE = "autocode_tests_probe"
_PROBE_SOURCE = Path(__file__).with_name("pytest_probe.py")


@dataclass(frozen=True)
class Probe:
    """What ``autocode_tests.pytest_probe`` saw inside the run (see its docstring)."""

    collected: dict[str, int] = field(default_factory=dict)
    deselected: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None
    modules: dict[str, str] = field(default_factory=dict)
    visited: frozenset[str] | None = None


@dataclass(frozen=True)
class PytestRun:
    """The outcome of one pytest run: every case, the exit code, the interpreter.

    ``probe`` is ``None`` when the probe wrote nothing (pytest never got to
    the end of its session, or a plugin of the project got in the way).
    """

    cases: list[CaseOutcome]
    returncode: int
    python: str
    probe: Probe | None = None


def pytest_command(
    python: Path, project_root: Path, paths: Sequence[str], extra: Sequence[str] = ()
) -> list[str]:
    """The command line ``run_pytest`` uses, without the probe (for the benchmark and tests)."""
    return [
        os.fspath(python),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
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
    whole_suite: bool = False,
    source_paths: Sequence[str] = (),
    modules: Sequence[str] = (),
) -> PytestRun:
    """Run ``files`` (project-relative) under pytest with ``python``.

    ``paths`` are the command-line paths that select ``files`` (default:
    ``files`` themselves; see ``autocode_tests.selection``); with
    ``whole_suite`` no path is given and pytest runs the project's suite as
    configured. Each case belongs to the test file whose node id it has.
    ``source_paths`` (project-relative folders) go on ``PYTHONPATH``;
    ``modules`` are the top-level names whose origin the probe reports.

    :raises PluginError: pytest is not installed for ``python``, ``python``
        cannot start, pytest ran past ``timeout`` (its whole process tree is
        killed), or it failed without a usable report (the message carries
        the end of its output).
    """
    root = context.project_root
    folder = Path(tempfile.mkdtemp(prefix="autocode-tests-"))
    probe_out = folder / "probe.json"
    shutil.copyfile(_PROBE_SOURCE, folder / f"{_PROBE_MODULE}.py")
    python_path = [os.fspath(folder), *(os.fspath(root / p) for p in source_paths if p != ".")]
    if os.environ.get("PYTHONPATH"):
        python_path.append(os.environ["PYTHONPATH"])
    env = {
        **os.environ,
        "PY_COLORS": "0",
        "PYTHONPATH": os.pathsep.join(python_path),
        "AUTOCODE_TESTS_PROBE_OUT": os.fspath(probe_out),
        "AUTOCODE_TESTS_PROBE_MODULES": ",".join(modules),
    }
    selected = [] if whole_suite else list(paths or files)
    try:
        try:
            done = context.run_process(
                pytest_command(python, root, selected, ["-p", _PROBE_MODULE, *extra_args]),
                cwd=root,
                env=env,
                timeout=timeout,
                text=True,
            )
        except OSError as exc:
            raise PluginError(f"cannot start {python}: {exc}") from None
        except subprocess.TimeoutExpired:
            what = "the test suite" if whole_suite else f"{len(files)} test files"
            raise PluginError(
                f"pytest did not finish within {timeout:g}s ({what}); "
                "it was killed with all its subprocesses"
            ) from None
        data = _read_probe_file(probe_out)
        cases = read_cases(data.get("cases")) if data is not None else None
        if cases is None or done.returncode not in _USABLE_EXIT_CODES:
            _explain(context, python, env, done)
        return PytestRun(cases or [], done.returncode, os.fspath(python), _probe(data))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_probe_file(path: Path) -> dict[str, Any] | None:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _probe(data: dict[str, Any] | None) -> Probe | None:
    if data is None:
        return None

    def counts(key: str) -> dict[str, int]:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        return {str(k): int(v) for k, v in value.items() if isinstance(v, int)}

    stopped = data.get("stopped")
    found = data.get("modules")
    visited = data.get("visited")
    return Probe(
        collected=counts("collected"),
        deselected=counts("deselected"),
        stopped=str(stopped) if stopped else None,
        modules={str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {},
        visited=frozenset(str(v) for v in visited) if isinstance(visited, list) else None,
    )


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
    if done.returncode in _USABLE_EXIT_CODES:  # pytest ran, but the probe recorded nothing
        raise PluginError(
            f"pytest ran (exit code {done.returncode}) but the check's probe plugin "
            f"({_PROBE_MODULE}) recorded nothing, so the outcome is unknown: an option or a "
            "plugin of the project kept it from loading or from ending the session "
            f"(pytest_args with '-p no:{_PROBE_MODULE}'?); pytest said: "
            f"{_tail(done.stderr or done.stdout, lines=2)}"
        )
    raise PluginError(
        f"pytest failed (exit code {done.returncode}): {_tail(done.stderr or done.stdout)}"
    )


def _tail(text: str | None, lines: int = 6) -> str:
    kept = [line.rstrip() for line in (text or "").splitlines() if line.strip()]
    joined = " | ".join(kept[-lines:])
    return joined[-_TAIL_CHARS:] if joined else "no output"
