"""The ``test_check`` check: every module has a test, and the tests pass.

One run: list the project's Python files (git's view, else a walk: the
toolkit's ``project_files``), map code to expected test files
(``autocode_tests.mapping``), find the project's interpreter
(``autocode_tests.interpreter``), run the tests once under pytest when
``auto_execute`` is on (``autocode_tests.pytest_run``): the whole suite as
the project configures it (``scope = "suite"``) or only the expected test
files (``"mapped"``); then build the result (``autocode_tests.report``),
with a warning when autocode's own interpreter had to be used or the tests
imported the project's packages from outside the checkout
(``autocode_tests.imports``).

Incremental runs: when the run is triggered by a change
(``context.trigger == "change"`` with ``context.changed_paths``) and
``incremental`` is on, the test files the change affects
(``autocode_tests.affected``) run first, and their result is published with
``context.report_partial`` (``details["partial"] = True``, the message starts
with ``(partial)``). Then the full run follows (``after_partial = "full"``)
and is the run's result, the same as without the change; with
``"schedule"`` the partial result is returned (still marked partial) and
the full answer waits for the next scheduled run.
"""

from __future__ import annotations

import time
from typing import ClassVar

from autocode_core import CheckContext, CheckPlugin, CheckResult
from autocode_core.toolkit import project_files
from autocode_tests.affected import affected_tests
from autocode_tests.findings import findings_from_details
from autocode_tests.imports import foreign_imports, project_modules
from autocode_tests.interpreter import Interpreter, find_interpreter
from autocode_tests.mapping import ExpectedTest, TestPlan, map_tests
from autocode_tests.pytest_run import PytestRun, run_pytest
from autocode_tests.report import build_result
from autocode_tests.selection import select_paths
from autocode_tests.settings import TestCheckSettings

__all__ = ["TestCheckPlugin"]

#: seconds kept back from the check's timeout to report a pytest run that hangs
_MARGIN_SECONDS = 5.0


class TestCheckPlugin(CheckPlugin[TestCheckSettings]):
    """Test check: every module has a test, and the tests pass."""

    __test__ = False

    name = "test_check"
    description = "Test check: every module has a test, and the tests pass"
    interval_minutes = 5
    settings_model = TestCheckSettings
    #: file watching: Python sources and tests, test folders, and the test runner's configuration
    watch: ClassVar[list[str] | None] = [
        "*.py", "tests/", "test/", "pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "conftest.py",
    ]
    config_aliases: ClassVar[dict[str, str]] = {"tests": ""}
    env_vars: ClassVar[dict[str, str]] = {
        "AUTOCODE_TESTS_ENABLED": "enabled",
        "AUTOCODE_TESTS_AUTO_EXECUTE": "auto_execute",
    }

    def execute(self, context: CheckContext[TestCheckSettings]) -> CheckResult:
        """Map code to tests, run them if ``auto_execute``; see the module docstring."""
        started = time.monotonic()
        settings = context.settings
        root = context.project_root
        listing = project_files(context, suffixes=[".py"])
        if listing.git_problem:
            context.logger.warning("git_listing_failed", problem=listing.git_problem)
        plan = map_tests(listing.files, settings.layout)
        context.logger.debug(
            "tests_mapped",
            source=listing.source,
            code_files=plan.code_files,
            expected=len(plan.expected),
        )
        if not settings.auto_execute:
            return self._finish(plan, None, listing.source, "auto_execute is off", settings, [])
        whole = settings.scope == "suite"
        if not whole and not plan.existing:
            return self._finish(plan, None, listing.source, "no test files to run", settings, [])
        interpreter = find_interpreter(root, settings.python)
        modules = project_modules(listing.files, plan.source_roots)

        def run(files: list[str], whole_suite: bool) -> PytestRun:
            left = context.timeout_seconds - (time.monotonic() - started)
            timeout = max(1.0, left - min(_MARGIN_SECONDS, left * 0.1))
            return run_pytest(
                context,
                interpreter.path,
                files,
                paths=select_paths(files, plan.test_files),
                extra_args=settings.pytest_args,
                timeout=timeout,
                whole_suite=whole_suite,
                source_paths=plan.source_roots,
                modules=modules,
            )

        if settings.incremental and context.trigger == "change" and context.changed_paths:
            affected = affected_tests(plan, context.changed_paths)
            if affected:
                partial = self._partial(
                    context, plan, affected, run(affected, False), interpreter, listing.source
                )
                context.report_partial(partial)
                if settings.after_partial == "schedule":
                    return partial
        files = plan.test_files if whole else plan.existing
        result = run(files, whole)
        warnings = _warnings(interpreter, result, context)
        final = self._finish(plan, result, listing.source, "", settings, warnings)
        final.details["python_found"] = interpreter.where
        return final

    def _partial(
        self,
        context: CheckContext[TestCheckSettings],
        plan: TestPlan,
        affected: list[str],
        run: PytestRun,
        interpreter: Interpreter,
        listing: str,
    ) -> CheckResult:
        """The result of the affected tests alone, marked partial."""
        wanted = set(affected)
        expected: list[ExpectedTest] = [t for t in plan.expected if t.path in wanted]
        sub = TestPlan(
            source_roots=plan.source_roots,
            expected=expected,
            code_files=plan.code_files,
            code_folders=plan.code_folders,
            test_files=affected,
        )
        result = self._finish(
            sub, run, listing, "", context.settings, _warnings(interpreter, run, context)
        )
        details = {**result.details, "partial": True, "affected_tests": affected}
        return result.model_copy(
            update={"message": f"(partial) {result.message}", "details": details}
        )

    @staticmethod
    def _finish(
        plan: TestPlan,
        run: PytestRun | None,
        listing: str,
        reason: str,
        settings: TestCheckSettings,
        warnings: list[dict[str, str]],
    ) -> CheckResult:
        result = build_result(
            plan,
            run,
            not_run_reason=reason or "auto_execute is off",
            max_entries=settings.max_entries,
            warnings=warnings,
        )
        result.details["file_listing"] = listing
        result.details["scope"] = settings.scope
        return result.model_copy(update={"findings": findings_from_details(result.details)})


def _warnings(
    interpreter: Interpreter, run: PytestRun, context: CheckContext[TestCheckSettings]
) -> list[dict[str, str]]:
    """What makes the run less than trustworthy (see ``autocode_tests.report``)."""
    warnings = []
    if interpreter.fallback:
        warnings.append(
            {
                "kind": "interpreter_fallback",
                "message": "no project environment found (.venv, venv, $VIRTUAL_ENV inside the "
                "project, uv, poetry, hatch, tox): the tests ran with autocode's own interpreter "
                f"{interpreter.path}; set checks.test_check.python to choose one",
            }
        )
    if run.probe is not None:
        for name, origin in foreign_imports(run.probe.modules, context.project_root).items():
            warnings.append(
                {
                    "kind": "foreign_import",
                    "message": f"tests imported {name} from {origin}, not from this checkout",
                }
            )
    elif run.returncode in (0, 1):
        context.logger.info("pytest_probe_missing", python=run.python)
    return warnings
