"""autocode-git: the ``git_check`` plugin of autocode, and a token counter usable on its own.

``git_check`` writes a summary of the working tree's changes
(``git_changes.json``) and alerts when the summary's LLM token cost passes a
threshold. ``TokenCounter`` counts tokens exactly with tiktoken, offline.

Importing this package is cheap: tiktoken is imported on first use. Git is
run through ``autocode_core.toolkit`` (no git library is imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autocode_git.settings import GitCheckConfig, GitCheckSettings, TokenConfig, TokenSettings

if TYPE_CHECKING:
    from autocode_git.plugin import GitCheckPlugin
    from autocode_git.tokens import TokenCounter

__all__ = [
    "GitCheckConfig",
    "GitCheckPlugin",
    "GitCheckSettings",
    "TokenConfig",
    "TokenCounter",
    "TokenSettings",
]


def __getattr__(name: str) -> Any:
    if name == "TokenCounter":
        from autocode_git.tokens import TokenCounter

        return TokenCounter
    if name == "GitCheckPlugin":
        from autocode_git.plugin import GitCheckPlugin

        return GitCheckPlugin
    raise AttributeError(f"module 'autocode_git' has no attribute {name!r}")
