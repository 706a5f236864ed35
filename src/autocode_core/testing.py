"""A test kit for plugin authors, registered as a pytest plugin (``pytest11``).

Fixtures:

* ``autocode``: an ``AutocodeHarness``: register plugins in memory (no
  entry-point loading, no configuration files, no environment), then run a
  check through the real daemon path and get its ``CheckResult``;
* ``git_repo``: a ``GitRepo``, a fresh git repository in a temporary folder
  with helpers to write files and commit.

Example::

    def test_my_check(autocode, git_repo):
        git_repo.write("src/app.py", "print('hi')\\n")
        git_repo.commit("initial")
        autocode.register(MyCheck)
        result = autocode.run_check("my_check", git_repo.path, settings={"strict": True})
        assert result.status == "success"
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import structlog

from autocode_core.config.models import AutocodeConfig
from autocode_core.config.sources import deep_merge
from autocode_core.daemon.daemon import AutocodeDaemon
from autocode_core.models import CheckResult
from autocode_core.plugin.loader import LoadedPlugins, load_plugins
from autocode_core.run.context import CheckContext

__all__ = ["AutocodeHarness", "GitRepo", "make_context", "make_git_repo"]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Autocode Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Autocode Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class GitRepo:
    """A git repository for tests; every command runs with a fixed identity."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run ``git <args>`` in the repository and return its stdout.

        :raises subprocess.CalledProcessError: git failed (stderr attached).
        """
        full_env = {**os.environ, **GIT_ENV, **(env or {})}
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=full_env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def write(self, relpath: str, text: str | bytes = "") -> Path:
        """Create or overwrite a file (and its folders); returns its path."""
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str = "commit", *, date: str | None = None) -> str:
        """Stage everything and commit (empty commits allowed); returns the new HEAD sha.

        :param date: author and committer date, e.g. ``"2026-01-01T00:00:00Z"``.
        """
        self.git("add", "-A")
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
        self.git("commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()


def make_git_repo(path: Path) -> GitRepo:
    """Initialize a repository (branch ``main``, local identity, no signing) at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    repo.git("config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    repo.git("config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    repo.git("config", "commit.gpgsign", "false")
    return repo


def make_context(
    check_name: str,
    project_root: Path,
    settings: Any = None,
    *,
    config: AutocodeConfig | None = None,
    timeout_seconds: float = 60.0,
    plugin_name: str | None = None,
) -> CheckContext:
    """A ``CheckContext`` for calling a plugin's ``execute`` directly."""
    return CheckContext(
        check_name=check_name,
        plugin_name=plugin_name or check_name,
        project_root=Path(project_root),
        settings=settings,
        config=config or AutocodeConfig(),
        logger=structlog.get_logger(f"autocode.check.{check_name}").bind(check=check_name),
        timeout_seconds=timeout_seconds,
    )


class AutocodeHarness:
    """Plugins registered in memory, and checks run through the real daemon path."""

    def __init__(self) -> None:
        self.plugins: list[Any] = []

    def register(self, plugin: Any, name: str | None = None) -> None:
        """Add a plugin (module, object or ``CheckPlugin`` subclass) for the next daemon."""
        self.plugins.append((name, plugin) if name else plugin)

    def load(self) -> LoadedPlugins:
        """A fresh plugin manager holding only the registered plugins."""
        return load_plugins(entry_points=False, plugins=self.plugins, environ={})

    def daemon(
        self, project_root: Path, config: AutocodeConfig | Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AutocodeDaemon:
        """A daemon over ``project_root`` with only the registered plugins and ``config``."""
        return AutocodeDaemon(
            project_root, config if config is not None else {}, plugins=self.plugins, load_entry_points=False, environ={}, **kwargs
        )

    def _config(self, name: str, settings: Mapping[str, Any] | None, config: Mapping[str, Any] | None) -> dict[str, Any]:
        data = dict(config or {})
        if settings is not None:
            data = deep_merge(data, {"checks": {name: dict(settings)}})
        return data

    def run_check(
        self,
        name: str,
        project_root: Path,
        *,
        settings: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> CheckResult:
        """Run one check once (from synchronous test code) and return its result."""
        return self.daemon(project_root, self._config(name, settings, config)).run_check_manually(name)

    async def arun_check(
        self,
        name: str,
        project_root: Path,
        *,
        settings: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> CheckResult:
        """``run_check`` for async tests."""
        return await self.daemon(project_root, self._config(name, settings, config)).run_check(name)


@pytest.fixture
def autocode() -> Iterator[AutocodeHarness]:
    """An ``AutocodeHarness`` with no plugin registered."""
    yield AutocodeHarness()


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """A fresh git repository (branch ``main``) in a temporary folder."""
    return make_git_repo(tmp_path / "repo")
