"""Settings of the ``doc_check`` check: ``DocsConfig`` and its ``DocIndexConfig``.

Every field has a default, so an empty configuration gives the layout the
seed's users follow (``docs/<dir>/<name>.md``, ``docs/<dir>/_module.md``,
``docs/_index.md``). There is deliberately no ``enabled`` field at the root of
``DocsConfig``: ``index.enabled`` switches the docs index off, not the check.
Unknown keys are ignored here; the core reports them as configuration warnings.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

__all__ = ["DocIndexConfig", "DocsConfig", "HistorySource"]

HistorySource = Literal["auto", "git", "mtime"]


class DocIndexConfig(BaseModel):
    """The docs index (``.clinerules/docs_index.json``) written by each run.

    * ``enabled``: build the index at all.
    * ``auto_generate``: write it on every run of the check (when enabled).
    * ``output_path``: where, relative to the project root. The git check never
      reports a file named by an ``output_path`` setting as a user change.
    """

    enabled: bool = True
    auto_generate: bool = True
    output_path: str = ".clinerules/docs_index.json"


class DocsConfig(BaseModel):
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
      details (the counts are always complete).
    * ``index``: the docs index, see ``DocIndexConfig``.
    """

    docs_dir: str = "docs"
    directories: list[str] | None = None
    file_extensions: list[str] = Field(default_factory=lambda: [".py"], min_length=1)
    exclude: list[str] = Field(default_factory=list)
    skip_files: list[str] = Field(default_factory=lambda: ["__init__.py"])
    history: HistorySource = "auto"
    max_entries: int = Field(default=100, ge=0)
    index: DocIndexConfig = Field(default_factory=DocIndexConfig)

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
