"""``Decision``: one setting ``autocode init`` chose, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Decision", "Plan", "nested"]


@dataclass(frozen=True)
class Decision:
    """``key`` (dotted, as in the configuration: ``checks.test_check.layout.unit_test``) = ``value``.

    ``value`` ``None`` records a finding without a setting (the default is right).
    """

    key: str
    value: Any
    why: str


@dataclass
class Plan:
    """Everything ``autocode init`` decided, and notes for the person running it."""

    decisions: list[Decision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    gitignore: list[str] = field(default_factory=list)

    def decide(self, key: str, value: Any, why: str) -> None:
        """Record a decision."""
        self.decisions.append(Decision(key, value, why))

    def settings(self) -> dict[str, Any]:
        """The decided settings as nested tables (decisions without a value left out)."""
        return nested({d.key: d.value for d in self.decisions if d.value is not None})


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *tables, last = key.split(".")
        here = out
        for table in tables:
            here = here.setdefault(table, {})
        here[last] = value
    return out
