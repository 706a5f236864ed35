"""Isolation acceptance: a third-party distribution's checks that hang, spin, crash,
exhaust memory, leave processes behind and return garbage, each run by a real
``autocode check`` process with default settings."""

from __future__ import annotations

import json
import time

import pytest

FAILURES = {
    # check: (failure kind, words the message must hold, timeout or None)
    "sleeps_check": ("timeout", ["timed out after 2s"], 2),
    "async_sleeps_check": ("timeout", ["timed out after 2s"], 2),
    "blocks_loop_check": ("timeout", ["timed out after 2s"], 2),
    "spins_check": ("timeout", ["timed out after 2s"], 2),
    "spawns_check": ("timeout", ["timed out after 2s", "2 subprocess(es) killed"], 2),
    "segfaults_check": ("crashed", ["SIGSEGV"], None),
    "exits_check": ("crashed", ["exited with code 1"], None),
    "system_exit_check": ("exception", ["raised SystemExit: 4"], None),
    "keyboard_interrupt_check": ("exception", ["raised KeyboardInterrupt"], None),
    "big_details_check": ("invalid_result", ["bytes of details", "1,048,576-byte cap"], None),
    "not_json_check": ("invalid_result", ["details['handle'] holds a object"], None),
}


@pytest.fixture
def baseline(nasty, project, run_autocode) -> float:
    """Wall time of a well-behaved check: interpreter start, plugin loading, a worker's start."""
    done, wall = run_autocode(nasty, "check", "ok_check", cwd=project)
    assert done.returncode == 0, done.stderr
    return wall


def test_every_way_a_plugin_fails_is_an_error_result_naming_it(
    nasty, project, run_autocode, find_leftovers, baseline
) -> None:
    # all of them in one command, side by side: each is reported on its own and the
    # command ends within a second of the longest deadline
    (project / "autocode.toml").write_text("[daemon]\nmax_concurrent_checks = 16\n")
    done, wall = run_autocode(nasty, "check", *sorted(FAILURES), "--format", "json", cwd=project)
    assert done.returncode == 3, done.stderr
    results = {r["check_name"]: r for r in json.loads(done.stdout)["results"]}
    for name, (failure, words, timeout) in FAILURES.items():
        result = results[name]
        assert result["details"]["failure"] == failure, result
        assert result["details"]["plugin"] == name
        assert f"plugin {name} (nasty-checks 6.6)" in result["message"]
        for word in words:
            assert word in result["message"], result["message"]
    assert wall < 30  # the command exits (the deadline-to-exit bound is tested one check at a time)
    time.sleep(0.2)
    assert find_leftovers(nasty["NASTY_MARK"]) == []


@pytest.mark.parametrize("name", ["spins_check", "blocks_loop_check", "spawns_check"])
def test_one_failing_check_alone_exits_3_within_its_deadline(
    name, nasty, project, run_autocode, baseline
) -> None:
    done, wall = run_autocode(nasty, "check", name, "--format", "json", cwd=project)
    (result,) = json.loads(done.stdout)["results"]
    assert done.returncode == 3 and f"{name} timed out after 2s" in result["message"]
    assert wall < baseline + 2 + 1.0  # the baseline: interpreter, plugins, a worker's start


def test_memory_over_the_limit_ends_the_run_with_the_limit_and_the_peak(
    nasty, project, run_autocode, find_leftovers
) -> None:
    done, _ = run_autocode(nasty, "check", "hogs_check", "--format", "json", cwd=project)
    assert done.returncode == 3
    (result,) = json.loads(done.stdout)["results"]
    assert result["details"]["failure"] == "memory"
    assert "memory limit of 2048 MB" in result["message"]  # the documented default
    assert 2048 < result["details"]["peak_memory_mb"] < 3500


def test_a_run_that_returns_leaves_no_process_behind(nasty, project, run_autocode, find_leftovers) -> None:
    done, _ = run_autocode(nasty, "check", "leaves_child_check", cwd=project)
    assert done.returncode == 0, done.stderr
    time.sleep(0.3)
    assert find_leftovers(nasty["NASTY_MARK"]) == []


def test_threads_and_plain_text_work_under_the_default_limits(nasty, project, run_autocode) -> None:
    done, _ = run_autocode(nasty, "check", "threads_check", cwd=project)
    assert done.returncode == 0 and "20 threads" in done.stdout, done.stdout + done.stderr
    done, _ = run_autocode(nasty, "check", "not_json_check", cwd=project)
    assert "odd \ufffd text" not in done.stdout  # an error result replaced it; the line printed
    assert "not_json_check" in done.stdout


def test_all_of_them_at_once_with_the_first_party_checks(nasty, project, run_autocode, find_leftovers) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    env = {**nasty, "AUTOCODE_DISABLE_PLUGINS": "hanging_listener,runs_child_check"}
    env["AUTOCODE_TESTS_AUTO_EXECUTE"] = "false"
    (project / "autocode.toml").write_text(
        "[daemon]\nmax_concurrent_checks = 16\n[checks.test_check.layout]\nexempt = ['**/__init__.py']\n"
    )
    done, _ = run_autocode(env, "check", "--format", "json", cwd=project, timeout=120)
    assert done.stdout.startswith("{"), done.stderr[-3000:]
    results = {r["check_name"]: r for r in json.loads(done.stdout)["results"]}
    assert done.returncode == 3
    for name in ("doc_check", "git_check", "test_check", "ok_check", "threads_check"):
        assert results[name]["status"] in ("success", "warning"), results[name]
        assert results[name]["details"].get("failure") is None
    for name, (failure, _, _) in FAILURES.items():
        assert results[name]["details"]["failure"] == failure
    time.sleep(0.3)
    assert find_leftovers(nasty["NASTY_MARK"]) == []
