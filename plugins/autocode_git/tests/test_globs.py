"""Exclusion globs: file-name globs match in any folder, path globs match the whole path."""

from autocode_git.globs import matching_glob


def test_name_globs_match_in_any_folder():
    assert matching_glob("a/b/yarn.lock", ["*.lock"]) == "*.lock"
    assert matching_glob("package-lock.json", ["package-lock.json"]) == "package-lock.json"
    assert matching_glob("src/app.py", ["*.lock"]) is None


def test_path_globs_match_the_whole_path():
    assert matching_glob("dist/js/app.js", ["dist/*"]) == "dist/*"
    assert matching_glob("src/dist/app.js", ["dist/*"]) is None
    assert matching_glob("dist/x", ["/dist/*"]) == "/dist/*"


def test_case_sensitive_and_first_match_wins():
    assert matching_glob("A.LOCK", ["*.lock"]) is None
    assert matching_glob("x.lock", ["x.*", "*.lock"]) == "x.*"
