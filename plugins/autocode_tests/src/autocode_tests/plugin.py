"""The ``test_check`` check: every module has a test, and the tests pass.

One run: list the project's Python files (git's view, else a walk: the
toolkit's ``project_files``), map code to expected test files
(``autocode_tests.mapping``), run the existing ones once under pytest with the
project's interpreter when ``auto_execute`` is on
(``autocode_tests.pytest_run``), and build the result
(``autocode_tests.report``).
"""

from __future__ import annotations

import time
from typing import ClassVar

from autocode_core import CheckContext, CheckPlugin, CheckResult
from autocode_core.toolkit import project_files
from autocode_tests.findings import findings_from_details
from autocode_tests.interpreter import find_python
from autocode_tests.mapping import map_tests
from autocode_tests.pytest_run import run_pytest
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
        run = None
        reason = "auto_execute is off"
        if settings.auto_execute:
            files = plan.existing
            if files:
                python = find_python(root, settings.python)
                left = context.timeout_seconds - (time.monotonic() - started)
                timeout = max(1.0, left - min(_MARGIN_SECONDS, left * 0.1))
                run = run_pytest(
                    context,
                    python,
                    files,
                    paths=select_paths(files, plan.test_files),
                    extra_args=settings.pytest_args,
                    timeout=timeout,
                )
            else:
                reason = "no test files to run"
        result = build_result(plan, run, not_run_reason=reason, max_entries=settings.max_entries)
        result.details["file_listing"] = listing.source
        result = result.model_copy(update={"findings": findings_from_details(result.details)})
        return result
