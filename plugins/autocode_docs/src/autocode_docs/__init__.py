"""autocode-docs: the ``doc_check`` check of autocode.

Every code file, code folder and the project as a whole should have a
document (``docs/<dir>/<name>.md``, ``docs/<dir>/_module.md``,
``docs/_index.md``) that is not behind the code. In a git repository
"behind" comes from history; elsewhere from modification times. Each run can
also write a JSON index of the docs tree (``.clinerules/docs_index.json``).

Importing this package is cheap: it imports pydantic models only.
"""

from autocode_docs.settings import DocCheckSettings, DocIndexConfig, DocIndexSettings, DocsConfig

__all__ = ["DocCheckSettings", "DocIndexConfig", "DocIndexSettings", "DocsConfig"]
