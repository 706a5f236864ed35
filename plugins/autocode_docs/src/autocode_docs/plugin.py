"""The ``doc_check`` plugin: registered under the ``autocode`` entry-point group."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from autocode_core import CheckContext, CheckPlugin, CheckResult
from autocode_core.toolkit import GitRunner
from autocode_docs.doc_check import check_docs
from autocode_docs.findings import findings_from_details
from autocode_docs.settings import DocCheckSettings

__all__ = ["DocCheckPlugin"]


class DocCheckPlugin(CheckPlugin[DocCheckSettings]):
    """Documentation check: code files, folders and the project documented and current."""

    name = "doc_check"
    description = "Documentation check: documentation freshness and the docs index"
    interval_minutes = 10
    settings_model = DocCheckSettings
    #: file watching: code and documentation files, and the documentation folders
    watch: ClassVar[list[str] | None] = ["*.py", "*.pyi", "*.md", "*.rst", "*.txt", "docs/", "doc/"]
    config_aliases: ClassVar[dict[str, str]] = {"doc_index": "index"}
    env_vars: ClassVar[dict[str, str]] = {
        "AUTOCODE_DOC_INDEX_ENABLED": "index.enabled",
        "AUTOCODE_DOC_INDEX_AUTO_GENERATE": "index.auto_generate",
        "AUTOCODE_DOC_INDEX_PATH": "index.output_path",
    }

    def execute(self, context: CheckContext[DocCheckSettings]) -> CheckResult:
        """Run the check; git goes through the toolkit's runner on ``context.run_process``.

        Caches live in ``context.state_folder()`` (``run_cache``); a
        change-triggered run (``context.trigger == "change"`` with
        ``context.changed_paths``) judges again only what the change affects.
        """
        changed = context.changed_paths if context.trigger == "change" else None
        try:
            cache_dir: Path | None = context.state_folder()
        except OSError as exc:  # a read-only project: run without the cache
            context.logger.warning("doc_check_cache_unavailable", error=str(exc))
            cache_dir = None
        result = check_docs(
            context.project_root,
            context.settings,
            git=GitRunner.from_context(context),
            state_dir=context.config.daemon.state_dir,
            cache_dir=cache_dir,
            changed_paths=changed,
        )
        result = result.model_copy(update={"findings": findings_from_details(result.details)})
        context.logger.info(
            "doc_check_finished",
            history=result.details.get("history"),
            needs_attention=result.details.get("needs_attention"),
            index_written=result.details.get("index", {}).get("written"),
        )
        return result
