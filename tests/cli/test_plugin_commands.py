"""Commands contributed by installed distributions (entry-point group ``autocode.commands``)."""

from __future__ import annotations

import sys
import textwrap

import pytest

from autocode_core.cli.main import main
from autocode_core.cli.plugin_commands import plugin_command


@pytest.fixture
def hello(tmp_path, monkeypatch):
    (tmp_path / "hello_cmd.py").write_text(textwrap.dedent('''
        def main(argv):
            print("hello", *argv)
            return 7
    '''))
    info = tmp_path / "hello_cmd-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hello-cmd\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[autocode.commands]\nhello = hello_cmd:main\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("hello_cmd", None)


def test_a_contributed_command_gets_its_arguments_and_gives_the_exit_code(hello, capsys) -> None:
    assert main(["hello", "--loud", "world"]) == 7
    assert capsys.readouterr().out == "hello --loud world\n"


def test_built_in_commands_and_options_never_look_at_entry_points(hello) -> None:
    assert plugin_command(["status"]) is None
    assert plugin_command(["--help"]) is None
    assert plugin_command([]) is None
    assert plugin_command(["nothing-installed"]) is None


def test_help_lists_contributed_commands_without_importing_them(hello, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "contributed commands" in out
    assert "hello" in out and "hello-cmd 1.0" in out  # its name and distribution
    assert "worker" in out  # autocode-celery, installed in development
    assert "hello_cmd" not in sys.modules  # named from the entry point, never imported
