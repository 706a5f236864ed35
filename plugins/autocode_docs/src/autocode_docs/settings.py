"""Settings of the ``doc_check`` check: ``DocCheckSettings`` and its ``DocIndexSettings``.

Every field has a default, so an empty configuration gives the usual layout
(``docs/<dir>/<name>.md``, ``docs/<dir>/_module.md``, ``docs/_index.md``).
There is deliberately no ``enabled`` field at the root of
``DocCheckSettings``: ``index.enabled`` switches the docs index off, not the
check. Both are ``CheckSettings``: unknown keys are ignored here and the core
reports them as warnings naming the file and the key. ``DocsConfig`` and
``DocIndexConfig`` are the former names, kept as aliases.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from autocode_core import CheckSettings

__all__ = [
    "DocCheckSettings",
    "DocIndexConfig",
    "DocIndexSettings",
    "DocsConfig",
    "HistorySource",
]

HistorySource = Literal["auto", "git", "mtime"]


class DocIndexSettings(CheckSettings):
    """The docs index (``.clinerules/docs_index.json``) written by each run.

    * ``enabled``: build the index at all.
    * ``auto_generate``: write it on every run of the check (when enabled).
    * ``output_path``: where, relative to the project root. It is the check's
      declared output (``DocCheckSettings.outputs``), so no other check
      reports it as a user change.
    """

    enabled: bool = True
    auto_generate: bool = True
    output_path: str = ".clinerules/docs_index.json"


class DocCheckSettings(CheckSettings):
    """How ``doc_check`` finds code and the documents that describe it.

    * ``docs_dir``: the docs folder, relative to the project root.
    * ``directories``: code folders, relative to the project root; ``None``
      discovers packages (folders holding ``__init__.py`` at the root or under
      ``src/``; if there are none, every top-level folder holding code).
    * ``file_extensions``: which files are code (``".py"`` or ``"py"``).
    * ``exclude``: gitignore-syntax patterns of code files (and docs) to leave
      out; matched against paths relative to the project root.
    * ``skip_files``: file names that get no document of their own but still
      count for their folder's ``_module.md`` (``__init__.py`` by default).
    * ``history``: ``"auto"`` reads git history inside a git work tree and
      file modification times elsewhere; ``"git"`` requires git; ``"mtime"``
      always uses modification times.
    * ``max_entries``: at most this many documents are listed in the result's
      details (the counts are always complete); 0 to 100,000.
    * ``index``: the docs index, see ``DocIndexSettings``.
    """

    docs_dir: str = "docs"
    directories: list[str] | None = None
    file_extensions: list[str] = Field(default_factory=lambda: [".py"], min_length=1)
    exclude: list[str] = Field(default_factory=list)
    skip_files: list[str] = Field(default_factory=lambda: ["__init__.py"])
    history: HistorySource = "auto"
    max_entries: int = Field(default=100, ge=0, le=100_000)
    index: DocIndexSettings = Field(default_factory=DocIndexSettings)

    def outputs(self) -> list[str]:
        """The docs index, whether or not this run writes it: it is autocode's file."""
        return [self.index.output_path]

    @field_validator("file_extensions")
    @classmethod
    def _dotted(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for ext in value:
            ext = ext.strip()
            if not ext or ext == ".":
                raise ValueError("an extension cannot be empty")
            ext = ext if ext.startswith(".") else "." + ext
            if ext not in out:
                out.append(ext)
        return out

    @field_validator("docs_dir")
    @classmethod
    def _relative_folder(cls, value: str) -> str:
        cleaned = value.strip().replace("\\", "/").strip("/")
        if not cleaned or cleaned == "." or ".." in cleaned.split("/"):
            raise ValueError("must be a folder inside the project, e.g. 'docs'")
        return cleaned

    @field_validator("directories")
    @classmethod
    def _relative_folders(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        out: list[str] = []
        for folder in value:
            cleaned = folder.strip().replace("\\", "/").strip("/")
            cleaned = cleaned.removeprefix("./")
            if ".." in cleaned.split("/"):
                raise ValueError(f"{folder!r} is outside the project")
            cleaned = "" if cleaned == "." else cleaned
            if cleaned not in out:
                out.append(cleaned)
        return out


#: former names, kept for existing configuration code
DocsConfig = DocCheckSettings
DocIndexConfig = DocIndexSettings
