"""``autocode check --format junit``: JUnit XML that CI test reporters read.

One ``testsuite`` (``autocode``) with one ``testcase`` per check:

* a check that could not run (crashed, timed out, failed to load) has one
  ``error`` element (``type`` the failure kind);
* otherwise, a check whose status is not ``success`` has one ``failure`` per
  error or warning finding (``type`` the finding's kind, ``message`` its text,
  the element text ``path:line`` and the whole message), most severe first;
  when it has no such finding, one ``failure`` carrying the check's message;
* notes (``info`` findings) go to the testcase's ``system-out``.

Readers that take only the first ``failure`` of a case (GitLab, some Jenkins
views) show the most urgent one. The document follows the Jenkins/Surefire
``junit-10.xsd`` schema (the test suite validates it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from autocode_core.formats.findings import ordered
from autocode_core.formats.text import finding_line
from autocode_core.models import CheckResult
from autocode_core.run.outcome import could_not_run

__all__ = ["results_junit"]

_MAX_ATTRIBUTE = 1000


def _seconds(value: float | None) -> str:
    return f"{max(0.0, value or 0.0):.3f}"


def _attribute(text: str) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= _MAX_ATTRIBUTE else line[: _MAX_ATTRIBUTE - 1] + "…"


def _testcase(suite: Element, result: CheckResult) -> tuple[int, int]:
    case = SubElement(
        suite, "testcase", classname="autocode", name=result.check_name,
        time=_seconds(result.duration_seconds),
    )
    findings = ordered(result.findings)
    if could_not_run(result):
        error = SubElement(
            case, "error", type=str(result.details.get("failure")), message=_attribute(result.message)
        )
        error.text = result.message
        return 0, 1
    failures = 0
    if result.status != "success":
        for finding in (f for f in findings if f.severity in ("error", "warning")):
            failure = SubElement(
                case, "failure", type=finding.kind or finding.severity,
                message=_attribute(finding.message),
            )
            where = finding.path or ""
            if where and finding.line is not None:
                where += f":{finding.line}"
            failure.text = f"{where}\n{finding.message}" if where else finding.message
            failures += 1
        if not failures:
            failure = SubElement(case, "failure", type=result.status, message=_attribute(result.message))
            failure.text = result.message
            failures = 1
    notes = [finding_line(f) for f in findings if f.severity == "info"]
    if notes:
        SubElement(case, "system-out").text = "\n".join(notes)
    return failures, 0


def results_junit(results: Sequence[CheckResult], *, now: datetime | None = None) -> str:
    """The JUnit XML document (UTF-8 text with its declaration) for ``results``."""
    suites = Element("testsuites", name="autocode")
    suite = SubElement(
        suites, "testsuite", name="autocode", tests=str(len(results)),
        timestamp=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )
    failing_cases = erroring_cases = 0
    for result in results:
        failures, errors = _testcase(suite, result)
        failing_cases += bool(failures)
        erroring_cases += bool(errors)
    duration = _seconds(sum(r.duration_seconds or 0.0 for r in results))
    suite.set("failures", str(failing_cases))
    suite.set("errors", str(erroring_cases))
    suite.set("skipped", "0")
    suite.set("time", duration)
    suites.set("tests", str(len(results)))
    suites.set("failures", str(failing_cases))
    suites.set("errors", str(erroring_cases))
    suites.set("time", duration)
    indent(suites)
    body = tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
