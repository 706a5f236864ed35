"""Where a project's code and tests live -> ``checks.test_check.layout`` (and what to exempt).

Candidates are tried and scored against the files: for each test folder
(``tests/``, ``test/``, ``testing/``) and file naming (``test_{name}.py``;
``test{name}.py``, which maps ``_result.py`` to ``test_result.py``;
``{name}_test.py``), tests mirroring the package's folders (with or without
the package's own folder) or all in one flat folder. The candidate under which
the most modules find their existing test wins (then the one with fewer test
files left over). Test files it leaves unclaimed test no single module
(end-to-end suites, helpers' tests): they are exempted, and so is a module
whose test follows another naming than the winner's (a layout has one).
Templates follow ``autocode_tests.templates``: ``{dir}`` is the module's folder
relative to its source root, ``{name}`` its file name without ``.py``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from autocode_core.formats.findings import plural
from autocode_core.onboarding.decisions import Plan

__all__ = ["DEFAULT_EXEMPT", "TEST_DIRS", "Candidate", "decide_tests"]

TEST_DIRS = ("tests", "test", "testing")
NAMINGS = ("test_{name}.py", "test{name}.py", "{name}_test.py")
#: autocode-tests' own default ``layout.exempt`` (setting ``exempt`` replaces it)
DEFAULT_EXEMPT = ["conftest.py", "setup.py", "noxfile.py", "docs/", "__main__.py"]
VERSION_FILES = ("_version.py", "version.py", "__version__.py", "__about__.py")
NOT_CODE_DIRS = {"docs", "doc", "documentation", "examples", "example", "scripts", "bench", "benchmarks",
                 "tools", "ci", "build", "dist", *TEST_DIRS}


@dataclass
class Candidate:
    """One way the tests could be laid out, and how well it fits the files."""

    roots: list[str]
    unit_test: str
    description: str
    expected: dict[str, str] = field(default_factory=dict)  # module -> its test path
    hits: int = 0
    orphans: list[str] = field(default_factory=list)


def _is_test_name(name: str) -> bool:
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def _expand(template: str, folder: str, name: str) -> str:
    parts = []
    for segment in template.split("/"):
        if segment == "{dir}":
            if folder:
                parts.append(folder)
            continue
        parts.append(segment.replace("{name}", name))
    return "/".join(parts)


def _pattern(template: str) -> re.Pattern[str]:
    out = []
    segments = template.split("/")
    for i, segment in enumerate(segments):
        if segment == "{dir}":
            out.append("(?:.+/)?")
            continue
        piece = re.escape(segment).replace(re.escape("{name}"), "[^/]+?")
        out.append(piece if i == len(segments) - 1 else piece + "/")
    return re.compile("".join(out) + r"\Z")


def _score(candidate: Candidate, modules: Sequence[str], tests: set[str]) -> Candidate:
    for module in modules:
        root = next((r for r in candidate.roots if r == "." or module.startswith(r + "/")), None)
        if root is None:
            continue
        rel = module if root == "." else module[len(root) + 1 :]
        folder, _, file = rel.rpartition("/")
        target = _expand(candidate.unit_test, folder, file[:-3])
        candidate.expected[module] = target
        candidate.hits += target in tests
    wanted = set(candidate.expected.values())
    pattern = _pattern(candidate.unit_test)
    candidate.orphans = sorted(t for t in tests if t not in wanted and pattern.match(t))
    return candidate


def _stem(path: str) -> str:
    name = posixpath.basename(path)[: -len(".py")]
    for affix in ("test_", "test"):
        name = name.removeprefix(affix)
    return name.removesuffix("_test").strip("_").lower()


def _likeness(stem: str, other: str) -> int:
    if len(stem) < 4 or len(other) < 4:
        return 0
    if other.startswith(stem) or stem.startswith(other):
        return 3
    if other[:4] == stem[:4]:
        return 2
    return 1 if stem in other or other in stem else 0


def _similar(missing: Sequence[str], orphans: Sequence[str]) -> list[tuple[str, str]]:
    """Modules without a test paired with an unclaimed test file named like them
    (``_hooks.py`` with ``test_hookcaller.py``, ``_tracing.py`` with ``test_tracer.py``),
    closest names first, each file used once."""
    scored = sorted(
        ((score, module, test) for module in missing for test in orphans
         if (score := _likeness(_stem(module).removesuffix("s"), _stem(test)))),
        key=lambda item: -item[0],
    )
    pairs, used = [], set()
    for _, module, test in scored:
        if module not in used and test not in used:
            pairs.append((module, test))
            used |= {module, test}
    return sorted(pairs)


def _code_roots(files: Sequence[str]) -> tuple[str, list[str]]:
    """``("src", ["src/pkg"])`` for a src layout, ``("", ["pkg"])`` for a flat one."""
    src_packages = sorted({f.split("/")[1] for f in files if f.startswith("src/") and f.count("/") >= 2
                           and f.split("/")[2] == "__init__.py"})
    if src_packages:
        return "src", [f"src/{p}" for p in src_packages]
    flat = sorted({f.split("/")[0] for f in files if f.count("/") == 1 and f.endswith("/__init__.py")
                   and f.split("/")[0] not in NOT_CODE_DIRS and not f.startswith(".")})
    return "", flat


def _candidates(base: str, packages: list[str], test_dirs: list[str], nested: bool) -> list[Candidate]:
    out = []
    for folder in test_dirs:
        for naming in NAMINGS:
            if nested:  # else mirroring the package's folders is the flat layout below
                out.append(Candidate(list(packages), f"{folder}/{{dir}}/{naming}",
                                     f"{folder}/ mirrors each package's folders"))
            if base == "src":
                out.append(Candidate(["src"], f"{folder}/{{dir}}/{naming}",
                                     f"{folder}/ mirrors src/, package folder included"))
            elif len(packages) == 1:
                out.append(Candidate(list(packages), f"{folder}/{packages[0]}/{{dir}}/{naming}",
                                     f"{folder}/{packages[0]}/ mirrors the package"))
            out.append(Candidate(list(packages), f"{folder}/{naming}", f"every test file directly in {folder}/"))
    return out


def decide_tests(files: Sequence[str], plan: Plan) -> None:
    """Decide ``checks.test_check.layout`` for ``files`` (project-relative, ``/``)."""
    base, packages = _code_roots(files)
    key = "checks.test_check.layout"
    if not packages:
        plan.notes.append("no Python package found (a folder with __init__.py at the top or under src/): "
                          "test_check keeps its defaults")
        return
    pyfiles = [f for f in files if f.endswith(".py")]
    counts = {d: sum(1 for f in pyfiles if f.startswith(d + "/") and _is_test_name(f.rsplit("/", 1)[-1]))
              for d in TEST_DIRS}
    test_dirs = [d for d in TEST_DIRS if counts[d]] or ["tests"]
    test_dirs.sort(key=lambda d: -counts.get(d, 0))
    tests = {f for f in pyfiles if f.startswith(tuple(d + "/" for d in TEST_DIRS))
             or _is_test_name(f.rsplit("/", 1)[-1])}
    modules = [f for f in pyfiles if f not in tests and f.startswith(tuple(p + "/" for p in packages))
               and posixpath.basename(f) not in ("__init__.py", "__main__.py", "conftest.py")]
    nested = any(m.count("/") > p.count("/") + 1 for m in modules for p in packages if m.startswith(p + "/"))
    candidates = [_score(c, modules, tests) for c in _candidates(base, packages, test_dirs[:1], nested)]
    best = max(candidates, key=lambda c: (c.hits, -len(c.orphans)))
    layout = "src layout" if base == "src" else "flat layout"
    plan.decide(f"{key}.source_roots", best.roots,
                f"{layout}: the code is in {', '.join(p + '/' for p in packages)}")
    found = f"{best.hits} of {len(modules)} modules find their test" if tests else "no test files yet"
    plan.decide(f"{key}.unit_test", best.unit_test, f"{best.description} ({found})")
    integration = [t for t in tests if re.search(r"/test_[^/]+_integration\.py\Z", t)]
    if integration:
        plan.decide(f"{key}.integration_test", f"{test_dirs[0]}/{{dir}}/test_{{folder}}_integration.py",
                    f"{len(integration)} folder-level test files (test_<folder>_integration.py)")
    else:
        plan.decide(f"{key}.integration_test", "", "no folder-level test files (test_<folder>_integration.py) "
                    "in the project: none expected")
    exempt = list(DEFAULT_EXEMPT)
    versions = sorted(m for m in modules if posixpath.basename(m) in VERSION_FILES)
    other = [c for c in candidates if c is not best]
    elsewhere: list[tuple[str, str]] = []
    for module, target in best.expected.items():
        if target in tests or module in versions:
            continue
        alt = next((c.expected[module] for c in other if c.expected.get(module) in tests), None)
        if alt is not None:
            elsewhere.append((module, alt))
    claimed = {alt for _, alt in elsewhere}
    orphans = [t for t in best.orphans if t not in claimed]
    paired = _similar(
        [m for m, t in best.expected.items() if t not in tests and m not in versions and t not in claimed
         and m not in dict(elsewhere)], orphans,
    )
    orphans = [t for t in orphans if t not in {t for _, t in paired}]
    elsewhere += paired
    claimed |= {t for _, t in paired}
    still = [m for m, t in best.expected.items()
             if t not in tests and m not in versions and m not in dict(elsewhere)]
    test_dir = best.unit_test.split("/", 1)[0]
    folders = [(m, f"{test_dir}/test_{_stem(m)}/") for m in still]
    folders = [(m, f) for m, f in folders if any(t.startswith(f) for t in tests)]
    private = []
    if "{name}" in best.unit_test and "test{name}" not in best.unit_test:
        private = [m for m in still if posixpath.basename(m).startswith("_") and m not in dict(folders)]
    exempt += versions + [m for m, _ in elsewhere] + sorted(claimed) + orphans
    exempt += [m for m, _ in folders] + private
    why = []
    if versions:
        why.append(f"version files need no test ({', '.join(versions)})")
    if elsewhere:
        pairs = ", ".join(f"{m} -> {t}" for m, t in elsewhere[:4]) + (" …" if len(elsewhere) > 4 else "")
        why.append(f"{plural(len(elsewhere), 'module has', 'modules have')} tests named another way than "
                   f"{best.unit_test} ({pairs}): "
                   "a layout takes one naming, so both are exempted and test_check does not run those "
                   "tests (rename them to follow the template to have them run)")
    if orphans:
        shown = ", ".join(orphans[:5]) + (f" and {len(orphans) - 5} more" if len(orphans) > 5 else "")
        why.append(f"{plural(len(orphans), 'test file tests', 'test files test')} no single module ({shown})")
    if folders:
        why.append(f"{plural(len(folders), 'module is', 'modules are')} tested by a folder of tests, which a "
                   "template cannot name "
                   f"({', '.join(f'{m} -> {f}' for m, f in folders[:3])})")
    if private:
        why.append(f"{plural(len(private), 'private module', 'private modules')} (_name.py) without a test of "
                   "their own: implementation details, tested through the public modules that use them")
    plan.decide(f"{key}.exempt", exempt, "; ".join(why) or "autocode-tests' defaults")
    missing = [m for m, t in best.expected.items() if t not in tests and m not in exempt]
    if missing:
        plan.notes.append(f"{plural(len(missing), 'module has', 'modules have')} no test yet (test_check will list them), "
                          f"e.g. {missing[0]} -> {best.expected[missing[0]]}")
