"""Collecting the working tree's changes: three git processes whatever the file count.

``collect_changes`` runs ``git status`` once, then ``git diff --cached`` and
``git diff`` once each (only when status shows staged or unstaged changes)
and, with merge conflicts, one ``git diff`` for the conflicted paths. The
project's own output files are excluded with pathspecs, so git never even
diffs them. Untracked files get their content as a new-file diff, read here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autocode_core.toolkit import GitRunner, WorkTree
from autocode_git.changes import CATEGORIES, Change, status_word
from autocode_git.conflicts import conflict_changes
from autocode_git.diffs import FileDiff, diff_command, parse_diff
from autocode_git.globs import matching_glob
from autocode_git.settings import GitCheckSettings
from autocode_git.status import StatusEntry, StatusReport, parse_status, status_command
from autocode_git.untracked import cut_at_line, untracked_diff

__all__ = ["ChangeSummary", "collect_changes"]


@dataclass
class ChangeSummary:
    """What changed: one ``Change`` per file side, and one category per file.

    ``entries`` are the status entries kept, by toplevel path; ``diffed``
    counts the entries whose changes were read this run (not reused).
    """

    branch: str | None
    head: str | None
    changes: list[Change] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)
    staged_files: set[str] = field(default_factory=set)
    unstaged_files: set[str] = field(default_factory=set)
    excluded_files: list[str] = field(default_factory=list)
    entries: dict[str, StatusEntry] = field(default_factory=dict)
    diffed: int = 0

    @property
    def detached(self) -> bool:
        return self.branch is None

    @property
    def files(self) -> list[str]:
        """Every changed file, sorted."""
        return sorted(self.categories)

    def repository_status(self) -> dict[str, int]:
        """``total_files`` and a count per category (each file counted once)."""
        counts = {"total_files": len(self.categories)}
        counts.update({name: 0 for name in CATEGORIES})
        for category in self.categories.values():
            counts[category] += 1
        counts["staged"] = len(self.staged_files)
        counts["unstaged"] = len(self.unstaged_files)
        return counts


def _pathspecs(repository: WorkTree, own_outputs: Sequence[str]) -> list[str]:
    specs = [f":(top,literal){repository.prefix.rstrip('/')}" if repository.prefix else "."]
    specs += [f":(top,exclude,literal){repository.to_top(path)}" for path in own_outputs]
    return specs


def _category(entry: StatusEntry) -> str:
    if entry.kind == "unmerged":
        return "conflicted"
    if entry.kind == "untracked":
        return "untracked"
    return status_word(entry.index if entry.index != "." else entry.worktree)


def _diff_status(diff: FileDiff, letter: str | None) -> str:
    if letter and letter != ".":
        return status_word(letter)
    head = diff.patch.split("\n@@", 1)[0]
    if "\nnew file mode " in head:
        return "added"
    if "\ndeleted file mode " in head:
        return "deleted"
    if "\nrename from " in head:
        return "renamed"
    if "\ncopy from " in head:
        return "copied"
    return "modified"


def _tracked_change(
    diff: FileDiff, repository: WorkTree, letter: str | None, staged: bool, cap: int
) -> Change:
    encoded = diff.patch.encode("utf-8", "surrogateescape")
    text = cut_at_line(diff.patch, cap)
    status = _diff_status(diff, letter)
    return Change(
        file=repository.to_project(diff.path),
        status=status,
        staged=staged,
        additions=diff.additions,
        deletions=diff.deletions,
        binary=diff.binary,
        diff=text,
        diff_truncated=len(text) != len(diff.patch),
        diff_bytes=len(encoded),
        old_file=repository.to_project(diff.old_path)
        if diff.old_path and status in ("renamed", "copied")
        else None,
    )


def _classify(
    summary: ChangeSummary, report: StatusReport, repository: WorkTree, exclude: list[str]
) -> dict[str, StatusEntry]:
    """Fill the per-file categories; return the status entries kept, by toplevel path."""
    entries: dict[str, StatusEntry] = {}
    for entry in report.entries:
        path = repository.to_project(entry.path)
        if matching_glob(path, exclude) is not None:
            summary.excluded_files.append(path)
            continue
        entries[entry.path] = entry
        summary.categories[path] = _category(entry)
        if entry.kind in ("ordinary", "renamed"):
            if entry.index != ".":
                summary.staged_files.add(path)
            if entry.worktree != ".":
                summary.unstaged_files.add(path)
    summary.excluded_files.sort()
    return entries


def _tracked_changes(
    run_git: GitRunner,
    repository: WorkTree,
    settings: GitCheckSettings,
    entries: dict[str, StatusEntry],
    pathspecs: list[str],
    only: list[str] | None = None,
) -> list[Change]:
    """Staged and unstaged changes: one ``git diff`` each, only when status shows some.

    :param only: toplevel paths to diff (``None``: every path of ``pathspecs``);
        the sources of renames among them are added, so git pairs them as
        ``git status`` did.
    """
    changes = []
    tracked = [e for e in entries.values() if e.kind in ("ordinary", "renamed")]
    if only is not None:
        wanted = set(only)
        tracked = [e for e in tracked if e.path in wanted]
        paths = sorted(wanted | {e.orig_path for e in tracked if e.orig_path})
        pathspecs = [f":(top,literal){p}" for p in paths] + [
            s for s in pathspecs if s.startswith(":(top,exclude")
        ]
    for staged in (True, False):
        if not any((e.index if staged else e.worktree) != "." for e in tracked):
            continue
        command = diff_command(pathspecs, cached=staged, find_renames=settings.find_renames)
        for diff in parse_diff(run_git(command)):
            entry = entries.get(diff.path)
            if entry is None and matching_glob(repository.to_project(diff.path), settings.exclude):
                continue
            letter = None if entry is None else (entry.index if staged else entry.worktree)
            changes.append(
                _tracked_change(diff, repository, letter, staged, settings.max_diff_bytes)
            )
    return changes


def _untracked_changes(
    repository: WorkTree, entries: dict[str, StatusEntry], cap: int
) -> list[Change]:
    changes = []
    for path, entry in entries.items():
        if entry.kind != "untracked":
            continue
        try:
            diff = untracked_diff(repository.toplevel / path, path, cap)
        except OSError:  # vanished or unreadable since git status ran
            continue
        changes.append(
            Change(
                file=repository.to_project(path),
                status="untracked",
                staged=False,
                additions=diff.additions,
                deletions=None if diff.binary else 0,
                binary=diff.binary,
                diff=diff.patch,
                diff_truncated=diff.truncated,
                diff_bytes=diff.size,
            )
        )
    return changes


def collect_changes(
    repository: WorkTree,
    run_git: GitRunner,
    settings: GitCheckSettings,
    own_outputs: Sequence[str] = (),
    reuse: Callable[[str, StatusEntry], list[Change] | None] | None = None,
) -> ChangeSummary:
    """Every change under the project root, with diffs, in a deterministic order
    (by file, the staged side first).

    :param run_git: the toolkit's ``GitRunner`` in the project root.
    :param own_outputs: project-relative paths never to report.
    :param reuse: given a toplevel path and its status entry, the changes
        a previous run read for it when they are known to be the same
        (``incremental.ChangeCache``), or ``None`` to read them: only the
        other paths are diffed or read. Conflicted paths are always read.
    :raises PluginError: a git command failed.
    """
    specs = _pathspecs(repository, own_outputs)
    status = status_command(
        specs, untracked=settings.include_untracked, find_renames=settings.find_renames
    )
    report = parse_status(run_git(status))
    summary = ChangeSummary(branch=report.branch, head=report.head)
    entries = summary.entries = _classify(summary, report, repository, settings.exclude)
    conflicted = sorted(p for p, e in entries.items() if e.kind == "unmerged")
    diff_specs = specs + [f":(top,exclude,literal){p}" for p in conflicted]
    fresh = entries
    only = None
    if reuse is not None:
        fresh = {}
        for path, entry in entries.items():
            known = None if entry.kind == "unmerged" else reuse(path, entry)
            if known is None:
                fresh[path] = entry
            else:
                summary.changes += known
        only = [p for p, e in fresh.items() if e.kind in ("ordinary", "renamed")]
    summary.diffed = len(fresh)
    summary.changes += _tracked_changes(run_git, repository, settings, fresh, diff_specs, only)
    if conflicted:
        summary.changes += conflict_changes(
            run_git, repository, conflicted, settings.max_diff_bytes
        )
    summary.changes += _untracked_changes(repository, fresh, settings.max_diff_bytes)
    summary.changes.sort(key=lambda c: (c.file, not c.staged, c.status))
    return summary


def summary_json(
    summary: ChangeSummary, timestamp: str, tokens: dict[str, Any] | None
) -> dict[str, Any]:
    """The content of ``git_changes.json``."""
    from autocode_git.changes import display_path

    return {
        "timestamp": timestamp,
        "repository": {
            "branch": summary.branch,
            "head": summary.head,
            "detached": summary.detached,
            "unborn": summary.head is None,
        },
        "repository_status": summary.repository_status(),
        "modified_files": [display_path(p) for p in summary.files],
        "excluded_files": [display_path(p) for p in summary.excluded_files],
        "tokens": tokens,
        "changes": [change.to_json() for change in summary.changes],
    }
