"""Every number of the core has documented bounds, enforced by the models."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from autocode_core import ApiConfig, CheckConfig, DaemonConfig, HistoryConfig, NotificationConfig
from autocode_core.config.models import NumericBound, WatchConfig, numeric_bounds

README = Path(__file__).resolve().parents[2] / "README.md"
MODELS = {
    "daemon": DaemonConfig,
    "daemon.<check>": CheckConfig,
    "daemon.watch": WatchConfig,
    "api": ApiConfig,
    "notifications": NotificationConfig,
    "history": HistoryConfig,
}


def test_every_numeric_setting_of_the_core_is_bounded() -> None:
    bounds = numeric_bounds()
    expected = set()
    for prefix, model in MODELS.items():
        for name, field in model.model_fields.items():
            text = str(field.annotation)
            if re.search(r"\b(int|float)\b", text) and "dict" not in text:
                expected.add(f"{prefix}.{name}")
    assert set(bounds) == expected
    for key, bound in bounds.items():
        assert math.isfinite(bound.low) and math.isfinite(bound.high) and bound.low < bound.high, key
        assert bound.description, key


def test_the_readme_documents_the_same_bounds() -> None:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z_.<>]+)` \| ([0-9.,e+-]+) \| ([0-9.,e+-]+) \|", line)
        if match:
            rows[match[1]] = (float(match[2].replace(",", "")), float(match[3].replace(",", "")))
    bounds = numeric_bounds()
    assert set(rows) == set(bounds)
    for key, (low, high) in rows.items():
        assert (low, high) == (pytest.approx(bounds[key].low, rel=1e-5), bounds[key].high), key


def _model_and_field(key: str) -> tuple[type, str]:
    prefix, _, name = key.rpartition(".")
    return MODELS[prefix], name


def _value(bound: NumericBound, value: float) -> float:
    return int(value) if bound.integer else value


@pytest.mark.parametrize("key", sorted(numeric_bounds()))
def test_bounds_are_enforced_and_inclusive(key: str) -> None:
    bound = numeric_bounds()[key]
    model, name = _model_and_field(key)
    extra = {"name": "c"} if model is CheckConfig else {}
    model(**extra, **{name: _value(bound, bound.low)})
    model(**extra, **{name: _value(bound, bound.high)})
    step = 1 if bound.integer else max(abs(bound.low), abs(bound.high)) * 1e-6
    for bad in (bound.low - step, bound.high + step, 1e308, -1e308):
        with pytest.raises(ValidationError, match=name):
            model(**extra, **{name: _value(bound, bad)})
    if not bound.integer:
        for bad in (math.inf, math.nan):
            with pytest.raises(ValidationError, match="finite number"):
                model(**extra, **{name: bad})


def test_the_interval_is_one_second_to_one_year() -> None:
    assert numeric_bounds()["daemon.<check>.interval_minutes"] == NumericBound(
        1 / 60, 525_600, "1 second to 1 year", integer=False
    )
    assert CheckConfig(interval_minutes=1 / 60).interval_minutes * 60 == pytest.approx(1.0)
