"""Results with findings of every severity, as the first-party plugins write them."""

from __future__ import annotations

import pytest

from autocode_core.models import CheckResult, Finding


@pytest.fixture
def results() -> list[CheckResult]:
    failing = [
        Finding(message=f"tests/test_calc.py::test_{i}: assert {i} == 0", severity="error",
                path="tests/test_calc.py", line=i + 1, kind="failing_test", id=f"tests/test_calc.py::test_{i}")
        for i in range(1, 7)
    ]
    missing = [
        Finding(message="pkg/io.py has no test: expected tests/test_io.py", path="pkg/io.py", kind="missing_test"),
        Finding(message="pkg/db.py has no test: expected tests/test_db.py", path="pkg/db.py", kind="missing_test"),
    ]
    changed = [Finding(message="a.py changed (12 tokens)", severity="info", path="a.py", kind="changed_file",
                       data={"tokens": 12})]
    return [
        CheckResult(check_name="test_check", status="error", message="❌ 1 test failing, 2 tests missing",
                    findings=[*missing, *failing], duration_seconds=1.5),
        CheckResult(check_name="git_check", status="warning", message="📊 1 file changed (1 modified)",
                    findings=changed, duration_seconds=0.25),
        CheckResult(check_name="doc_check", status="success", message="✅ All documentation is up to date!",
                    duration_seconds=0.1),
        CheckResult(check_name="broken_check", status="error", message="❌ plugin broken failed to load: boom",
                    details={"failure": "load_error"}, duration_seconds=0.0),
        CheckResult(check_name="odd_check", status="warning", message="⚠️ something, no findings\nsecond line"),
    ]
