"""Which test files a change affects (for incremental runs, issue 15).

``affected_tests(plan, changed)`` returns the existing test files to run
first after the project-relative paths in ``changed`` changed:

* a changed test file that still exists (expected or not, ``conftest.py``
  aside: it changes how other tests run, not a test of its own);
* the unit test expected for a changed module, and the integration test of
  the folder it lives in;
* for a changed ``conftest.py``, the existing test files in its folder and
  below.

The list is sorted and may be empty (a change to a README): the partial run
is then skipped. It only says what to run *first*: the full run that follows
gives the answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from autocode_tests.mapping import TestPlan

__all__ = ["affected_tests"]


def affected_tests(plan: TestPlan, changed: Iterable[str]) -> list[str]:
    """The existing test files to run first for ``changed`` (see the module docstring)."""
    changed_set = set(changed)
    tests = set(plan.test_files)
    chosen: set[str] = set()
    for path in changed_set & tests:
        name = path.rsplit("/", 1)[-1]
        if name == "conftest.py":
            folder = path[: -len(name)]
            chosen.update(t for t in tests if t.startswith(folder) and t != path)
        else:
            chosen.add(path)
    folders = {path.rsplit("/", 1)[0] + "/" for path in changed_set if "/" in path}
    for test in plan.expected:
        if not test.exists:
            continue
        if any(code in changed_set or code in folders for code in test.code):
            chosen.add(test.path)
    return sorted(p for p in chosen if p.rsplit("/", 1)[-1] != "conftest.py")
