"""The settings of ``test_check`` (``checks.test_check``, or the historical ``tests`` section).

``TestCheckSettings`` is the check's ``settings_model``: ``enabled`` (``False``
disables the check), ``auto_execute`` (run pytest, or only map code to tests),
the interpreter to run pytest with, and ``layout`` (``LayoutSettings``), where
tests are expected. Every field has a default that fits the usual layout
(``<dir>/<name>.py`` is tested by ``tests/<dir>/test_<name>.py``, each code
folder ``<dir>/`` by ``tests/<dir>/test_<folder>_integration.py``).

Both are ``CheckSettings``: unknown keys are reported by the core as warnings
naming the file and the key, never fatal. ``TestConfig`` and ``LayoutConfig``
are the former names, kept as aliases. The check writes nothing into the
project (the probe's record of the run goes to a temporary folder), so it declares
no outputs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from autocode_core import CheckSettings
from autocode_tests.templates import TemplateError, TestPathTemplate

__all__ = ["DEFAULT_EXEMPT", "LayoutConfig", "LayoutSettings", "TestCheckSettings", "TestConfig"]

#: files that need no test, and test files tied to no module (gitignore-style patterns)
DEFAULT_EXEMPT = ["conftest.py", "setup.py", "noxfile.py", "docs/", "__main__.py"]


class LayoutSettings(CheckSettings):
    """Where code lives and where its tests are expected.

    * ``source_roots``: folders holding the code, relative to the project root;
      ``{dir}`` in templates is relative to them. ``None`` (default) picks
      ``["src"]`` when the project has a ``src/`` folder with Python code,
      else ``["."]`` (the whole project except its tests).
    * ``unit_test``: template of the test path of one module (must use ``{name}``).
    * ``integration_test``: template of the test path of one code folder
      (must use ``{dir}`` or ``{folder}``); ``None`` or ``""`` expects none.
    * ``exempt``: gitignore-style patterns (relative to the project root) of
      code files that need no test and of test files tied to no module, such as
      shared helpers or end-to-end suites. Replaces the default list.

    Templates are described in ``autocode_tests.templates``.
    """

    source_roots: list[str] | None = None
    unit_test: str = "tests/{dir}/test_{name}.py"
    integration_test: str | None = "tests/{dir}/test_{folder}_integration.py"
    exempt: list[str] = Field(default_factory=lambda: list(DEFAULT_EXEMPT))

    @field_validator("unit_test")
    @classmethod
    def _unit(cls, value: str) -> str:
        _compile(value)
        if "{name}" not in value:
            raise ValueError(f"{value!r} must use {{name}}, e.g. 'tests/{{dir}}/test_{{name}}.py'")
        return value

    @field_validator("integration_test")
    @classmethod
    def _integration(cls, value: str | None) -> str | None:
        if not value:  # "" turns them off from TOML, which has no null
            return None
        _compile(value)
        if "{name}" in value:
            raise ValueError(f"{value!r}: {{name}} has no meaning for a folder; use {{folder}}")
        if "{dir}" not in value and "{folder}" not in value:
            raise ValueError(
                f"{value!r} must use {{dir}} or {{folder}}, or every folder shares one test"
            )
        return value

    @field_validator("source_roots")
    @classmethod
    def _roots(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = []
        for root in value:
            root = root.strip().strip("/") or "."
            if root.startswith("../") or root == ".." or "\\" in root:
                raise ValueError(f"source root {root!r} must be a folder inside the project")
            cleaned.append(root)
        if not cleaned:
            raise ValueError("needs at least one folder (use '.' for the whole project)")
        return cleaned


def _compile(text: str) -> TestPathTemplate:
    try:
        return TestPathTemplate(text)
    except TemplateError as exc:
        raise ValueError(str(exc)) from None


class TestCheckSettings(CheckSettings):
    """Settings of ``test_check``.

    * ``enabled``: ``False`` disables the check (the core reads this field).
    * ``auto_execute``: run the mapped tests with pytest; when ``False`` the
      statuses come from the mapping alone and the result says so.
    * ``python``: the interpreter that runs pytest: a path (relative to the
      project root) or a command on ``PATH``. ``None`` (default): the
      project's environment as ``autocode_tests.interpreter`` finds it, else
      the interpreter running autocode (the result warns).
    * ``scope``: ``"suite"`` (default) runs the project's whole test suite as
      it configures it (``testpaths``, ``addopts``) and reports failures in
      any file; ``"mapped"`` runs only the expected test files.
    * ``incremental``: on a change-triggered run (``trigger == "change"``
      with ``changed_paths``), first run the tests of the changed modules and
      test files and report them as a partial result.
    * ``after_partial``: then ``"full"`` (default) completes the run
      ``scope`` asks for, in the same run; ``"schedule"`` returns the partial
      result and leaves the full run to the schedule.
    * ``pytest_args``: extra arguments for pytest (e.g. ``["-x"]``), passed
      on as they are (a ``--junitxml`` among them gets pytest's own report).
    * ``max_entries``: cap on the test files listed in ``details["attention"]``
      (1 to 10,000).
    * ``layout``: see ``LayoutSettings``.
    """

    __test__ = False  # a pytest collector must not mistake it for a test class

    enabled: bool = True
    auto_execute: bool = True
    python: str | None = None
    scope: Literal["suite", "mapped"] = "suite"
    incremental: bool = True
    after_partial: Literal["full", "schedule"] = "full"
    pytest_args: list[str] = Field(default_factory=list)
    max_entries: int = Field(default=50, ge=1, le=10_000)
    layout: LayoutSettings = Field(default_factory=LayoutSettings)


#: former names, kept for existing configuration code
TestConfig = TestCheckSettings
LayoutConfig = LayoutSettings
