"""One run of the documentation check, as a plain function.

``check_docs`` lists the project's files (through git when the project is in
a git work tree, by walking it otherwise; both with the toolkit's
``list_project_files``), works out the expected documents, judges each
against the history, writes the docs index when configured, and returns the
``CheckResult``. The plugin calls it with the toolkit's ``GitRunner`` on
``CheckContext.run_process``; tests and benchmarks may call it directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autocode_core import CheckResult, PluginError
from autocode_core.toolkit import (
    GitError,
    GitNotFoundError,
    GitRunner,
    NotAGitRepositoryError,
    list_project_files,
)
from autocode_docs.docs_index import build_docs_index, write_docs_index
from autocode_docs.freshness import assess
from autocode_docs.git_snapshot import GitSnapshot, read_git_snapshot
from autocode_docs.history import GitHistory, History, MtimeHistory
from autocode_docs.layout import ProjectLayout, discover_code_roots
from autocode_docs.layout_hint import layout_hint, past_paths
from autocode_docs.report import build_result
from autocode_docs.settings import DocCheckSettings

__all__ = ["check_docs"]


def _keep(settings: DocCheckSettings) -> list[str]:
    """Folders listed even where the skip rule would leave them out: docs and code folders."""
    return [settings.docs_dir, *(settings.directories or [])]


def _snapshot(
    root: Path, settings: DocCheckSettings, git: GitRunner, roots: list[str], state_dir: str
) -> tuple[GitSnapshot | None, str | None]:
    """The git snapshot, or ``None`` and the reason to fall back to file times.

    ``roots`` receives the code folders discovered from git's file list.
    """
    if settings.history == "mtime":
        return None, "history = 'mtime' in the settings"

    def pathspecs(files: set[str]) -> list[str]:
        roots.extend(discover_code_roots(files, settings))
        return [] if "" in roots else [settings.docs_dir, *roots]

    try:
        snapshot = read_git_snapshot(
            git, pathspecs, keep=_keep(settings), state_dir=state_dir
        )
        return snapshot, None
    except (NotAGitRepositoryError, GitNotFoundError) as exc:
        if settings.history == "git":
            raise PluginError(
                f"❌ history = 'git' but {root} is not in a git work tree ({exc})"
            ) from exc
        if isinstance(exc, GitNotFoundError):
            reason = "git is not installed"
        elif "ignored" in str(exc):
            reason = "the enclosing git repository ignores the project"
        else:
            reason = "not a git repository"
        return None, reason
    except GitError as exc:
        raise PluginError(f"❌ cannot read git history: {exc}") from exc


def _output_path(root: Path, configured: str) -> tuple[Path, str]:
    path = Path(configured)
    path = path if path.is_absolute() else root / path
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    return path, shown


def check_docs(
    root: Path,
    settings: DocCheckSettings | None = None,
    *,
    git: GitRunner | None = None,
    state_dir: str = ".autocode",
) -> CheckResult:
    """Check the documentation of the project at ``root``.

    :param git: the toolkit's runner in ``root`` (default: one on a private
        ``CheckProcesses``, for library use).
    :param state_dir: autocode's state folder, never part of the project's files.
    :raises PluginError: the project root is not a folder, history is forced
        to git outside a repository, or git failed unexpectedly.
    """
    settings = settings or DocCheckSettings()
    root = Path(root)
    if not root.is_dir():
        raise PluginError(f"❌ project root {root} is not a folder")
    roots: list[str] = []
    snapshot, note = _snapshot(root, settings, git or GitRunner(root), roots, state_dir)
    if snapshot is not None:
        files = snapshot.files
        project = ProjectLayout.build(files, settings, roots)
    else:
        listing = list_project_files(root, keep=_keep(settings), state_dir=state_dir)
        files = set(listing.files)
        project = ProjectLayout.build(files, settings)
    history: History
    if snapshot is not None:
        history = GitHistory(root, snapshot, project.layout)
    else:
        history = MtimeHistory(root, note)
    docs = sorted(f for f in files if project.layout.in_docs(f))
    states = assess(
        project,
        history,
        docs,
        tracked=snapshot.tracked if snapshot is not None else None,
        existed=past_paths(snapshot.log) if snapshot is not None else lambda path: False,
    )
    docs_dir_exists = (root / settings.docs_dir).is_dir()
    extra: dict[str, Any] = {
        "docs_dir": settings.docs_dir,
        "docs_dir_exists": docs_dir_exists,
        "code_dirs": [r or "." for r in project.layout.roots],
        "code_files": len(project.code_files),
    }
    if snapshot is not None:
        extra["git_calls"] = snapshot.calls
    hint = layout_hint(project, states, files)
    if hint:
        extra["layout_hint"] = hint
    extra["index"] = _write_index(root, settings, docs, history, docs_dir_exists)
    return build_result(
        states,
        project.collisions,
        history_mode=history.mode,
        history_note=history.note,
        max_entries=settings.max_entries,
        extra=extra,
    )


def _write_index(
    root: Path, settings: DocCheckSettings, docs: list[str], history: History, docs_dir_exists: bool
) -> dict[str, Any]:
    path, shown = _output_path(root, settings.index.output_path)
    info: dict[str, Any] = {"path": shown, "written": False}
    if not settings.index.enabled:
        info["reason"] = "index disabled"
    elif not settings.index.auto_generate:
        info["reason"] = "auto_generate is off"
    elif not docs_dir_exists:
        info["reason"] = "no docs folder"
    else:
        data = build_docs_index(
            root,
            settings.docs_dir,
            docs,
            history.last_change,
            history.is_uncommitted,
            output_path=shown,
            doc_format=settings.doc_format,
        )
        info["written"] = write_docs_index(path, data)
        info["stats"] = data["documentation_stats"]
    return info
