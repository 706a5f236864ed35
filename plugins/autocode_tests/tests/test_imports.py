"""Naming the checkout's top-level modules and spotting ones imported from elsewhere."""

from __future__ import annotations

from pathlib import Path

from autocode_tests.imports import foreign_imports, project_modules


def test_packages_and_modules_under_the_source_roots() -> None:
    files = [
        "src/calc/__init__.py",
        "src/calc/ops.py",
        "src/tool.py",
        "src/nspkg/mod.py",  # no __init__.py: not claimed
        "setup.py",
        "tests/test_ops.py",
    ]
    assert project_modules(files, ["src"]) == ["calc", "tool"]
    flat = ["calc/__init__.py", "calc/ops.py", "setup.py", "conftest.py"]
    assert project_modules(flat, ["."]) == ["calc"]
    # a source root that is the package itself; a __main__.py is never a top-level name
    assert project_modules([*flat, "calc/__main__.py"], ["calc"]) == ["calc"]
    assert project_modules(["lib/__main__.py", "lib/tool.py"], ["lib"]) == ["tool"]


def test_only_modules_outside_the_project_are_foreign(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src" / "calc").mkdir(parents=True)
    inside = root / "src" / "calc" / "__init__.py"
    inside.write_text("")
    outside = tmp_path / "site-packages" / "calc" / "__init__.py"
    modules = {"calc": str(outside), "tool": str(inside)}
    assert foreign_imports(modules, root) == {"calc": str(outside)}
    in_venv = root / ".venv" / "lib" / "python3.11" / "site-packages" / "calc" / "__init__.py"
    assert foreign_imports({"calc": str(in_venv)}, root) == {"calc": str(in_venv)}
    link = tmp_path / "link"
    link.symlink_to(root)
    assert foreign_imports({"calc": str(inside)}, link) == {}
