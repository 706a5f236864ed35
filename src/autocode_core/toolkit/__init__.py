"""The toolkit for plugin authors: git, the project's files, atomic writes, outputs.

Everything a check needs to read a project and write into it, with one
policy for every plugin, so no plugin carries its own copy:

* **git** (``autocode_core.toolkit.git``): ``GitRunner.from_context(context)``
  runs git through ``context.run_process`` (killed with the check) with an
  environment a git hook cannot redirect (``git_environment``), a timeout
  per command and a call count; failures raise ``GitError``, a
  ``PluginError`` naming the command and quoting git's stderr.
* **work tree** (``autocode_core.toolkit.worktree``): ``find_work_tree``
  (toplevel, where the project sits in it, shallow or not), ``is_work_tree``
  and ``head_commit`` answer the usual questions.
* **files** (``autocode_core.toolkit.files``): ``project_files(context)``
  lists the project's files the way git sees them (tracked and untracked,
  not ignored), or by walking the folder outside git, with one skip rule.
* **atomic writes** (``autocode_core.toolkit.atomic``): ``write_atomic`` and
  ``write_json_atomic`` replace a file so readers never see half of it.
* **outputs** (``autocode_core.toolkit.outputs``): a check declares the files
  it writes with ``CheckSettings.outputs()``; ``declared_outputs`` and
  ``autocode_outputs(context)`` let other checks leave them alone.
* **state**: ``context.state_folder()`` is a check's own folder for caches,
  ``<state_dir>/checks/<check name>/`` (not part of this package: it is on
  the ``CheckContext``).

Importing this package imports nothing beyond the standard library and the core.
"""

from autocode_core.toolkit.atomic import write_atomic, write_json_atomic
from autocode_core.toolkit.files import (
    SKIPPED_FOLDER_NAMES,
    ProjectFiles,
    is_skipped_folder,
    list_project_files,
    project_files,
)
from autocode_core.toolkit.git import (
    GIT_CONFIG,
    KEPT_GIT_VARIABLES,
    GitError,
    GitNotFoundError,
    GitRunner,
    NotAGitRepositoryError,
    RunProcess,
    git_command,
    git_environment,
)
from autocode_core.toolkit.outputs import autocode_outputs, declared_outputs
from autocode_core.toolkit.worktree import WorkTree, find_work_tree, head_commit, is_work_tree

__all__ = [
    "GIT_CONFIG",
    "KEPT_GIT_VARIABLES",
    "SKIPPED_FOLDER_NAMES",
    "GitError",
    "GitNotFoundError",
    "GitRunner",
    "NotAGitRepositoryError",
    "ProjectFiles",
    "RunProcess",
    "WorkTree",
    "autocode_outputs",
    "declared_outputs",
    "find_work_tree",
    "git_command",
    "git_environment",
    "head_commit",
    "is_skipped_folder",
    "is_work_tree",
    "list_project_files",
    "project_files",
    "write_atomic",
    "write_json_atomic",
]
