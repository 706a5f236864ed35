"""The hookspecs are the contract: each is documented, parameter by parameter."""

from __future__ import annotations

import inspect

from autocode_core.plugin import hookspecs


def _specs() -> list:
    return [
        f for _, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(f, "autocode_spec")
    ]


def test_the_three_hooks_exist() -> None:
    assert {f.__name__ for f in _specs()} == {"get_config", "execute", "on_check_completed"}


def test_every_hookspec_documents_each_parameter_and_return() -> None:
    for spec in _specs():
        doc = inspect.getdoc(spec) or ""
        assert len(doc) > 80, spec.__name__
        for param in inspect.signature(spec).parameters:
            assert f":param {param}:" in doc, (spec.__name__, param)
        assert ":return:" in doc, spec.__name__
