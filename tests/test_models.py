"""Results and check descriptions."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from autocode_core import CheckConfig, CheckResult


def test_result_statuses_and_strictness() -> None:
    with pytest.raises(ValidationError):
        CheckResult(status="ok", message="m")
    with pytest.raises(ValidationError):
        CheckResult(status="success", message="m", extra_field=1)
    result = CheckResult(status="success", message="m", timestamp=datetime(2026, 1, 1, 12))
    assert result.timestamp.tzinfo is not None and result.check_name == "" and result.details == {}


def test_check_config_names_and_intervals() -> None:
    with pytest.raises(ValidationError):
        CheckConfig(name="has space")
    with pytest.raises(ValidationError):
        CheckConfig(interval_minutes=0)
    assert "settings_model" not in CheckConfig(name="ok").model_dump()
