"""What a task carries: the run, and where its code is. Nothing from the daemon's
configuration travels (no token, webhook, password, broker URL): a worker reads
the project's own ``autocode.toml`` from the code it runs, with the plugins
installed on its machine.

``location`` is ``{"kind": "path", "path": ...}`` (a shared file system) or
``{"kind": "git", "url", "commit", "patch", "subdir"}``: the exact commit the
daemon's working tree is on, and ``git diff HEAD --binary`` plus untracked
files as a patch (empty for a clean tree). A URL's password is never sent: a
worker authenticates with its own git credentials.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from autocode_celery.settings import CelerySettings
from autocode_core.run.executor import RunJob

__all__ = ["MAX_UNTRACKED", "code_location", "task_payload", "without_password"]

MAX_UNTRACKED = 500  # untracked files carried in a patch, at most


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {root}: {done.stderr.strip()}")
    return done.stdout


def without_password(url: str) -> str:
    """``url`` without a password in its user part (scp-like URLs are kept)."""
    parts = urlsplit(url)
    if not parts.scheme or parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def code_location(root: Path, settings: CelerySettings) -> dict[str, Any]:
    """Where a worker finds the code of the project at ``root`` (see the module docstring).

    :raises RuntimeError: ``code = "git"`` and ``root`` is not in a git repository
        with a commit and a URL.
    """
    if settings.code == "path":
        return {"kind": "path", "path": settings.path or str(root)}
    url = settings.repository_url or _git(root, "remote", "get-url", "origin").strip()
    commit = _git(root, "rev-parse", "HEAD").strip()
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    patch = _git(top, "diff", "HEAD", "--binary")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    for name in [u for u in untracked if u][:MAX_UNTRACKED]:
        done = subprocess.run(["git", "-C", str(top), "diff", "--no-index", "--binary", "--", "/dev/null", name],
                              capture_output=True, text=True, timeout=60, check=False)
        patch += done.stdout  # exit code 1 means "differs", as it should
    subdir = root.resolve().relative_to(top.resolve()).as_posix()
    return {"kind": "git", "url": without_password(url), "commit": commit, "patch": patch,
            "subdir": "" if subdir == "." else subdir}


def task_payload(job: RunJob, settings: CelerySettings) -> dict[str, Any]:
    """The task's keyword arguments for ``job`` (JSON, no secrets)."""
    return {
        "run_id": job.run_id,
        "check": job.check_name,
        "trigger": job.trigger,
        "timeout_seconds": job.timeout_seconds,
        "changed_paths": sorted(job.changed_paths) if job.changed_paths is not None else None,
        "location": code_location(job.project_root, settings),
    }
