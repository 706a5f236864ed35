"""Findings of ``git_check``: changed files with their tokens, and the token alert."""

from __future__ import annotations


def test_changed_files_carry_their_tokens(git_repo, run_git_check) -> None:
    git_repo.write("a.txt", "a\n")
    git_repo.commit("base")
    git_repo.write("a.txt", "a\nmore text here\n")
    git_repo.write("new.py", "print('hello')\n")

    result, _ = run_git_check(git_repo.path)

    assert [f.path for f in result.findings] == ["a.txt", "new.py"]
    assert all(f.kind == "changed_file" and f.severity == "info" for f in result.findings)
    assert all(f.data["tokens"] > 0 for f in result.findings)
    assert result.findings[0].message == f"a.txt changed ({result.findings[0].data['tokens']} tokens)"


def test_an_alert_comes_first(git_repo, run_git_check) -> None:
    git_repo.write("a.txt", "a\n")
    git_repo.commit("base")
    git_repo.write("a.txt", "word " * 200)

    result, _ = run_git_check(git_repo.path, settings={"tokens": {"threshold": 10}})

    alert, changed = result.findings
    assert alert.kind == "token_budget" and alert.severity == "warning" and alert.path is None
    assert alert.data["threshold"] == 10 and alert.data["total"] > 10
    assert changed.path == "a.txt"


def test_a_clean_tree_has_no_findings(git_repo, run_git_check) -> None:
    git_repo.write("a.txt", "a\n")
    git_repo.commit("base")
    result, _ = run_git_check(git_repo.path)
    assert result.findings == []


def test_files_past_the_details_limit_are_counted() -> None:
    from autocode_git.findings import findings_from_details

    details = {"files": ["a.py"], "files_omitted": 4, "summary_path": "git_changes.json"}
    changed, more = findings_from_details(details)
    assert changed.path == "a.py" and (more.kind, more.data) == ("not_listed", {"count": 4})
    assert "git_changes.json" in more.message
