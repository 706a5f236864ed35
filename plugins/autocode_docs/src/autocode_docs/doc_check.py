"""One run of the documentation check, as a plain function.

``check_docs`` lists the project's files (through git when the project is in
a git work tree, by walking it otherwise; both with the toolkit's
``list_project_files``), works out the expected documents, judges each
against the history, writes the docs index when configured, and returns the
``CheckResult``. The plugin calls it with the toolkit's ``GitRunner`` on
``CheckContext.run_process``; tests and benchmarks may call it directly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
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
from autocode_docs.incremental import affected_docs, remember
from autocode_docs.layout import ProjectLayout, discover_code_roots
from autocode_docs.layout_hint import layout_hint, past_paths
from autocode_docs.report import build_result
from autocode_docs.run_cache import RunCache, Texts, load_cache, save_cache
from autocode_docs.settings import DocCheckSettings

__all__ = ["check_docs"]


def _keep(settings: DocCheckSettings) -> list[str]:
    """Folders listed even where the skip rule would leave them out: docs and code folders."""
    return [settings.docs_dir, *(settings.directories or [])]


def _snapshot(
    root: Path,
    settings: DocCheckSettings,
    git: GitRunner,
    roots: list[str],
    state_dir: str,
    cache: RunCache | None,
    built: list[ProjectLayout],
) -> tuple[GitSnapshot | None, str | None]:
    """The git snapshot, or ``None`` and the reason to fall back to file times.

    ``roots`` receives the code folders discovered from git's file list;
    ``built`` the ``ProjectLayout`` of its files, built while ``git log`` runs.
    """
    if settings.history == "mtime":
        return None, "history = 'mtime' in the settings"

    def pathspecs(files: set[str]) -> list[str]:  # the last call is with the final files
        roots[:] = discover_code_roots(files, settings)
        return [] if "" in roots else [settings.docs_dir, *roots]

    try:
        snapshot = read_git_snapshot(
            git,
            pathspecs,
            keep=_keep(settings),
            state_dir=state_dir,
            log_store=cache.logs if cache is not None else None,
            meanwhile=lambda snap: built.append(ProjectLayout.build(snap.files, settings, roots)),
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
    cache_dir: Path | None = None,
    changed_paths: frozenset[str] | None = None,
) -> CheckResult:
    """Check the documentation of the project at ``root``.

    :param git: the toolkit's runner in ``root`` (default: one on a private
        ``CheckProcesses``, for library use).
    :param state_dir: autocode's state folder, never part of the project's files.
    :param cache_dir: the check's own folder for ``run_cache`` (``None``: no
        cache, every run reads everything).
    :param changed_paths: for a change-triggered run, the project paths that
        changed since the last run: with a cache from that run, only the
        documents they (and any change of git status) affect are judged again
        (``incremental.affected_docs``); the answer is the full run's.
    :raises PluginError: the project root is not a folder, history is forced
        to git outside a repository, or git failed unexpectedly.

    Python's cyclic garbage collector is paused for the run (``_gc_paused``):
    the run builds many small objects that all live until it ends, and
    collecting them part way costs about a third of its Python time on large
    projects.
    """
    with _gc_paused():
        return _check_docs(
            root,
            settings,
            git=git,
            state_dir=state_dir,
            cache_dir=cache_dir,
            changed_paths=changed_paths,
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block, if it was enabled.

    The collector is process-wide: the block that found it enabled enables it
    again when it ends (so overlapping runs in threads never leave it off).
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_docs(
    root: Path,
    settings: DocCheckSettings | None = None,
    *,
    git: GitRunner | None = None,
    state_dir: str = ".autocode",
    cache_dir: Path | None = None,
    changed_paths: frozenset[str] | None = None,
) -> CheckResult:
    """``check_docs`` with the collector left as it is."""
    settings = settings or DocCheckSettings()
    root = Path(root)
    if not root.is_dir():
        raise PluginError(f"❌ project root {root} is not a folder")
    roots: list[str] = []
    cache = load_cache(cache_dir) if cache_dir is not None else None
    git = git or GitRunner(root)
    built: list[ProjectLayout] = []
    snapshot, note = _snapshot(root, settings, git, roots, state_dir, cache, built)
    if snapshot is not None:
        files = snapshot.files
        project = built[0] if built else ProjectLayout.build(files, settings, roots)
    else:
        listing = list_project_files(root, keep=_keep(settings), state_dir=state_dir)
        files = set(listing.files)
        project = ProjectLayout.build(files, settings)
    history: History
    if snapshot is not None:
        history = GitHistory(root, snapshot, project.layout)
    else:
        history = MtimeHistory(root, note)
    top = settings.docs_dir  # Layout.in_docs, inlined
    docs = sorted(f for f in files if f.startswith(top + "/") or f == top) if top else sorted(files)
    settings_key = settings.model_dump_json()
    only = None
    if cache is not None and snapshot is not None and changed_paths is not None:
        only = affected_docs(cache, snapshot, settings_key, project.layout, changed_paths)
    states = assess(
        project,
        history,
        docs,
        tracked=snapshot.tracked if snapshot is not None else None,
        existed=past_paths(snapshot.log) if snapshot is not None else lambda path: False,
        previous=cache.states if only is not None and cache is not None else None,
        only=only,
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
    if changed_paths is not None:
        extra["incremental"] = {"reassessed": None if only is None else len(only)}
    hint = layout_hint(project, states, files)
    if hint:
        extra["layout_hint"] = hint
    texts = cache.texts if cache is not None else None
    texts_before = dict(texts) if texts is not None else None
    extra["index"] = _write_index(root, settings, docs, history, docs_dir_exists, texts)
    if cache is not None and cache_dir is not None:
        changed = remember(cache, snapshot, settings_key, states) or texts != texts_before
        if changed or (snapshot is not None and snapshot.log_read):
            save_cache(cache_dir, cache)
    return build_result(
        states,
        project.collisions,
        history_mode=history.mode,
        history_note=history.note,
        max_entries=settings.max_entries,
        extra=extra,
    )


def _write_index(
    root: Path,
    settings: DocCheckSettings,
    docs: list[str],
    history: History,
    docs_dir_exists: bool,
    texts: Texts | None,
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
            texts=texts,
        )
        info["written"] = write_docs_index(path, data)
        info["stats"] = data["documentation_stats"]
    return info
