"""``test_check``'s result as ``Finding`` objects, the shape every autocode view shows.

``findings_from_details(details)`` reads the ``details`` that
``autocode_tests.report.build_result`` writes (``attention``: one entry per
test file that needs attention) and returns, most urgent first:

* ``untrusted_run`` (warning), first: the tests imported the project's code
  from outside the checkout (``details["warnings"]`` of kind ``foreign_import``);
* ``failing_test`` (error): one per failing or erroring test case, ``id`` the
  pytest node id, ``path`` its test file, ``line`` where it failed when
  pytest knows it, ``message`` the first line of the failure (test files
  that no code maps to are included: the whole suite runs by default);
* ``collection_error`` (error): a test file pytest could not import;
* ``missing_test`` (warning): ``path`` the module (or folder) with no test,
  ``data["test"]`` the test file expected for it;
* ``empty_test_file`` (warning): a test file with no test case;
* ``orphaned_test`` (warning): a test file whose code is gone;
* ``tests_not_run`` (info): a test file whose collected tests did not run,
  ``data["reason"]`` why (stopped early after a failure, deselected, outside
  the project's ``testpaths``, every test skipped by a marker);
* ``interpreter_fallback`` (warning): no project environment was found and
  autocode's own interpreter ran the tests;
* ``not_listed`` (info), last, when ``details`` kept only ``max_entries`` test
  files: ``data["count"]`` more need attention (autocode's views add it to
  their counts as "not listed").

Only ``details`` is read, so the mapping works on stored results as well.
"""

from __future__ import annotations

from typing import Any

from autocode_core import Finding

__all__ = ["findings_from_details"]


def findings_from_details(details: dict[str, Any]) -> list[Finding]:
    """The findings of one ``test_check`` result (see the module docstring)."""
    found: list[Finding] = []
    warnings = [w for w in details.get("warnings") or [] if isinstance(w, dict)]
    for warning in warnings:
        if warning.get("kind") == "foreign_import":
            found.append(Finding(message=str(warning.get("message")), kind="untrusted_run"))
    for entry in details.get("attention") or []:
        test, status = entry.get("test"), entry.get("status")
        code = [c for c in entry.get("code") or [] if isinstance(c, str)]
        failures = entry.get("failures") or []
        if status == "failing" and failures:
            for failure in failures:
                node = failure.get("id") or test
                found.append(
                    Finding(
                        message=f"{node}: {failure.get('reason') or 'failed'}",
                        severity="error",
                        path=test,
                        kind="failing_test",
                        id=node,
                        line=failure.get("line") if isinstance(failure.get("line"), int) else None,
                    )
                )
        elif status in ("failing", "collection_error"):
            reason = failures[0].get("reason") if failures else ""
            what = "cannot be collected" if status == "collection_error" else "fails"
            found.append(
                Finding(
                    message=f"{test} {what}" + (f": {reason}" if reason else ""),
                    severity="error",
                    path=test,
                    kind="collection_error" if status == "collection_error" else "failing_test",
                    id=test,
                )
            )
        elif status == "missing":
            found.append(
                Finding(
                    message=f"{code[0] if code else test} has no test: expected {test}",
                    path=code[0] if code else None,
                    kind="missing_test",
                    data={"test": test, "code": code},
                )
            )
        elif status == "empty":
            found.append(
                Finding(message=f"{test} has no test cases", path=test, kind="empty_test_file")
            )
        elif status == "orphaned":
            gone = code[0] if code else "its code"
            found.append(
                Finding(
                    message=f"{test} tests {gone}, which does not exist",
                    path=test,
                    kind="orphaned_test",
                    data={"code": code},
                )
            )
        elif status in ("not_run", "skipped"):
            reason = str(entry.get("reason") or "not run")
            found.append(
                Finding(
                    message=f"{test}: tests not run ({reason})",
                    severity="info",
                    path=test,
                    kind="tests_not_run",
                    data={"reason": reason},
                )
            )
    for warning in warnings:
        if warning.get("kind") == "interpreter_fallback":
            found.append(Finding(message=str(warning.get("message")), kind="interpreter_fallback"))
    hidden = details.get("attention_truncated")
    if isinstance(hidden, int) and hidden > 0:
        found.append(
            Finding(
                message=f"{hidden} more test files need attention, not listed "
                "(raise checks.test_check.max_entries to list them)",
                severity="info",
                kind="not_listed",
                data={"count": hidden},
            )
        )
    return found
