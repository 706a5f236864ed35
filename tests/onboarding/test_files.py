"""The files init looks at: git's view (ignored files left out), or a walk."""

from __future__ import annotations

from autocode_core.onboarding.files import list_files
from autocode_core.testing import make_git_repo


def test_git_view_and_walk(tmp_path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    for path in ("pkg/a.py", "docs/x.md", "gen/skip.py", ".venv/lib/x.py", "image.png"):
        repo.write(path, "")
    repo.write(".gitignore", "gen/\n")
    assert list_files(repo.path) == ["docs/x.md", "pkg/a.py"]
    plain = tmp_path / "plain"
    (plain / "pkg").mkdir(parents=True)
    (plain / "pkg" / "a.py").write_text("")
    (plain / "build").mkdir()
    (plain / "build" / "b.py").write_text("")
    assert list_files(plain) == ["pkg/a.py"]
