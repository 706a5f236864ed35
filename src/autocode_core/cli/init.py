"""``autocode init``: detect the project's layout, write the configuration that fits it.

It looks at the project in the working directory (or ``-C``), decides the
settings of the installed first-party checks (see ``autocode_core.onboarding``),
prints each decision with its reason, writes ``autocode.toml`` (or
``[tool.autocode]`` in ``pyproject.toml``, asked first, or ``--pyproject``),
and offers to add autocode's outputs to ``.gitignore``. An existing
configuration is never replaced without ``--force``. ``--yes`` answers every
question with its default-accepting answer (no prompts: for scripts and CI).
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path

from autocode_core.cli.common import EXIT_USAGE, add_format, err, out
from autocode_core.errors import ConfigError
from autocode_core.onboarding.decisions import Plan
from autocode_core.onboarding.docs_layout import decide_docs
from autocode_core.onboarding.environment import decide_python
from autocode_core.onboarding.files import list_files
from autocode_core.onboarding.tests_layout import decide_tests
from autocode_core.onboarding.writer import existing_config, render, update_gitignore, write_config

__all__ = ["add_parser", "init"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``autocode init``."""
    init = sub.add_parser("init", help="detect the project's layout and write a configuration that fits it",
                          description="Detect the project's layout (code, tests, docs, virtual environment), "
                          "print what was decided and why, and write autocode.toml or [tool.autocode].")
    init.add_argument("-C", "--project", type=Path, help="the project's folder (default: .)")
    init.add_argument("-y", "--yes", action="store_true",
                      help="no questions: write autocode.toml (unless --pyproject) and update .gitignore")
    init.add_argument("--force", action="store_true", help="replace an existing autocode configuration")
    where = init.add_mutually_exclusive_group()
    where.add_argument("--pyproject", action="store_true", help="write [tool.autocode] into pyproject.toml")
    where.add_argument("--toml", action="store_true", help="write autocode.toml (the default)")
    init.add_argument("--dry-run", action="store_true", help="print the decisions and the TOML, write nothing")
    add_format(init)


def _ask(question: str, default: bool, args: argparse.Namespace) -> bool | None:
    """The answer: ``--yes`` accepts, a terminal is asked, otherwise ``None`` (not asked)."""
    if args.yes:
        return True
    if not sys.stdin.isatty() or args.format == "json":
        return None
    try:
        answer = input(f"{question} [{'Y/n' if default else 'y/N'}] ").strip().lower()
    except EOFError:
        return None
    return default if not answer else answer.startswith("y")


def _plan(root: Path) -> tuple[Plan, set[str]]:
    installed = {ep.name for ep in entry_points(group="autocode")}
    plan = Plan()
    files = list_files(root)
    if "test_check" in installed:
        decide_tests(files, plan)
        decide_python(root, plan)
    if "doc_check" in installed:
        decide_docs(files, plan)
    missing = sorted({"test_check", "doc_check", "git_check"} - installed)
    if missing:
        plan.notes.append(f"not installed, so not configured: {', '.join(missing)}")
    if "git_check" in installed:
        plan.gitignore.append("git_changes.json")
    docs_on = all(d.key != "daemon.doc_check.enabled" or d.value for d in plan.decisions)
    if "doc_check" in installed and docs_on:
        plan.gitignore.append(".clinerules/docs_index.json")
    return plan, installed


def init(args: argparse.Namespace) -> int:
    """Detect, decide, print, write."""
    root = (args.project or Path.cwd()).resolve()
    if not root.is_dir():
        err(f"{root} is not a folder")
        return EXIT_USAGE
    found = existing_config(root)
    if found is not None and not args.force:
        err(f"autocode is already configured in {found.name}: nothing written (--force replaces it)")
        return EXIT_USAGE
    plan, _ = _plan(root)
    pyproject = args.pyproject
    if not (pyproject or args.toml or args.yes or args.dry_run) and (root / "pyproject.toml").is_file():
        pyproject = bool(_ask("Write the configuration into pyproject.toml ([tool.autocode]) "
                              "instead of a new autocode.toml?", False, args))
    target = root / ("pyproject.toml" if pyproject else "autocode.toml")
    text = args.format == "text"
    if text:
        out(f"autocode init: {root}")
        for decision in plan.decisions:
            out(f"  {decision.key} = {json.dumps(decision.value, ensure_ascii=False)}")
            out(f"      because {decision.why}")
        for note in plan.notes:
            out(f"  note: {note}")
    if args.dry_run:
        if text:
            out("\n" + render(plan, "tool.autocode" if pyproject else ""))
        else:
            out(json.dumps(_doc(root, plan, None, []), indent=2, ensure_ascii=False))
        return 0
    written = write_config(root, plan, pyproject=pyproject, force=args.force)
    try:
        from autocode_core.project import Project

        Project(root)
    except ConfigError as exc:  # a bug in init: say it plainly
        err(f"the configuration written to {written} does not load: {exc}")
        return EXIT_USAGE
    added: list[str] = []
    lacking = [e for e in plan.gitignore if e not in _ignored(root)]
    if lacking:
        answer = _ask(f"Add autocode's outputs ({', '.join(lacking)}) to .gitignore?", True, args)
        if answer:
            added = update_gitignore(root, lacking)
        elif answer is None and text:
            out(f"  note: .gitignore left as it is (--yes adds {', '.join(lacking)})")
    if text:
        if added:
            out(f"added to .gitignore: {', '.join(added)}")
        out(f"wrote {written.name}; next: autocode check -v")
    else:
        out(json.dumps(_doc(root, plan, target, added), indent=2, ensure_ascii=False))
    return 0


def _ignored(root: Path) -> set[str]:
    path = root / ".gitignore"
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    return {line.strip().lstrip("/") for line in lines}


def _doc(root: Path, plan: Plan, written: Path | None, added: list[str]) -> dict[str, object]:
    return {
        "schema_version": 1,
        "project_root": str(root),
        "written": str(written) if written else None,
        "decisions": [{"key": d.key, "value": d.value, "why": d.why} for d in plan.decisions],
        "notes": plan.notes,
        "gitignore_added": added,
    }
