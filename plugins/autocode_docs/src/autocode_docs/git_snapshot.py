"""Read what ``doc_check`` needs from git in a fixed number of git calls.

``read_git_snapshot`` runs, whatever the size of the project:

1. ``git rev-parse`` (``find_work_tree``: is this a work tree, where is the
   project in it),
2. three ``git ls-files`` at once (the project's files as git sees them:
   the index, and the work tree's untracked files, and its deleted and
   modified ones; the toolkit's ``list_project_files``),
3. ``git diff --cached --name-status`` (staged changes and deletions; in a
   thread, at the same time as steps 1 and 2),
4. one ``git log --name-status --parents`` over the folders of interest,
   started as soon as git has listed its index (while it still scans the
   work tree), and used when the final listing names the same folders
   (otherwise it is run again over the right ones),
5. for the commits of that log that added files (when there are any), one
   ``git diff-tree --stdin`` that lists which of them deleted files outside
   the log's folders (it does not descend into those folders), then one
   ``git diff-tree --stdin -M`` over those only (when there are any): an
   addition that is a pure rename from outside the log's folders (code
   moved into the project) is not a content change. Both run right after
   the log, in its worker thread, while the caller works out the expected
   documents,

plus ``git rev-parse --verify HEAD`` when a ``log_store`` is given (a log
cached for that ``HEAD`` replaces steps 4 and 5) or when the log fails (a
repository with no commits yet), ``git rev-parse --git-path shallow`` in a
shallow clone (the commits where its history stops), and ``git
check-ignore`` only when a project in a subfolder of
a repository shows no files at all (a folder the enclosing repository
ignores counts as "not a git repository"). Every command uses ``-z`` so any
file name (non-ASCII, spaces, newlines) comes back intact. Paths are
returned relative to the project root with ``/``; files outside the project
root are dropped.

Git runs through the toolkit's ``GitRunner`` (``CheckContext.run_process``
inside a check: killed on timeout; an environment a git hook cannot redirect).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from autocode_core.toolkit import (
    GitError,
    GitRunner,
    NotAGitRepositoryError,
    find_work_tree,
    head_commit,
    list_project_files,
)
from autocode_docs.git_log import (
    GitLog,
    Record,
    adding_commits,
    in_graph_order,
    log_records,
    parse_git_log,
    pure_moves,
)

__all__ = ["MOVES_COMMAND", "STAGED_COMMAND", "GitSnapshot", "log_command", "read_git_snapshot"]


@dataclass
class GitSnapshot:
    """The state of the work tree and its history, relative to the project root.

    * ``tracked``: files in the index that still exist in the work tree;
    * ``deleted``: tracked files missing from the work tree, or whose deletion
      is staged (uncommitted deletions);
    * ``untracked``: files git neither tracks nor ignores;
    * ``dirty``: tracked files with staged or unstaged changes (new paths of
      staged renames included);
    * ``log``: history of the folders of interest (see ``GitLog``);
    * ``head``: the ``HEAD`` commit when a ``log_store`` was given;
      ``log_read``: the log was read from git (not found in the store);
    * ``shallow``: the clone is shallow; ``boundary`` the log indexes of the
      commits where its history stops (their parents are not in the clone).

    Files under folders the toolkit's skip rule leaves out (virtualenvs,
    ``node_modules``, build output, caches, the state folder) are in none of
    the sets.
    """

    tracked: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    untracked: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)
    log: GitLog = field(default_factory=GitLog)
    calls: int = 0
    shallow: bool = False
    boundary: set[int] = field(default_factory=set)
    head: str | None = None
    log_read: bool = False

    @property
    def files(self) -> set[str]:
        """Every file git does not ignore that exists in the work tree."""
        return self.tracked | self.untracked

    def is_changed(self, path: str) -> bool:
        """True if ``path`` has uncommitted changes or is untracked."""
        return path in self.dirty or path in self.untracked


def log_command(pathspecs: Sequence[str]) -> list[str]:
    """The ``git log`` arguments whose output ``parse_git_log`` reads."""
    return [
        "log",
        "-z",
        "--name-status",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--parents",
        "--format=%x1e%H %ct %P",
        "HEAD",
        "--",
        *pathspecs,
    ]


#: the 100% renames of the commits given on stdin, anywhere in the repository
MOVES_COMMAND = [
    "diff-tree",
    "--stdin",
    "-z",
    "-r",
    "-M",
    "--name-status",
    "--diff-filter=R",
    "--no-ext-diff",
]

#: the files each commit given on stdin deleted (``-- <pathspecs>`` follows)
DELETIONS_COMMAND = [
    "diff-tree",
    "--stdin",
    "-z",
    "-r",
    "--name-only",
    "--diff-filter=D",
    "--no-ext-diff",
]

#: staged changes: the index against ``HEAD`` (against nothing before the first commit)
STAGED_COMMAND = [
    "diff",
    "--cached",
    "-z",
    "--name-status",
    "-M",
    "--ignore-submodules=all",
    "--",
    ".",
]


def _parse_staged(data: bytes, strip: Callable[[str], str | None], snap: GitSnapshot) -> None:
    """``git diff --cached -z --name-status``: a deletion is ``deleted``; anything else
    (added, modified, type change, unmerged, the new path of a rename or copy) ``dirty``."""
    tokens = data.split(b"\0")
    i = 0
    while i < len(tokens) - 1:
        status = tokens[i].decode("ascii", "replace")
        i += 1
        if not status:
            continue
        if status[0] in "RC":
            i += 1  # the original path comes first
        path = strip(os.fsdecode(tokens[i]))
        i += 1
        if path is None:
            continue
        (snap.deleted if status[0] == "D" else snap.dirty).add(path)


#: what ``_fetch_log`` returns: git's answer, its records in graph order and the pure
#: moves of the commits that added files (both ``None`` when git failed)
Fetched = tuple[
    subprocess.CompletedProcess[bytes], list[Record] | None, set[tuple[str, str]] | None
]


def _fetch_log(
    git: GitRunner, folders: list[str], strip: Callable[[str], str | None] | None
) -> Fetched:
    """``git log`` over ``folders``, then ``git diff-tree`` for the commits that added files.

    Runs in a worker thread, so both git commands run while the caller works
    out the expected documents; the records are split there too.
    """
    log = git.run(log_command(_specs(folders)), check=False, spool=True)  # megabytes, often
    if log.returncode != 0:
        return log, None, None
    records = in_graph_order(log_records(log.stdout))
    adding = _deleting_elsewhere(git, folders, adding_commits(records, strip))
    if not adding:
        return log, records, set()
    return log, records, pure_moves(git.run(MOVES_COMMAND, input=_stdin(adding)).stdout)


def _stdin(shas: list[str]) -> bytes:
    """Commit ids one per line, for ``git diff-tree --stdin``."""
    return "".join(sha + "\n" for sha in shas).encode()


def _deleting_elsewhere(git: GitRunner, folders: list[str], shas: list[str]) -> list[str]:
    """The commits among ``shas`` that delete a file outside ``folders`` (the project
    when empty): only they can have moved a file in. One ``git diff-tree`` that does
    not descend into ``folders``, so it costs little even for commits that add
    thousands of files there; the rename detection runs on what is left."""
    if not shas:
        return []
    excluded = [f":(exclude,literal){f}" for f in folders] or [":(exclude,literal)."]
    found = git.run(
        [*DELETIONS_COMMAND, "--", ":/", *excluded],
        input=_stdin(shas),
    ).stdout
    asked = set(shas)
    listed = {token.decode("ascii", "replace") for token in found.split(b"\0")} & asked
    return [sha for sha in shas if sha in listed]


def _read_log(
    git: GitRunner,
    folders: list[str],
    strip: Callable[[str], str | None] | None,
    meanwhile: Callable[[], None] | None = None,
    started: Future[Fetched] | None = None,
) -> GitLog:
    """The parsed log over ``folders`` (project-relative; empty: the whole project).

    ``meanwhile`` runs in this thread while git writes the log (``_fetch_log``
    runs in another); ``started`` is that fetch already running.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:  # idle when the fetch was started
        running = started or pool.submit(_fetch_log, git, folders, strip)
        if meanwhile is not None:
            meanwhile()
        log, records, moved = running.result()
    if records is None:
        if head_commit(git) is not None:
            raise GitError.from_completed(log_command(_specs(folders)), log)
        return GitLog()  # no commits yet
    return parse_git_log(b"", strip, moved, records=records)


def _boundary(git: GitRunner, log: GitLog) -> set[int]:
    """Log indexes of the commits listed in the repository's ``shallow`` file."""
    where = os.fsdecode(git(["rev-parse", "--git-path", "shallow"])).strip()
    path = git.cwd / where
    try:
        shas = set(path.read_text(encoding="ascii").split())
    except OSError:
        return set()
    return {i for i, c in enumerate(log.commits) if c.sha in shas}


def read_git_snapshot(
    git: GitRunner,
    pathspecs: Callable[[set[str]], Sequence[str]] | None = None,
    *,
    keep: Iterable[str] = (),
    state_dir: str | None = ".autocode",
    log_store: dict[str, GitLog] | None = None,
    meanwhile: Callable[[GitSnapshot], None] | None = None,
) -> GitSnapshot:
    """Read tracked/untracked/changed files and history in a bounded number of git calls.

    :param git: runs git in the project root.
    :param pathspecs: given the existing files, the project-relative folders
        whose history is needed (``None`` or empty: the whole project). Called
        first with the files of git's index, to start ``git log`` while git
        still scans the work tree, then with the final files; the log used is
        always over the folders of the last call (an early log over other
        folders is not used).
    :param keep: folders to list even where the skip rule would not (the docs
        and code folders).
    :param state_dir: the state folder, left out of the listing.
    :param log_store: parsed logs by ``HEAD`` and pathspecs, from earlier
        runs (``run_cache``): with one for the current ``HEAD`` no ``git log``
        runs; a new log replaces the store's content. Costs one ``git
        rev-parse HEAD``; not used in shallow clones.
    :param meanwhile: called once with the snapshot when its file sets are
        final and its log is not read yet, while ``git log`` runs (in a
        thread: the caller's own work overlaps git's); exceptions propagate.
    :raises NotAGitRepositoryError: the project root is not in a git work
        tree, or the enclosing repository ignores it.
    :raises GitNotFoundError: git is not installed.
    :raises GitError: a git command failed for another reason.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the staged diff runs while the work tree is found and listed, and
        # ``git log`` starts as soon as git has listed its index: its folders
        # are those of the index's files, checked against the final listing
        # below (a log over other folders is not used)
        staged = pool.submit(git, STAGED_COMMAND)
        tree = find_work_tree(git)
        prefix = tree.prefix

        def strip(path: str) -> str | None:
            if not prefix:
                return path
            return path[len(prefix) :] if path.startswith(prefix) else None

        use_store = log_store is not None and not tree.shallow
        heads: list[str | None] = []
        early: list[tuple[list[str], Future[Fetched]]] = []

        def start_log(index_files: frozenset[str]) -> None:
            folders = _folders(pathspecs, set(index_files))
            if use_store:
                heads.append(head_commit(git))
                if log_store and _key(heads[0], prefix, folders) in log_store:
                    return
            fetching = pool.submit(_fetch_log, git, folders, strip if prefix else None)
            early.append((folders, fetching))

        listing = list_project_files(
            git.cwd, git, keep=keep, state_dir=state_dir, modified=True, on_tracked=start_log
        )
        if listing.source != "git":
            raise GitError(f"git ls-files failed: {listing.git_problem}")
        snap = GitSnapshot(
            tracked=set(listing.tracked),
            untracked=set(listing.untracked),
            deleted=set(listing.deleted),
            dirty=set(listing.modified),
        )
        _parse_staged(staged.result(), strip, snap)
        snap.tracked -= snap.deleted
        snap.dirty &= snap.tracked
        if (
            prefix
            and not snap.files
            and git.run(["check-ignore", "-q", "--", "."], check=False).returncode == 0
        ):
            raise NotAGitRepositoryError(
                "the project folder is ignored by the enclosing git repository"
            )
        folders = _folders(pathspecs, snap.files)
        started = early[0][1] if early and early[0][0] == folders else None
        key = None
        if use_store:
            snap.head = heads[0] if heads else head_commit(git)
            key = _key(snap.head, prefix, folders)
        cached = log_store.get(key) if log_store is not None and key is not None else None
        if cached is not None:
            if meanwhile is not None:
                meanwhile(snap)
            snap.log = cached
        else:
            snap.log = _read_log(
                git,
                folders,
                strip if prefix else None,
                None if meanwhile is None else lambda: meanwhile(snap),
                started,
            )
            snap.log_read = True
            if log_store is not None and key is not None and snap.head is not None:
                log_store.clear()
                log_store[key] = snap.log
    if tree.shallow:
        snap.shallow = True
        snap.boundary = _boundary(git, snap.log)
    snap.calls = git.calls
    return snap


def _key(head: str | None, prefix: str, folders: list[str]) -> str:
    """A log's key in a ``log_store``."""
    return "\0".join([head or "", prefix, *folders])


def _folders(pathspecs: Callable[[set[str]], Sequence[str]] | None, files: set[str]) -> list[str]:
    """The project folders ``pathspecs`` names for ``files`` (empty: the whole project)."""
    return [p for p in (pathspecs(files) if pathspecs else ()) if p]


def _specs(folders: list[str]) -> list[str]:
    """The log's literal pathspecs for ``folders`` (``["."]``: all)."""
    return [f":(literal){p}" for p in folders] or ["."]
