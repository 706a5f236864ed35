"""Running git from a check: one environment policy, one runner, a few shared questions.

**The environment** (``git_environment``). A check may run inside a git hook
(``autocode check`` from ``pre-commit``), where git exports variables that
point every git command at the hook's repository, index or object store
(``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``, ``GIT_OBJECT_DIRECTORY``,
``GIT_ALTERNATE_OBJECT_DIRECTORIES``, ``GIT_COMMON_DIR``, ``GIT_NAMESPACE``,
``GIT_PREFIX``, ``GIT_CEILING_DIRECTORIES``, ``GIT_CONFIG_PARAMETERS``...)
or change what commands print (``GIT_LITERAL_PATHSPECS``,
``GIT_EXTERNAL_DIFF``, ``GIT_DIFF_OPTS``). The policy is pre-commit's
(``no_git_env``): every ``GIT_*`` variable goes except those that only say
how to reach a remote, where git's own programs are, or where the user's
configuration lives (``KEPT_GIT_VARIABLES``, ``GIT_CONFIG_KEY_*`` and
``GIT_CONFIG_VALUE_*``). A deny list of the variables known today misses
the next one git adds; GitPython has no policy at all (it even reads
``GIT_DIR`` and ``GIT_WORK_TREE`` itself), so it is not used. On top of that:

* ``GIT_OPTIONAL_LOCKS=0``: a background check never takes ``index.lock``
  from under the user's own git commands;
* ``GIT_TERMINAL_PROMPT=0`` and ``GIT_PAGER=cat``: git never waits on a human;
* ``LC_ALL=C`` and ``LANGUAGE=C`` (as GitPython does): messages are in
  English, so callers can recognise them (``not a git repository``).

**The command line** (``git_command``). Every command gets ``-c`` options
that keep user configuration from changing the formats checks parse:
``core.quotePath=off`` (paths as they are), no colour, ``a/`` and ``b/``
diff prefixes, no external diff, paths relative to the toplevel, no commit
signatures in ``git log``. Parse ``-z`` output wherever git offers it.

**The runner** (``GitRunner``) runs ``git`` in the project root through the
check's ``run_process``, so the core kills it (and anything it started)
when the check times out or is cancelled; each command has its own timeout;
``calls`` counts the commands run; a failure raises ``GitError`` (a
``PluginError``) naming the command and quoting git's stderr.

The questions every git-reading check asks (where is the work tree, is
this one, is it shallow, is there a commit) are in
``autocode_core.toolkit.worktree``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autocode_core.errors import PluginError

if TYPE_CHECKING:
    from autocode_core.run.context import CheckContext

__all__ = [
    "GIT_CONFIG",
    "KEPT_GIT_VARIABLES",
    "GitError",
    "GitNotFoundError",
    "GitRunner",
    "NotAGitRepositoryError",
    "RunProcess",
    "git_command",
    "git_environment",
]

#: ``run(args, *, cwd, env, timeout, text) -> CompletedProcess``: ``CheckContext.run_process``
RunProcess = Callable[..., "subprocess.CompletedProcess[Any]"]

#: ``GIT_*`` variables that survive: remotes, git's own programs, the user's configuration
KEPT_GIT_VARIABLES = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_HTTP_PROXY_AUTHMETHOD",
        "GIT_ALLOW_PROTOCOL",
        "GIT_ASKPASS",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
    }
)
_KEPT_GIT_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")

#: variables every git command runs with (see the module docstring)
_FIXED_ENVIRONMENT = {
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
    "LANGUAGE": "C",
}

#: ``-c`` options every git command runs with, so user configuration cannot change formats
GIT_CONFIG: Mapping[str, str] = {
    "core.quotePath": "off",
    "color.ui": "never",
    "diff.noprefix": "false",
    "diff.mnemonicPrefix": "false",
    "diff.relative": "false",
    "diff.external": "",
    "status.relativePaths": "false",
    "log.showSignature": "false",
}

_SHOWN_COMMAND_CHARS = 200
_SHOWN_STDERR_CHARS = 2000


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs with: ``base`` (default ``os.environ``) without
    the ``GIT_*`` variables a hook or a parent git process may have set, plus the
    fixed settings of the module docstring."""
    source = os.environ if base is None else base
    env = {
        name: value
        for name, value in source.items()
        if not name.startswith("GIT_")
        or name in KEPT_GIT_VARIABLES
        or name.startswith(_KEPT_GIT_PREFIXES)
    }
    env.update(_FIXED_ENVIRONMENT)
    return env


def git_command(args: Sequence[str], config: Mapping[str, str] | None = None) -> list[str]:
    """``["git", "-c", ..., *args]`` with ``GIT_CONFIG`` and then ``config`` (which wins)."""
    command = ["git"]
    for key, value in {**GIT_CONFIG, **(config or {})}.items():
        command += ["-c", f"{key}={value}"]
    command += list(args)
    return command


class GitError(PluginError):
    """A git command failed, timed out or could not start.

    ``command`` is the command line (without the ``-c`` options),
    ``returncode`` git's exit status (``None`` when it did not exit on its
    own), ``stderr`` what git printed there. The message names the command
    and quotes stderr; as a ``PluginError`` it becomes the check's error
    result without a traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        command: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr

    @classmethod
    def from_completed(
        cls, args: Sequence[str], done: subprocess.CompletedProcess[bytes]
    ) -> GitError:
        """The error for ``git <args>`` that exited non-zero: it names the command and
        quotes stderr; a ``NotAGitRepositoryError`` when git said "not a git repository"."""
        stderr = os.fsdecode(done.stderr or b"").strip()
        quoted = stderr[-_SHOWN_STDERR_CHARS:] if stderr else "no error output"
        message = (
            f"git {args[0]} failed (exit {done.returncode}): {quoted} (command: {_shown(args)})"
        )
        kind = NotAGitRepositoryError if "not a git repository" in stderr else GitError
        return kind(message, command=["git", *args], returncode=done.returncode, stderr=stderr)


class GitNotFoundError(GitError):
    """git is not installed or not on ``PATH``."""


class NotAGitRepositoryError(GitError):
    """The folder is not inside a git work tree (or is a bare repository)."""


def _shown(args: Sequence[str]) -> str:
    text = shlex.join(["git", *args])
    return text if len(text) <= _SHOWN_COMMAND_CHARS else text[: _SHOWN_COMMAND_CHARS - 1] + "…"


class GitRunner:
    """Runs ``git`` in one folder (the project root) with the policy of this module.

    :param cwd: where git runs; paths in git's output are relative to it
        unless the command says otherwise.
    :param run_process: runs the command; ``CheckContext.run_process`` inside
        a check (use ``from_context``). Default: a private
        ``CheckProcesses().run``, for scripts and benchmarks.
    :param timeout: seconds each command may take (``None``: no limit of its own).
    :param config: extra ``-c`` options, e.g. ``{"status.renames": "copies"}``.
    :param environ: the base environment (default ``os.environ``), scrubbed
        by ``git_environment`` once, here.
    """

    def __init__(
        self,
        cwd: str | os.PathLike[str],
        run_process: RunProcess | None = None,
        *,
        timeout: float | None = None,
        config: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if run_process is None:
            from autocode_core.run.processes import CheckProcesses

            run_process = CheckProcesses().run
        self.cwd = Path(cwd)
        self.timeout = timeout
        self.calls = 0
        self._count_lock = threading.Lock()  # runs may come from several threads
        self._run_process: RunProcess = run_process
        self._config = dict(config or {})
        self._env = git_environment(environ)

    @classmethod
    def from_context(
        cls,
        context: CheckContext[Any],
        *,
        timeout: float | None = None,
        config: Mapping[str, str] | None = None,
    ) -> GitRunner:
        """A runner in ``context.project_root`` on ``context.run_process``.

        :param timeout: per command; default the check's own ``timeout_seconds``.
        """
        return cls(
            context.project_root,
            context.run_process,
            timeout=context.timeout_seconds if timeout is None else timeout,
            config=config,
        )

    def run(
        self,
        args: Sequence[str],
        *,
        check: bool = True,
        timeout: float | None = None,
        input: bytes | None = None,
        spool: bool = False,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``git <args>``; stdout and stderr are bytes.

        :param check: raise when git exits with a non-zero status; with
            ``False`` the caller reads ``returncode`` itself.
        :param timeout: this command's limit, instead of the runner's.
        :param input: bytes for git's standard input (``--stdin`` commands).
        :param spool: git writes its output to a temporary file, read back
            when it ends, instead of a pipe: for outputs of megabytes (the
            log of a long history) that is about a sixth faster on two cores.
        :raises NotAGitRepositoryError: (``check`` only) the folder is not in a git repository.
        :raises GitError: git failed (``check`` only), timed out, or ``cwd`` is not a folder.
        :raises GitNotFoundError: git is not installed or not on ``PATH``.
        :raises RunCancelledError: the check run was cancelled or timed out.
        """
        limit = self.timeout if timeout is None else timeout
        with self._count_lock:
            self.calls += 1
        extra: dict[str, Any] = {} if input is None else {"input": input}
        with contextlib.ExitStack() as stack:
            if spool:
                extra["stdout"] = stack.enter_context(tempfile.TemporaryFile())
            done = self._start(args, limit, extra)
            if spool:
                extra["stdout"].seek(0)
                done.stdout = extra["stdout"].read()
        if check and done.returncode != 0:
            raise GitError.from_completed(args, done)
        return done

    def _start(
        self, args: Sequence[str], limit: float | None, extra: dict[str, Any]
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = self._run_process(
                git_command(args, self._config),
                cwd=self.cwd,
                env=self._env,
                timeout=limit,
                text=False,
                **extra,
            )
        except FileNotFoundError:
            if not self.cwd.is_dir():
                raise GitError(
                    f"project root {str(self.cwd)!r} does not exist or is not a folder",
                    command=["git", *args],
                ) from None
            raise GitNotFoundError(
                "git is not installed or not on PATH", command=["git", *args]
            ) from None
        except subprocess.TimeoutExpired:
            raise GitError(
                f"git {args[0]} timed out after {limit:g} s (command: {_shown(args)})",
                command=["git", *args],
            ) from None
        return done

    def __call__(self, args: Sequence[str]) -> bytes:
        """Run ``git <args>`` and return its stdout; raises as ``run``."""
        return self.run(args).stdout
