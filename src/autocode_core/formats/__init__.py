"""How results and their findings are shown: one source (``CheckResult.findings``), many views.

* ``autocode_core.formats.findings``: ordering, counting and cutting findings
  (shared by every view: counts say what they count, long lists end with
  "… and N more");
* ``autocode_core.formats.text``: the terminal (``autocode check -v``, ``show``);
* ``autocode_core.formats.junit``: JUnit XML for CI test reporters;
* ``autocode_core.formats.github``: GitHub Actions workflow-command annotations.

Findings come from the plugins (``CheckResult.findings``); a result without
findings is shown by its message alone, never guessed from its ``details``.
"""
