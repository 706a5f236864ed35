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
    "DocFormat",
    "DocIndexConfig",
    "DocIndexSettings",
    "DocsConfig",
    "HistorySource",
]

HistorySource = Literal["auto", "git", "mtime"]
DocFormat = Literal["md", "rst"]
TEMPLATE_KEYS = ("{path}", "{import_path}")


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
    * ``doc_template``: where a code file's document lives inside the docs
      folder, without extension: ``{path}`` (default; the code path without
      its extension, ``src/click/core``) or ``{import_path}`` (the same
      without a leading ``src/``: ``click/core``), optionally with a fixed
      folder before or a suffix after it (``api/{import_path}``). Folders
      map the same way to ``<mapped folder>/_module``.
    * ``doc_format``: ``"md"`` (Markdown) or ``"rst"`` (reStructuredText,
      Sphinx): the extension of every document expected, orphaned, topic or
      indexed (``_module.rst``, ``_index.rst``).
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
    doc_template: str = "{path}"
    doc_format: DocFormat = "md"
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

    @field_validator("doc_template")
    @classmethod
    def _template(cls, value: str) -> str:
        cleaned = value.strip().replace("\\", "/").strip("/")
        keys = [k for k in TEMPLATE_KEYS if k in cleaned]
        if len(keys) != 1 or cleaned.count(keys[0]) != 1:
            raise ValueError(
                "must contain exactly one of {path} or {import_path}, "
                f"e.g. '{{import_path}}' for docs/click/core.md (got {value!r})"
            )
        rest = cleaned.replace(keys[0], "")
        if "{" in rest or "}" in rest:
            raise ValueError(
                f"only {{path}} and {{import_path}} can be used (got {value!r})"
            )
        if ".." in cleaned.split("/") or cleaned.startswith("~"):
            raise ValueError(f"must stay inside the docs folder (got {value!r})")
        if rest.endswith((".md", ".rst")):
            raise ValueError(
                f"leave the extension out, doc_format sets it (got {value!r})"
            )
        return cleaned

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
