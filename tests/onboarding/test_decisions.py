"""Decisions and the nested settings they make."""

from autocode_core.onboarding.decisions import Plan, nested


def test_settings_leave_out_findings_without_a_value() -> None:
    plan = Plan()
    plan.decide("a.b.c", 1, "why")
    plan.decide("a.d", None, "noted only")
    assert plan.settings() == {"a": {"b": {"c": 1}}}
    assert nested({"x.y": [1], "x.z": "s"}) == {"x": {"y": [1], "z": "s"}}
