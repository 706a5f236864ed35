"""Atomic writes: whole files or none, modes kept, nothing left behind on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from autocode_core.toolkit import write_atomic, write_json_atomic


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "file.json"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_text_is_utf8(tmp_path: Path) -> None:
    write_atomic(tmp_path / "t.txt", "ñandú ✓\n")
    assert (tmp_path / "t.txt").read_bytes() == "ñandú ✓\n".encode()


def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_0644(tmp_path: Path) -> None:
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    script = tmp_path / "run.sh"
    script.write_text("old")
    script.chmod(0o755)

    write_atomic(private, "new")
    write_atomic(script, "#!/bin/sh\n")
    write_atomic(tmp_path / "fresh.txt", "x")

    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text() == "new"
    assert script.stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "fresh.txt").stat().st_mode & 0o777 == 0o644


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real" / "index.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)

    write_atomic(link, "new")

    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["index.json"]


def test_a_folder_in_the_way_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "out.json").mkdir()

    with pytest.raises(IsADirectoryError, match="is a folder"):
        write_atomic(tmp_path / "out.json", "x")

    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


FILE_SIZE_LIMIT_CHILD = """\
import errno, resource, sys
from pathlib import Path
from autocode_core.toolkit import write_atomic

resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # as a full disk would: EFBIG
try:
    write_atomic(Path(sys.argv[1]), b"x" * 1_000_000)
except OSError as exc:
    print(errno.errorcode[exc.errno])
else:
    print("written")
"""


def test_a_write_over_the_file_size_limit_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the write fail half-way (EFBIG), as a full disk does (ENOSPC)."""
    target = tmp_path / "summary.json"
    target.write_text("previous")

    done = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT_CHILD, str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
    )

    assert done.stdout.strip() == "EFBIG", done.stderr
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_readers_see_the_old_or_the_new_file_never_a_mix(tmp_path: Path) -> None:
    target = tmp_path / "big.txt"
    versions = [b"a" * 2_000_000, b"b" * 3_000_000]
    write_atomic(target, versions[0])
    seen: set[bytes] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            data = target.read_bytes()
            seen.add(data[:1] + str(len(data)).encode())
            assert data in versions

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(20):
            write_atomic(target, versions[n % 2])
    finally:
        stop.set()
        reader.join()

    assert seen <= {b"a2000000", b"b3000000"}
    assert len([p for p in tmp_path.iterdir()]) == 1


def test_write_json_atomic_writes_utf8_json_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.json"

    write_json_atomic(target, {"file": "ñandú", "b": 1, "a": [1]}, sort_keys=True)

    text = target.read_text(encoding="utf-8")
    assert json.loads(text) == {"file": "ñandú", "b": 1, "a": [1]}
    assert "ñandú" in text and text.endswith("}\n")
    assert text.index('"a"') < text.index('"b"') and text.startswith('{\n  "a"')


def test_write_json_atomic_compact(tmp_path: Path) -> None:
    write_json_atomic(tmp_path / "c.json", {"k": [1, 2]}, indent=None)
    assert (tmp_path / "c.json").read_text() == '{"k": [1, 2]}\n'


def test_a_failed_json_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")

    with pytest.raises(TypeError):
        write_json_atomic(target, {"bad": object()})

    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_the_core_state_folder_uses_the_same_writer() -> None:
    from autocode_core.store import state_dir

    assert state_dir.write_atomic is write_atomic
