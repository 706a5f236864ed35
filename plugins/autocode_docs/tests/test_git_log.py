"""Parsing one ``git log --name-status`` pass (real repositories)."""

from __future__ import annotations

from autocode_docs.git_log import adding_commits, in_graph_order, log_records, parse_git_log
from autocode_docs.git_snapshot import log_command

from autocode_core.toolkit import GitRunner

LOG_ARGS = log_command(["."])


def read_log(repo):
    return parse_git_log(GitRunner(repo.path)(LOG_ARGS))


def test_commits_are_numbered_newest_first(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    first = git_repo.commit("one")
    git_repo.write("pkg/a.py", "a = 2\n")
    second = git_repo.commit("two")
    log = read_log(git_repo)
    assert [c.sha for c in log.commits] == [second, first]
    assert log.changes["pkg/a.py"] == [0, 1]
    assert log.last_change("pkg/a.py") == 0
    assert log.changes_since("pkg/a.py", 1) == [0]
    assert log.changes_since("pkg/a.py", None) == [0, 1]


def test_pure_rename_is_not_a_content_change_but_history_follows_it(git_repo):
    git_repo.write("pkg/old.py", "".join(f"line_{i} = {i}\n" for i in range(30)))
    git_repo.commit("add")
    git_repo.git("mv", "pkg/old.py", "pkg/mid.py")
    git_repo.commit("rename")
    git_repo.git("mv", "pkg/mid.py", "pkg/new.py")
    git_repo.commit("rename again")
    log = read_log(git_repo)
    assert log.changes["pkg/new.py"] == [2]
    assert log.touches["pkg/new.py"] == [0]
    assert log.touches["pkg/old.py"] == [1, 2]


def test_rename_with_edits_is_a_content_change(git_repo):
    git_repo.write("pkg/old.py", "".join(f"line_{i} = {i}\n" for i in range(30)))
    git_repo.commit("add")
    git_repo.git("mv", "pkg/old.py", "pkg/new.py")
    git_repo.write("pkg/new.py", "".join(f"line_{i} = {i}\n" for i in range(29)) + "extra = 1\n")
    git_repo.commit("rename and edit")
    log = read_log(git_repo)
    assert log.changes["pkg/new.py"] == [0, 1]


def test_deletions_touch_but_do_not_change(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    git_repo.commit("add")
    git_repo.git("rm", "-q", "pkg/a.py")
    git_repo.commit("delete")
    log = read_log(git_repo)
    assert log.touches["pkg/a.py"] == [0, 1]
    assert log.changes["pkg/a.py"] == [1]


def test_non_ascii_and_spaces_survive(git_repo):
    git_repo.write("pkg/módulo ñ.py", "x = 1\n")
    git_repo.commit("add")
    assert "pkg/módulo ñ.py" in read_log(git_repo).changes


def test_strip_maps_and_drops_paths(git_repo):
    git_repo.write("sub/a.py", "a = 1\n")
    git_repo.write("other/b.py", "b = 1\n")
    git_repo.commit("add")
    raw = GitRunner(git_repo.path)(LOG_ARGS)
    log = parse_git_log(raw, lambda p: p[4:] if p.startswith("sub/") else None)
    assert set(log.changes) == {"a.py"}


def test_log_command_reads_names_and_renames_without_user_formatting():
    args = log_command([":(literal)pkg"])
    assert args[0] == "log" and args[-2:] == ["--", ":(literal)pkg"]
    assert {
        "-z",
        "--name-status",
        "-M",
        "--no-ext-diff",
        "--parents",
        "--format=%x1e%H %ct %P",
    } <= set(args)


def test_adding_commits_are_the_parsed_logs_added_commits(git_repo):
    git_repo.write("pkg/a.py", "a = 1\n")
    git_repo.write("lib/b.py", "".join(f"line_{i} = {i}\n" for i in range(30)))
    git_repo.commit("root: adds files but has no parent")
    git_repo.write("pkg/c.py", "c = 1\n")
    adds_c = git_repo.commit("adds pkg/c.py")
    git_repo.write("pkg/a.py", "a = 2\n")
    git_repo.commit("modifies only")
    git_repo.git("mv", "lib/b.py", "pkg/b.py")
    moves_b = git_repo.commit("moves lib/b.py in: an addition under the pathspec pkg")
    raw = GitRunner(git_repo.path)(log_command([":(literal)pkg"]))
    log = parse_git_log(raw)
    expected = [log.commits[i].sha for i in sorted(log.added)]
    assert adding_commits(log_records(raw)) == expected == [moves_b, adds_c]
    only_b = lambda path: path if path == "pkg/b.py" else None  # noqa: E731
    assert adding_commits(log_records(raw), only_b) == [moves_b]
    assert parse_git_log(b"", records=log_records(raw)) == log


def test_a_log_out_of_graph_order_is_put_in_it_and_one_in_order_is_kept(skewed_repo):
    git_repo = skewed_repo
    raw = log_records(GitRunner(git_repo.path)(LOG_ARGS))
    ordered = in_graph_order(raw)
    position = {r[0]: i for i, r in enumerate(ordered)}
    assert sorted(ordered) == sorted(raw) and ordered != raw
    assert all(position[p] > i for i, r in enumerate(ordered) for p in r[2])
    assert in_graph_order(ordered) is ordered
    date_order = [*LOG_ARGS[:2], "--date-order", *LOG_ARGS[2:]]
    date_ordered = log_records(GitRunner(git_repo.path)(date_order))
    assert [r[0] for r in ordered] == [r[0] for r in date_ordered]  # what --date-order gives
