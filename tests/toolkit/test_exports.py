"""The toolkit's public surface: ``__all__`` complete, every name documented, imports light."""

from __future__ import annotations

import inspect
import subprocess
import sys

from autocode_core import toolkit


def test_all_lists_every_public_name() -> None:
    public = {n for n in dir(toolkit) if not n.startswith(("_", "@"))}  # "@": pytest's rewriting
    modules = {n for n in public if inspect.ismodule(getattr(toolkit, n))}
    assert set(toolkit.__all__) == public - modules
    assert modules == {"atomic", "files", "git", "outputs", "worktree"}


def test_every_module_and_callable_states_its_contract() -> None:
    for name in ("atomic", "files", "git", "outputs", "worktree"):
        module = getattr(toolkit, name)
        assert (module.__doc__ or "").strip(), name
        assert set(module.__all__) <= set(toolkit.__all__), name
    for name in toolkit.__all__:
        value = getattr(toolkit, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def test_importing_the_toolkit_imports_no_plugin_dependency() -> None:
    code = (
        "import sys, autocode_core.toolkit;"
        "print(','.join(m for m in ('git', 'tiktoken', 'pathspec', 'pytest', 'fastapi') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
