"""Test path templates: where the test of a module or a code folder lives.

A template is a project-relative path with placeholders:

* ``{dir}``: the code's folder relative to its source root, as a whole path
  segment; it vanishes (with its slash) for code directly in the source root;
* ``{name}``: the module's file name without ``.py`` (unit tests);
* ``{folder}``: the code folder's own name, the last part of ``{dir}``
  (integration tests).

``tests/{dir}/test_{name}.py`` maps ``pkg/core/api.py`` (source root ``.``) to
``tests/pkg/core/test_api.py``; ``tests/test_{name}.py`` is a flat layout;
``{dir}/{name}_test.py`` keeps tests next to the code. The same template,
compiled to a regular expression, recognises test files that follow it, so
the ones no code asks for can be reported as orphans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

__all__ = ["PLACEHOLDERS", "TemplateError", "TestPathTemplate"]

PLACEHOLDERS = ("dir", "name", "folder")
_FIELD = re.compile(r"\{([^{}]*)\}")


class TemplateError(ValueError):
    """A template that cannot describe test paths (the message says why)."""


@dataclass(frozen=True)
class TestPathTemplate:
    """One compiled test path template; see the module docstring."""

    __test__ = False  # not a pytest test class

    text: str

    def __post_init__(self) -> None:
        problem = _problem(self.text)
        if problem:
            raise TemplateError(f"test path template {self.text!r}: {problem}")

    @cached_property
    def segments(self) -> tuple[str, ...]:
        """The template's ``/``-separated parts."""
        return tuple(self.text.split("/"))

    @cached_property
    def root(self) -> str:
        """The literal folder every matching test lives in (``""`` when tests sit next to code)."""
        literal = []
        for segment in self.segments[:-1]:
            if _FIELD.search(segment):
                break
            literal.append(segment)
        return "/".join(literal)

    def expand(self, dir: str, name: str = "", folder: str = "") -> str:
        """The test path for code in ``dir`` (``""`` for the source root itself)."""
        parts = []
        for segment in self.segments:
            if segment == "{dir}":
                if dir:
                    parts.append(dir)
                continue
            parts.append(segment.replace("{name}", name).replace("{folder}", folder))
        return "/".join(parts)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A regular expression matching every path ``expand`` can produce."""
        out = []
        seen: set[str] = set()
        for i, segment in enumerate(self.segments):
            last = i == len(self.segments) - 1
            if segment == "{dir}":
                out.append("(?:(?P<dir>.+)/)?")
                seen.add("dir")
                continue
            piece = ""
            pos = 0
            for field in _FIELD.finditer(segment):
                key = field.group(1)
                piece += re.escape(segment[pos : field.start()])
                piece += f"(?P={key})" if key in seen else f"(?P<{key}>[^/]+?)"
                seen.add(key)
                pos = field.end()
            piece += re.escape(segment[pos:])
            out.append(piece if last else piece + "/")
        return re.compile("".join(out) + r"\Z")

    def match(self, path: str) -> dict[str, str] | None:
        """The placeholder values if ``path`` follows this template, else ``None``."""
        found = self.pattern.match(path)
        if found is None:
            return None
        return {k: v or "" for k, v in found.groupdict().items()}


def _problem(text: str) -> str | None:
    if not text or text.startswith("/") or "\\" in text:
        return "must be a relative path with '/' separators"
    if not text.endswith(".py"):
        return "must end with '.py'"
    segments = text.split("/")
    if any(s in ("", ".", "..") for s in segments):
        return "must not contain empty, '.' or '..' parts"
    for segment in segments:
        for key in _FIELD.findall(segment):
            if key not in PLACEHOLDERS:
                return f"unknown placeholder {{{key}}} (known: {{dir}}, {{name}}, {{folder}})"
        if "{dir}" in segment and segment != "{dir}":
            return "{dir} must be a whole path part, as in 'tests/{dir}/test_{name}.py'"
        if segment.count("{") != len(_FIELD.findall(segment)) or segment.count(
            "}"
        ) != segment.count("{"):
            return "unbalanced braces"
    if "{dir}" in segments[-1:]:
        return "{dir} cannot be the file name"
    if len(_FIELD.sub("", segments[-1])) <= len(".py"):
        return "the file name needs text besides placeholders, as in 'test_{name}.py'"
    return None
