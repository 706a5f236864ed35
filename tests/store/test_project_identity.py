"""The project name runs carry: configured, else the origin remote's repository, else the folder."""

from __future__ import annotations

from autocode_core.store.project_identity import project_name


def test_a_configured_name_wins(git_repo) -> None:
    git_repo.git("remote", "add", "origin", "https://git.example/team/shop.git")
    assert project_name(git_repo.path, "billing") == "billing"


def test_the_origin_remote_names_the_project(git_repo) -> None:
    git_repo.git("remote", "add", "origin", "git@git.example:team/shop.git")
    assert project_name(git_repo.path) == "shop"
    git_repo.git("remote", "set-url", "origin", "https://git.example/team/blog/")
    assert project_name(git_repo.path) == "blog"


def test_without_a_remote_the_folder_names_it(tmp_path) -> None:
    (tmp_path / "my-app").mkdir()
    assert project_name(tmp_path / "my-app") == "my-app"
