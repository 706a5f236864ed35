"""Which folder autocode may keep its state in: only one it created or owns.

Each case is a real git repository and a real ``autocode`` process: a state
folder that autocode does not own is refused (exit 2, naming the file, the key
and why) and nothing is written into it, so git keeps seeing the user's files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autocode_core import AutocodeDaemon, ConfigError
from autocode_core.models import CheckResult
from autocode_core.store.history import HistoryStore
from autocode_core.store.state_policy import MARKER_NAME, state_dir_problem

LEGACY_IGNORE = "# written by autocode: this folder is local state\n*\n"


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(root.rglob("*"))
        if ".git" not in p.relative_to(root).parts
    }


def _untracked(cli) -> list[str]:
    return cli.repo.git("status", "--porcelain", "--untracked-files=all").splitlines()


@pytest.mark.parametrize(
    ("state_dir", "reason"),
    [
        (".", "is the project root"),
        ("", "is the project root"),
        ("./", "is the project root"),
        ("pkg", "holds files autocode did not write (__init__.py)"),
        ("docs", "is a source or documentation folder"),
        ("src/", "is a source or documentation folder"),
        ("../elsewhere", "is outside the project"),
        (".git", "is git's own folder"),
        ("README.md", "is a file, not a folder"),
    ],
)
def test_a_state_dir_autocode_does_not_own_is_refused(autocode_cli, state_dir, reason) -> None:
    cli = autocode_cli
    cli.repo.write("pkg/__init__.py", "x = 1\n")
    cli.repo.write("autocode.toml", f'[daemon]\nstate_dir = "{state_dir}"\n')
    cli.repo.commit("a package")
    before = _files(cli.root)
    done = cli("check")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert f"autocode.toml: daemon.state_dir: {state_dir!r} {reason}" in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(cli.root) == before  # no .gitignore, no history, nothing written anywhere
    assert not (cli.root.parent / "elsewhere").exists()
    cli.repo.write("pkg/new_module.py", "y = 2\n")
    assert _untracked(cli) == ["?? pkg/new_module.py"]  # git still sees new source files


def test_every_command_refuses_it_before_writing_anything(autocode_cli) -> None:
    cli = autocode_cli
    cli.repo.write("pkg/__init__.py", "x = 1\n")
    cli.repo.write("autocode.toml", '[daemon]\nstate_dir = "pkg"\n')
    cli.repo.commit("a package")
    before = _files(cli.root)
    for command in (["status"], ["history"], ["daemon", "--port", "0"]):
        done = cli(*command, timeout=30)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "autocode.toml: daemon.state_dir: 'pkg' holds files autocode did not write" in done.stderr
        assert "Traceback" not in done.stderr
    assert _files(cli.root) == before


def test_a_source_folder_marked_by_an_earlier_version_is_refused_with_the_fix(autocode_cli) -> None:
    cli = autocode_cli
    cli.repo.write("pkg/__init__.py", "x = 1\n")
    cli.repo.write("autocode.toml", '[daemon]\nstate_dir = "pkg"\n')
    cli.repo.commit("a package")
    cli.repo.write("pkg/.gitignore", LEGACY_IGNORE)  # what autocode 0.1 wrote there
    done = cli("check")
    assert done.returncode == 2
    assert "pkg/.gitignore was written by an earlier autocode and hides this folder from git" in done.stderr
    assert (cli.root / "pkg" / ".gitignore").read_text() == LEGACY_IGNORE  # never rewritten for the user


def test_the_default_state_folder_is_created_owned_and_ignores_itself(autocode_cli) -> None:
    cli = autocode_cli
    assert cli("check").returncode == 0
    state = cli.root / ".autocode"
    marker = json.loads((state / MARKER_NAME).read_text())
    assert marker["version"] == 1 and marker["owner"] == "autocode"
    assert (state / "history.db").exists() and _untracked(cli) == []
    assert cli("check").returncode == 0  # owned: used again


def test_a_state_folder_written_by_an_earlier_version_is_adopted(autocode_cli) -> None:
    cli = autocode_cli
    state = cli.root / ".autocode"
    state.mkdir()
    (state / ".gitignore").write_text(LEGACY_IGNORE)
    old = HistoryStore(state / "history.db")
    old.record(CheckResult(check_name="tick_check", status="warning", message="from 0.1"))
    old.close()
    (state / "daemon.lock").write_text("")
    (state / "git_check_token_cache.json").write_text('{"version": 1, "counts": {}}')
    (state / "checks" / "doc_check").mkdir(parents=True)
    done = cli("check")
    assert done.returncode == 0, done.stderr
    assert (state / MARKER_NAME).exists()
    runs = json.loads(cli("history", "--json").stdout)["runs"]
    assert [r["message"] for r in runs] == ["✅ tick", "from 0.1"]  # the old history is kept


def test_an_absolute_folder_outside_the_project_is_used_when_empty_refused_when_not(
    autocode_cli, tmp_path
) -> None:
    cli = autocode_cli
    outside = tmp_path / "state-elsewhere"
    outside.mkdir()
    cli.repo.write("autocode.toml", f"[daemon]\nstate_dir = '{outside}'\n")
    assert cli("check").returncode == 0
    assert sorted(p.name for p in outside.iterdir()) >= [MARKER_NAME, ".gitignore", "history.db"]
    assert cli("check").returncode == 0
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    cli.repo.write("autocode.toml", f"[daemon]\nstate_dir = '{busy}'\n")
    done = cli("check")
    assert done.returncode == 2
    assert f"daemon.state_dir: {str(busy)!r} holds files autocode did not write (notes.txt)" in done.stderr
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


def test_an_embedding_application_gets_the_same_refusal(tmp_path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "code.py").write_text("")
    with pytest.raises(ConfigError) as caught:
        AutocodeDaemon(tmp_path, config={"daemon": {"state_dir": "notes"}}, load_entry_points=False)
    (problem,) = caught.value.problems
    assert (problem.source, problem.key) == ("configuration passed to AutocodeDaemon", "daemon.state_dir")
    assert problem.loc == ("daemon", "state_dir") and "did not write (code.py)" in problem.reason


def test_problems_in_plain_python(tmp_path) -> None:
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    assert state_dir_problem(root, ".autocode") is None
    assert state_dir_problem(root, "var/state") is None
    assert state_dir_problem(root, "sub") is None  # empty: autocode may claim it
    assert state_dir_problem(root, "sub/..") == "is the project root"
    assert state_dir_problem(root, str(tmp_path)) == "is a parent of the project root"
    assert state_dir_problem(root, "/") == "is a parent of the project root"
    assert "outside the project" in (state_dir_problem(root, "../x") or "")
    (root / "link").symlink_to(root)
    assert state_dir_problem(root, "link") == "is the project root"
