"""Which files are code, and which document describes each of them.

The convention (``docs`` is ``DocCheckSettings.docs_dir``, ``.md`` the
``doc_format``, ``{path}`` the ``doc_template``):

* a code file ``<dir>/<name>.<ext>`` is documented by ``docs/<dir>/<name>.md``
  (``docs/{template}.md`` with ``{path}`` = ``<dir>/<name>``, or
  ``{import_path}`` = the same without a leading ``src/``);
* a code folder ``<dir>/`` by ``docs/<dir>/_module.md`` (the folder through
  the same template);
* the project by ``docs/_index.md``.

Paths are relative to the project root, with ``/``; the project root itself is
``""`` internally and ``"."`` in results. A file is code when it has one of the
configured extensions, lies under a code folder, is not excluded by the user's
gitignore-style patterns, and no folder between its code folder and itself is
hidden (``.name``), one the toolkit's skip rule names (a virtualenv,
``node_modules``, build output, a cache) or the docs folder. Files git
ignores never reach this module: the caller lists files with the toolkit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from autocode_core.toolkit import is_skipped_folder
from autocode_docs.settings import DocCheckSettings

__all__ = [
    "Layout",
    "ProjectLayout",
    "discover_code_roots",
    "parent_folder",
]


def parent_folder(path: str) -> str:
    """The folder holding ``path`` (``""`` for the project root)."""
    return path.rpartition("/")[0]


def _under(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")


def _excluded_dir(name: str) -> bool:
    """Folders that never hold code to document: hidden ones, and those the toolkit's
    skip rule leaves out of every file listing (``is_skipped_folder``)."""
    return name.startswith(".") or is_skipped_folder(name)


class Layout:
    """The path rules of one ``DocCheckSettings`` (no file system access)."""

    def __init__(self, settings: DocCheckSettings, roots: Iterable[str] = ()) -> None:
        self.settings = settings
        self.docs_dir = settings.docs_dir
        self.doc_ext = "." + settings.doc_format
        before, _, rest = settings.doc_template.partition("{")
        key, _, after = rest.partition("}")
        self._template = (before, key, after)
        self.extensions = sorted(settings.file_extensions, key=len, reverse=True)
        self._ext_tuple = tuple(self.extensions)
        self._ext_set = frozenset(self.extensions)
        self.skip_files = frozenset(settings.skip_files)
        self.roots = sorted(set(roots))
        self._root_set = frozenset(self.roots)
        self._is_code: dict[str, bool] = {}
        self._code_folders: dict[str, bool] = {}
        self._folder_ok: dict[tuple[str, str], bool] = {}
        self._folders: dict[str, list[str]] = {}
        self._spec = None
        if settings.exclude:
            import pathspec  # imported only when the user has patterns

            self._spec = pathspec.GitIgnoreSpec.from_lines(settings.exclude)

    # --- predicates -----------------------------------------------------------------
    def code_extension(self, path: str) -> str | None:
        """The configured extension ``path`` ends with (the longest), if any."""
        name = path.rpartition("/")[2]
        for ext in self.extensions:
            if name.endswith(ext) and len(name) > len(ext):
                return ext
        return None

    def is_user_excluded(self, path: str) -> bool:
        """True if a pattern of ``DocCheckSettings.exclude`` matches ``path``."""
        return self._spec is not None and self._spec.match_file(path)

    def in_docs(self, path: str) -> bool:
        """True if ``path`` is inside the docs folder."""
        return _under(path, self.docs_dir)

    def looks_like_code(self, path: str, root: str = "") -> bool:
        """Extension, folder and exclusion rules, for a file under ``root``."""
        if self.code_extension(path) is None or self.in_docs(path) or not _under(path, root):
            return False
        folder = parent_folder(path)
        ok = self._folder_ok.get((folder, root))
        if ok is None:
            inner = folder[len(root) + 1 :] if root else folder
            ok = not any(_excluded_dir(part) for part in inner.split("/") if part)
            self._folder_ok[(folder, root)] = ok
        return ok and not self.is_user_excluded(path)

    def is_code(self, path: str) -> bool:
        """True if ``path`` (existing or not) would be code under one of ``roots``.

        The folder rules are judged once per folder (``_code_folder``); per
        file only the extension, the docs folder and the user's patterns.
        """
        if not path.endswith(self._ext_tuple):
            return False
        found = self._is_code.get(path)
        if found is None:
            if path in self._root_set or path == self.docs_dir:
                found = self._is_code_slow(path)
            else:
                folder = path.rpartition("/")[0]
                ok = self._code_folders.get(folder)
                if ok is None:
                    ok = self._code_folders[folder] = self._code_folder(folder)
                # a name that ends with an extension and is not the extension
                # itself is longer than it: ``code_extension`` finds one
                found = (
                    ok
                    and (
                        path[len(folder) + 1 :] not in self._ext_set
                        or bool(self.code_extension(path))
                    )
                    and not (self._spec is not None and self._spec.match_file(path))
                )
            self._is_code[path] = found
        return found

    def code_files(self, paths: Iterable[str]) -> list[str]:
        """The paths among ``paths`` that ``is_code`` accepts, in their order."""
        exts, is_code = self._ext_tuple, self.is_code
        return [p for p in paths if p.endswith(exts) and is_code(p)]

    def _code_folder(self, folder: str) -> bool:
        """True if a file directly in ``folder`` passes the folder rules of
        ``looks_like_code`` for one of ``roots`` (the file is not a root itself)."""
        if _under(folder, self.docs_dir) and (folder or not self.docs_dir):
            return False
        for root in self.roots:
            if root and not (folder == root or folder.startswith(root + "/")):
                continue
            inner = folder[len(root) + 1 :] if root else folder
            if not any(_excluded_dir(part) for part in inner.split("/") if part):
                return True
        return False

    def _is_code_slow(self, path: str) -> bool:
        """``is_code`` by the rules, file by file (paths that name a root or the docs folder)."""
        if self.code_extension(path) is None:
            return False
        return any(_under(path, r) and self.looks_like_code(path, r) for r in self.roots)

    def folders_of(self, path: str) -> list[str]:
        """Folders from ``path``'s parent up to its (innermost) code root, inclusive."""
        parent = parent_folder(path)
        found = self._folders.get(parent)
        if found is None:
            found = self._folders[parent] = self._folders_of(path)
        return found

    def _folders_of(self, path: str) -> list[str]:
        roots = [r for r in self.roots if not r or path.startswith(r + "/")]
        root = max(roots, key=len) if roots else ""
        out = []
        folder = parent_folder(path)
        while True:
            out.append(folder)
            if folder == root or not folder:
                return out
            folder = parent_folder(folder)

    # --- documents ------------------------------------------------------------------
    def mapped(self, path: str) -> str:
        """``path`` (a code path without extension, or a folder) through ``doc_template``."""
        before, key, after = self._template
        if key == "import_path":
            path = "" if path == "src" else path.removeprefix("src/")
        return f"{before}{path}{after}" if path else ""

    def code_stems(self, doc: str) -> list[str]:
        """The code paths without extension (or folders) that ``mapped`` sends to ``doc``'s
        name inside the docs folder (extension and ``_module`` removed by the caller)."""
        before, key, after = self._template
        if not (doc.startswith(before) and doc.endswith(after)) or len(doc) <= len(before + after):
            return []
        inner = doc[len(before) : len(doc) - len(after)]
        return [inner, "src/" + inner] if key == "import_path" else [inner]

    def file_doc(self, code: str) -> str:
        """``docs/<dir>/<name>.md`` for the code file ``<dir>/<name>.<ext>`` (template, format)."""
        ext = self.code_extension(code) or ""
        stem = code[: len(code) - len(ext)] if ext else code
        return f"{self.docs_dir}/{self.mapped(stem)}{self.doc_ext}"

    def module_doc(self, folder: str) -> str:
        """``docs/<folder>/_module.md`` (template, format)."""
        inner = self.mapped(folder)
        name = f"_module{self.doc_ext}"
        return f"{self.docs_dir}/{inner}/{name}" if inner else f"{self.docs_dir}/{name}"

    def is_module_doc(self, doc: str) -> bool:
        """True if ``doc`` is named like a folder's document (``_module.md``)."""
        return doc.rpartition("/")[2] == f"_module{self.doc_ext}"

    @property
    def index_doc(self) -> str:
        """``docs/_index.md`` (format)."""
        return f"{self.docs_dir}/_index{self.doc_ext}"

    def needs_own_doc(self, code: str) -> bool:
        """False for ``skip_files`` (``__init__.py``): documented by their folder only."""
        return code.rpartition("/")[2] not in self.skip_files


def discover_code_roots(files: Iterable[str], settings: DocCheckSettings) -> list[str]:
    """The code folders: ``settings.directories``, or discovered packages.

    Discovery: every folder holding ``__init__.py`` directly under the project
    root or under ``src/``. Without any, every top-level folder (and every
    folder directly under ``src/``) that holds code. The rules are judged once
    per folder; files are looked at one by one only when there is no package.
    """
    if settings.directories is not None:
        return sorted(settings.directories)
    layout = Layout(settings)
    names = files if isinstance(files, (set, frozenset)) else set(files)
    root_of: dict[str, str] = {}  # folder -> its candidate root
    for folder in {path.rpartition("/")[0] for path in names}:
        if not folder or folder == "src" or layout.in_docs(folder):
            continue
        parts = folder.split("/", 2)
        if _excluded_dir(parts[0]):
            continue
        top = parts[:2] if parts[0] == "src" else parts[:1]
        if _excluded_dir(top[-1]) or len(top) < (2 if parts[0] == "src" else 1):
            continue
        root_of[folder] = "/".join(top)
    candidates = set(root_of.values())
    packages = {root for root in candidates if f"{root}/__init__.py" in names}
    if packages:
        return sorted(packages)
    holders: set[str] = set()
    for path in names:
        folder, _, name = path.rpartition("/")
        root = root_of.get(folder)
        if root is None or root in holders:
            continue
        if (folder == root and name == "__init__.py") or layout.in_docs(path):
            continue
        if layout.looks_like_code(path, root):
            holders.add(root)
    return sorted(holders)


@dataclass
class ProjectLayout:
    """The code of a project and the documents it expects.

    * ``code_files``: every code file, sorted;
    * ``file_docs``: expected file document -> the code file it documents;
    * ``collisions``: document -> the two or more code files mapping to it;
    * ``module_docs``: expected module document -> its folder;
    * ``folder_code``: folder -> code files under it (recursively), sorted.
    """

    layout: Layout
    code_files: list[str] = field(default_factory=list)
    file_docs: dict[str, str] = field(default_factory=dict)
    collisions: dict[str, list[str]] = field(default_factory=dict)
    module_docs: dict[str, str] = field(default_factory=dict)
    folder_code: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, files: Iterable[str], settings: DocCheckSettings, roots: Iterable[str] | None = None
    ) -> ProjectLayout:
        """Classify ``files`` (existing, not ignored) under ``settings``.

        :param roots: the code folders if already known (see ``discover_code_roots``).
        """
        files = files if isinstance(files, (set, frozenset)) else set(files)
        layout = Layout(settings, discover_code_roots(files, settings) if roots is None else roots)
        code = sorted(layout.code_files(files))
        project = cls(layout=layout, code_files=code)
        by_doc: dict[str, list[str]] = {}
        folders: dict[str, list[str]] = {}
        for path in code:
            if layout.needs_own_doc(path):
                by_doc.setdefault(layout.file_doc(path), []).append(path)
            for folder in layout.folders_of(path):
                folders.setdefault(folder, []).append(path)
        for doc, paths in sorted(by_doc.items()):
            if len(paths) == 1:
                project.file_docs[doc] = paths[0]
            else:
                project.collisions[doc] = paths
        project.folder_code = dict(sorted(folders.items()))
        project.module_docs = {layout.module_doc(f): f for f in project.folder_code}
        return project

    def unmatched_docs(
        self, docs: Iterable[str], existed: Callable[[str], bool] = lambda path: False
    ) -> list[tuple[str, str, bool]]:
        """``(doc, code it names, is orphan)`` for each document no code expects.

        Only documents in the configured format count; the project index and
        documents matched by the user's exclude patterns are never listed. A
        document is an *orphan* when the code it names existed (``existed``:
        the history says so) or when it sits in the docs tree below a folder
        that mirrors a code folder (``docs/<code folder>/...``); any other
        document (``docs/why.md``, ``docs/guides/advanced.md``) is a *topic*
        document, whose code path is reported as ``"."``.
        """
        layout = self.layout
        prefix = layout.docs_dir + "/"
        mirrored = {layout.mapped(f) for f in [*self.folder_code, *layout.roots]} - {""}
        out = []
        for doc in sorted(docs):
            if not doc.startswith(prefix) or not doc.endswith(layout.doc_ext):
                continue
            if doc == layout.index_doc or layout.is_user_excluded(doc):
                continue
            if doc in self.file_docs or doc in self.collisions or doc in self.module_docs:
                continue
            inner = doc[len(prefix) : -len(layout.doc_ext)]
            folder = parent_folder(inner)
            in_tree = any(_under(folder, m) for m in mirrored) if folder else False
            if layout.is_module_doc(doc):
                stems = layout.code_stems(folder) if folder else [""]
                gone = stems[0] or "."
                was = any(existed_folder(existed, s) for s in stems if s)
                out.append((doc, gone, in_tree or was))
                continue
            stems = layout.code_stems(inner)
            found = [s + e for s in stems for e in layout.extensions if existed(s + e)]
            ext = layout.extensions[0] if len(layout.extensions) == 1 else ".*"
            code = found[0] if found else (stems[0] if stems else inner) + ext
            out.append((doc, code, bool(found) or in_tree))
        return out


def existed_folder(existed: Callable[[str], bool], folder: str) -> bool:
    """True if ``existed`` knows the folder itself (a history keyed by folder)."""
    return existed(folder + "/")
