"""Token budget: exclusions, per-file totals, costliest files, and the count cache."""

from __future__ import annotations

import json

from autocode_git import TokenConfig, TokenCounter
from autocode_git.changes import Change
from autocode_git.token_budget import TokenCache, apply_token_budget


def change(file: str, diff: str, staged: bool = False) -> Change:
    return Change(file, "modified", staged, 1, 0, False, diff)


def test_lock_and_generated_files_are_excluded_and_listed():
    changes = [
        change("yarn.lock", "x " * 500),
        change("web/app.min.js", "y " * 500),
        change("src/a.py", "print(1)\n"),
    ]

    budget = apply_token_budget(changes, TokenConfig(), TokenCounter(), TokenCache())

    assert budget.excluded_files == ["web/app.min.js", "yarn.lock"]
    assert [c.tokens for c in changes] == [None, None, TokenCounter().count("print(1)\n")]
    assert changes[0].token_excluded and not changes[2].token_excluded
    assert budget.total == changes[2].tokens


def test_custom_exclusions_replace_the_defaults():
    changes = [change("yarn.lock", "lock"), change("gen/out.py", "generated")]

    budget = apply_token_budget(
        changes, TokenConfig(exclude=["gen/*"]), TokenCounter(), TokenCache()
    )

    assert budget.excluded_files == ["gen/out.py"]
    assert changes[0].tokens == TokenCounter().count("lock")


def test_totals_per_file_and_costliest_first():
    changes = [
        change("a.py", "word " * 10, True),
        change("a.py", "word " * 10),
        change("b.py", "word " * 15),
        change("c.py", ""),
    ]

    budget = apply_token_budget(
        changes, TokenConfig(threshold=5, top_files=5), TokenCounter(), TokenCache()
    )

    one, fifteen = TokenCounter().count("word " * 10), TokenCounter().count("word " * 15)
    assert budget.top_files == [
        {"file": "a.py", "tokens": 2 * one},
        {"file": "b.py", "tokens": fifteen},
    ]
    assert budget.total == 2 * one + fifteen and budget.over_threshold
    assert budget.to_json()["method"] == "tiktoken"


def test_unchanged_diffs_are_not_tokenized_again(tmp_path):
    path = tmp_path / "cache.json"
    first = [change(f"f{i}.py", f"line {i}\n" * 20) for i in range(5)]
    budget = apply_token_budget(first, TokenConfig(), TokenCounter(), cache := TokenCache(path))
    cache.save()
    assert budget.counted_now == 5

    second = [change(f"f{i}.py", f"line {i}\n" * 20) for i in range(5)]
    second[2].diff = "something else\n"
    cache = TokenCache(path)
    budget = apply_token_budget(second, TokenConfig(), TokenCounter(), cache)

    assert budget.counted_now == 1 and budget.cache_hits == 4
    assert [c.tokens for c in second] == [TokenCounter().count(c.diff) for c in second]


def test_cache_keeps_only_entries_of_the_last_run(tmp_path):
    path = tmp_path / "cache.json"
    cache = TokenCache(path)
    apply_token_budget(
        [change("a", "one"), change("b", "two")], TokenConfig(), TokenCounter(), cache
    )
    cache.save()
    cache = TokenCache(path)
    apply_token_budget([change("a", "one")], TokenConfig(), TokenCounter(), cache)
    cache.save()

    assert len(json.loads(path.read_text())["counts"]) == 1


def test_a_corrupt_cache_is_ignored(tmp_path):
    path = tmp_path / "cache.json"
    path.write_text("{not json")

    budget = apply_token_budget(
        [change("a", "one")], TokenConfig(), TokenCounter(), TokenCache(path)
    )

    assert budget.counted_now == 1


def test_estimates_are_labelled_and_never_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty"))
    cache = TokenCache(tmp_path / "cache.json")
    counter = TokenCounter("gpt-4o")

    budget = apply_token_budget(
        [change("a", "x" * 40)], TokenConfig(model="gpt-4o"), counter, cache
    )
    cache.save()

    assert budget.total == 10 and budget.exact is False
    assert budget.to_json()["method"] == "estimate" and "o200k_base" in budget.warning
    assert json.loads((tmp_path / "cache.json").read_text())["counts"] == {}


def test_estimated_alert_says_so(git_repo, run_git_check, tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty"))
    git_repo.write("a.txt", "x" * 4000)

    result, summary = run_git_check(
        git_repo.path, settings={"tokens": {"model": "gpt-4o", "threshold": 10}}
    )

    assert result.message.startswith("⚠️ TOKEN ALERT: ~") and result.message.endswith("(estimated)")
    assert summary["tokens"]["exact"] is False and summary["tokens"]["encoding"] == "o200k_base"
    assert result.details["tokens"]["warning"]
