"""Settings of ``git_check``: where the summary goes, what is capped, what is excluded,
and the token budget.

``GitCheckSettings`` is the check's ``settings_model`` (``[checks.git_check]``);
``TokenSettings`` is its ``tokens`` section, also accepted at its historical
location ``[daemon.token_alerts]``. Validating a ``TokenSettings`` checks the
model name against tiktoken's model table, so an unknown model is a
configuration error that names it, never a silent fallback to another
tokenizer. tiktoken is imported only when a model is validated.

Both are ``CheckSettings``: unknown keys are reported by the core as warnings
naming the file and the key, never fatal. Every number has documented bounds.
``GitCheckConfig`` and ``TokenConfig`` are the former names, kept as aliases.
"""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from autocode_core import CheckSettings

__all__ = [
    "DEFAULT_TOKEN_EXCLUDES",
    "GitCheckConfig",
    "GitCheckSettings",
    "TokenConfig",
    "TokenSettings",
    "encoding_for_model_name",
]

#: Lock files and generated files kept out of the token budget by default.
DEFAULT_TOKEN_EXCLUDES: tuple[str, ...] = (
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "go.sum",
    "*.min.js",
    "*.min.css",
    "*.map",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.go",
    "*.generated.*",
)


def encoding_for_model_name(model: str) -> str:
    """The tiktoken encoding name for ``model`` (e.g. ``gpt-4`` -> ``cl100k_base``).

    :raises KeyError: tiktoken does not know the model.
    """
    from tiktoken.model import encoding_name_for_model

    return encoding_name_for_model(model)


class TokenSettings(CheckSettings):
    """The LLM token budget of the change summary.

    * ``enabled``: count tokens at all.
    * ``threshold``: above this many tokens the check reports a TOKEN ALERT
      (0 to 1,000,000,000).
    * ``encoding``: an explicit tiktoken encoding (``cl100k_base``, ``o200k_base``);
      when set, ``model`` is only a label and is not looked up.
    * ``model``: the model whose encoding is used (``gpt-4`` -> ``cl100k_base``,
      ``gpt-4o`` -> ``o200k_base``); unknown models are rejected.
    * ``exclude``: globs of files left out of the budget (lock files, generated
      files); a glob without ``/`` matches the file name in any folder, one with
      ``/`` matches the whole path (``*`` also crosses ``/``).
    * ``top_files``: how many of the costliest files the result lists (0 to 1000).
    * ``allow_download``: let tiktoken download a BPE file it has neither packaged
      nor cached; off by default so a check never waits on the network.
    """

    enabled: bool = True
    threshold: int = Field(default=50000, ge=0, le=1_000_000_000)
    encoding: str | None = None
    model: str = "gpt-4"
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_TOKEN_EXCLUDES))
    top_files: int = Field(default=10, ge=0, le=1000)
    allow_download: bool = False

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import tiktoken

        known = tiktoken.list_encoding_names()
        if value not in known:
            raise ValueError(
                f"unknown tiktoken encoding {value!r} (known: {', '.join(sorted(known))})"
            )
        return value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("encoding") or info.data.get("enabled") is False:
            return value
        try:
            encoding_for_model_name(value)
        except KeyError:
            raise ValueError(
                f"unknown model {value!r}: tiktoken cannot map it to an encoding; "
                "use a known model (gpt-4, gpt-4o, ...) or set tokens.encoding"
            ) from None
        return value

    @property
    def encoding_name(self) -> str:
        """The encoding to use: ``encoding`` if set, else the model's."""
        return self.encoding or encoding_for_model_name(self.model)


class GitCheckSettings(CheckSettings):
    """Settings of ``git_check`` (``[checks.git_check]``).

    * ``output_path``: the summary file, relative to the project root; it is
      the check's declared output (``outputs()``), so no check reports it.
    * ``max_diff_bytes``: per-change cap of the diff text kept in the file; a
      longer diff is cut at a line boundary and marked ``diff_truncated``
      (0 to 1,000,000,000).
    * ``exclude``: globs of files left out of the summary entirely (same glob
      rules as ``tokens.exclude``); git's own ignore rules always apply.
    * ``include_untracked``: report untracked files (with their content as diff).
    * ``find_renames``: detect renames and copies of modified files as git does
      (similarity 50%).
    * ``git_timeout_seconds``: limit of each git command (more than 0, at most
      86400: one day).
    * ``tokens``: the token budget (``TokenSettings``).
    """

    output_path: str = "git_changes.json"
    max_diff_bytes: int = Field(default=100_000, ge=0, le=1_000_000_000)
    exclude: list[str] = Field(default_factory=list)
    include_untracked: bool = True
    find_renames: bool = True
    git_timeout_seconds: float = Field(default=120.0, gt=0, le=86_400, allow_inf_nan=False)
    tokens: TokenSettings = Field(default_factory=TokenSettings)

    def outputs(self) -> list[str]:
        """The summary file (``output_path``)."""
        return [self.output_path]


#: former names, kept for existing configuration code
GitCheckConfig = GitCheckSettings
TokenConfig = TokenSettings
