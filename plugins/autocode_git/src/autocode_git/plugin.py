"""``git_check``: summarize the working tree's changes and their LLM token cost.

Each run writes ``git_changes.json`` (see ``summary``), counts the tokens of
every change (see ``token_budget``) and returns:

* ``success`` "✅ No changes detected";
* ``warning`` "📊 N files changed (...)", or "⚠️ TOKEN ALERT: current > threshold
  tokens" when the budget is exceeded;
* ``error`` "❌ ..." when the project is not a git work tree or git fails.

``details`` holds counts, token figures and the summary's path, never diffs.
Git, the state folder, declared outputs and atomic writes come from
``autocode_core.toolkit``.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from autocode_core import CheckContext, CheckPlugin, CheckResult, PluginError
from autocode_core.toolkit import (
    GitRunner,
    WorkTree,
    autocode_outputs,
    find_work_tree,
    head_commit,
    write_json_atomic,
)
from autocode_git.changes import CATEGORIES, display_path
from autocode_git.findings import findings_from_details
from autocode_git.incremental import CHANGE_CACHE_NAME, ChangeCache
from autocode_git.settings import GitCheckSettings, TokenSettings
from autocode_git.summary import ChangeSummary, collect_changes, summary_json
from autocode_git.token_budget import TokenBudget, TokenCache, apply_token_budget
from autocode_git.tokens import TokenCounter

__all__ = ["TOKEN_CACHE_NAME", "GitCheckPlugin"]

#: at most this many changed files are listed in ``details`` (the file has them all)
DETAILS_FILE_LIMIT = 50
#: the token-count cache, in the check's state folder (``.autocode/checks/git_check/``)
TOKEN_CACHE_NAME = "token_cache.json"
#: with ``--find-renames``, ``git status`` reports copies too, as ``git diff --find-copies``
_FIND_COPIES = {"status.renames": "copies"}


class GitCheckPlugin(CheckPlugin[GitCheckSettings]):
    """Working-tree change summary (git_changes.json) and LLM token budget."""

    name = "git_check"
    description = "Git changes: working-tree change summary and LLM token budget"
    interval_minutes = 5
    settings_model = GitCheckSettings
    #: file watching: any file git does not ignore, and .git HEAD/index/refs moves (commit, checkout, stage)
    watch: ClassVar[list[str] | None] = ["*"]
    config_aliases: ClassVar[dict[str, str]] = {"daemon.token_alerts": "tokens"}
    env_vars: ClassVar[dict[str, str]] = {
        "AUTOCODE_TOKEN_THRESHOLD": "tokens.threshold",
        "AUTOCODE_TOKEN_MODEL": "tokens.model",
    }

    def __init__(self, daemon: Any = None) -> None:
        super().__init__(daemon)
        self._counters: dict[tuple[str, str | None, bool], TokenCounter] = {}
        self._lock = threading.Lock()

    def _counter(self, config: TokenSettings) -> TokenCounter:
        key = (config.model, config.encoding, config.allow_download)
        with self._lock:
            if key not in self._counters:
                self._counters[key] = TokenCounter(
                    config.model, encoding=config.encoding, allow_download=config.allow_download
                )
            return self._counters[key]

    def execute(self, context: CheckContext[GitCheckSettings]) -> CheckResult:
        settings = context.settings
        root = Path(context.project_root)
        run_git = GitRunner.from_context(
            context, timeout=settings.git_timeout_seconds, config=_FIND_COPIES
        )
        repository = find_work_tree(run_git)
        outputs = autocode_outputs(context)
        changes_cache = ChangeCache(context.state_folder() / CHANGE_CACHE_NAME)
        reuse = None
        if context.trigger == "change" and context.changed_paths is not None:
            key = _cache_key(settings, repository, outputs, run_git)
            reuse = changes_cache.reuser(key, repository, context.changed_paths)
        summary = collect_changes(repository, run_git, settings, outputs, reuse=reuse)
        changes_cache.save(
            _key_for(settings, repository, outputs, summary.head),
            repository,
            summary.entries,
            summary.changes,
        )
        budget = None
        if settings.tokens.enabled:
            cache = TokenCache(context.state_folder() / TOKEN_CACHE_NAME)
            budget = apply_token_budget(
                summary.changes, settings.tokens, self._counter(settings.tokens), cache
            )
            cache.save()
            if budget.warning:
                context.logger.warning("token_count_estimated", reason=budget.warning)
        output = root / settings.output_path
        timestamp = datetime.now(UTC).isoformat()
        try:
            write_json_atomic(
                output, summary_json(summary, timestamp, budget.to_json() if budget else None)
            )
        except OSError as exc:
            raise PluginError(f"cannot write {output}: {exc}") from exc
        context.logger.info(
            "git_changes_written",
            path=str(output),
            files=len(summary.categories),
            tokens=budget.total if budget else None,
            git_commands=run_git.calls,
        )
        result = _result(summary, budget, settings.output_path, run_git.calls)
        if context.trigger == "change":
            details = {**result.details, "incremental": {"reread": summary.diffed}}
            result = result.model_copy(update={"details": details})
        result = result.model_copy(update={"findings": findings_from_details(result.details)})
        return result


def _key_for(
    settings: GitCheckSettings, repository: WorkTree, outputs: list[str], head: str | None
) -> str:
    """What a reused change depends on besides its own file (``incremental``)."""
    return "\0".join([head or "", repository.prefix, *outputs, settings.model_dump_json()])


def _cache_key(
    settings: GitCheckSettings, repository: WorkTree, outputs: list[str], run_git: GitRunner
) -> str:
    return _key_for(settings, repository, outputs, head_commit(run_git))


def _counts_text(summary: ChangeSummary) -> str:
    counts = summary.repository_status()
    parts = [f"{counts[name]} {name.replace('_', ' ')}" for name in CATEGORIES if counts[name]]
    return ", ".join(parts)


def _result(
    summary: ChangeSummary, budget: TokenBudget | None, output_path: str, git_calls: int
) -> CheckResult:
    files = summary.files
    details: dict[str, Any] = {
        "summary_path": output_path,
        "repository_status": summary.repository_status(),
        "branch": summary.branch,
        "head": summary.head,
        "detached": summary.detached,
        "files": [display_path(p) for p in files[:DETAILS_FILE_LIMIT]],
        "files_omitted": max(0, len(files) - DETAILS_FILE_LIMIT),
        "excluded_files": len(summary.excluded_files),
        "git_commands": git_calls,
    }
    if budget is not None:
        tokens = budget.to_json()
        tokens["excluded_files"] = tokens["excluded_files"][:DETAILS_FILE_LIMIT]
        tokens["counted_now"] = budget.counted_now
        tokens["cache_hits"] = budget.cache_hits
        details["tokens"] = tokens
    if not files:
        return CheckResult(status="success", message="✅ No changes detected", details=details)
    if budget is not None and budget.over_threshold:
        approx = "" if budget.exact else "~"
        suffix = "" if budget.exact else " (estimated)"
        message = f"⚠️ TOKEN ALERT: {approx}{budget.total} > {budget.threshold} tokens{suffix}"
        return CheckResult(status="warning", message=message, details=details)
    noun = "file" if len(files) == 1 else "files"
    return CheckResult(
        status="warning",
        message=f"📊 {len(files)} {noun} changed ({_counts_text(summary)})",
        details=details,
    )
