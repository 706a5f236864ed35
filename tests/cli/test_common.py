"""What the commands share: ``out`` survives a closed pipe, ``--json`` aliases ``--format json``."""

from __future__ import annotations

import argparse
import subprocess
import sys

from autocode_core.cli.common import add_format


def test_out_after_the_reader_left_is_silent_and_keeps_the_exit_code() -> None:
    code = (
        "import sys\n"
        "from autocode_core.cli.common import out\n"
        "for i in range(20000):\n"
        "    out('line %d' % i)\n"
        "sys.exit(7)\n"
    )
    shell = f"{sys.executable} -c \"{code}\" | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "7" and done.stderr == ""


def test_json_is_an_alias() -> None:
    parser = argparse.ArgumentParser()
    add_format(parser, ["text", "json", "junit"])
    assert parser.parse_args(["--json"]).format == "json"
    assert parser.parse_args([]).format == "text"
    assert parser.parse_args(["--format", "junit"]).format == "junit"
