"""Files checks write into the project, declared so that others can leave them alone.

A check that writes files into the project (a report, an index) declares
them on its settings model, by overriding ``CheckSettings.outputs``::

    from autocode_core import CheckSettings

    class ReportSettings(CheckSettings):
        report_path: str = "reports/lint.json"

        def outputs(self) -> list[str]:
            return [self.report_path]

Paths are relative to the project root (absolute paths are allowed).
Declare a file even when this run does not write it (a switched-off
report): it is still autocode's file, not the user's. Caches and other state
do not belong in the project: put them in ``context.state_folder()``.

Other checks then ignore those files without knowing any plugin's field
names: ``declared_outputs(context.config.checks)`` maps each check to what it
declared, and ``autocode_outputs(context)`` gives the project-relative paths
of everything autocode writes (the state folder included), ready to
exclude from a file listing or a ``git status``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autocode_core.plugin.settings import CheckSettings, declared_outputs

if TYPE_CHECKING:
    from autocode_core.run.context import CheckContext

__all__ = ["autocode_outputs", "declared_outputs"]


def _project_relative(root: Path, path: str) -> str | None:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        relative = Path(os.path.normpath(candidate)).relative_to(os.path.normpath(root))
    except ValueError:
        return None  # outside the project
    text = relative.as_posix()
    return None if text in ("", ".") else text


def autocode_outputs(context: CheckContext[Any]) -> list[str]:
    """Project-relative paths (files or folders) autocode writes, sorted, without duplicates.

    They are the state folder (``daemon.state_dir``), every check's declared
    outputs (``declared_outputs(context.config.checks)``) and the running
    check's own (from ``context.settings``, which covers a context built
    without the whole configuration, as in tests). Paths outside the project
    root are left out.
    """
    root = Path(context.project_root)
    candidates = [os.fspath(context.config.daemon.state_dir)]
    for paths in declared_outputs(context.config.checks).values():
        candidates += paths
    if isinstance(context.settings, CheckSettings):
        candidates += [str(path) for path in context.settings.outputs()]
    found = {_project_relative(root, path) for path in candidates}
    return sorted(p for p in found if p is not None)
