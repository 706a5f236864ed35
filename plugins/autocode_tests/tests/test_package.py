"""The package surface: cheap to import, settings exported, entry point installed."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import autocode_tests
from autocode_tests.plugin import TestCheckPlugin


def test_exports() -> None:
    assert autocode_tests.__all__ == ["LayoutConfig", "TestConfig"]
    assert TestCheckPlugin.settings_model is autocode_tests.TestConfig


def test_importing_the_package_is_cheap() -> None:
    code = (
        "import sys, autocode_tests\n"
        "heavy = {'pathspec', 'pytest', 'xml.etree.ElementTree', 'autocode_tests.plugin'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_check_is_registered_as_an_entry_point() -> None:
    (entry,) = [e for e in metadata.entry_points(group="autocode") if e.name == "test_check"]
    assert entry.load() is TestCheckPlugin
    assert TestCheckPlugin.name == "test_check"
    assert TestCheckPlugin.interval_minutes == 5
    assert TestCheckPlugin.config_aliases == {"tests": ""}
    assert TestCheckPlugin.env_vars == {
        "AUTOCODE_TESTS_ENABLED": "enabled",
        "AUTOCODE_TESTS_AUTO_EXECUTE": "auto_execute",
    }
