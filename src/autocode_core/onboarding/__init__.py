"""``autocode init``: look at a project, decide the settings that make the checks right for it.

* ``files``: the project's files as git sees them (a walk without git);
* ``tests_layout``: where code and tests live (src or flat, ``tests/``,
  ``test/``, ``testing/``, mirrored or flat test files, ``_private`` modules)
  -> ``checks.test_check.layout``;
* ``docs_layout``: Markdown or reStructuredText, mirroring the code or not
  -> ``checks.doc_check`` or ``daemon.doc_check.enabled = false``;
* ``environment``: the project's interpreter (``.venv``, ``venv``,
  ``$VIRTUAL_ENV``, uv, poetry, hatch) -> ``checks.test_check.python``;
* ``writer``: the TOML (``autocode.toml`` or ``[tool.autocode]`` in
  ``pyproject.toml``) and ``.gitignore`` entries.

Every decision is a ``Decision``: a dotted key, a value and the reason, so
the command can print what it decided and why.
"""
