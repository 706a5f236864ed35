"""The ``doc_check`` plugin: registered under the ``autocode`` entry-point group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from autocode_core import CheckContext, CheckPlugin, CheckResult
from autocode_docs.doc_check import check_docs
from autocode_docs.findings import findings_from_details
from autocode_docs.git_snapshot import git_args, git_environment
from autocode_docs.settings import DocsConfig

__all__ = ["DocCheckPlugin"]


class DocCheckPlugin(CheckPlugin):
    """Verificación de Documentación: code files, folders and the project documented and current."""

    name = "doc_check"
    description = "Verificación de Documentación: documentation freshness and the docs index"
    interval_minutes = 10
    settings_model = DocsConfig
    config_aliases: ClassVar[dict[str, str]] = {"doc_index": "index"}
    env_vars: ClassVar[dict[str, str]] = {
        "AUTOCODE_DOC_INDEX_ENABLED": "index.enabled",
        "AUTOCODE_DOC_INDEX_AUTO_GENERATE": "index.auto_generate",
        "AUTOCODE_DOC_INDEX_PATH": "index.output_path",
    }

    def execute(self, context: CheckContext) -> CheckResult:
        """Run the check; git commands go through ``context.run_process``."""
        settings = context.settings if isinstance(context.settings, DocsConfig) else DocsConfig()
        env = git_environment()

        def git(args: Sequence[str]):
            return context.run_process(
                git_args(args),
                cwd=context.project_root,
                env=env,
                timeout=context.timeout_seconds,
                text=False,
            )

        result = check_docs(context.project_root, settings, git=git)
        result.findings = findings_from_details(result.details)
        context.logger.info(
            "doc_check_finished",
            history=result.details.get("history"),
            needs_attention=result.details.get("needs_attention"),
            index_written=result.details.get("index", {}).get("written"),
        )
        return result
