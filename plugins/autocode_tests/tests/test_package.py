"""The package surface: cheap to import, settings exported, entry point installed."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import autocode_tests
from autocode_tests.plugin import TestCheckPlugin

from autocode_core import CheckSettings


def test_exports() -> None:
    assert autocode_tests.__all__ == ["LayoutConfig", "LayoutSettings", "TestCheckSettings", "TestConfig"]
    assert TestCheckPlugin.settings_model is autocode_tests.TestConfig
    assert autocode_tests.TestConfig is autocode_tests.TestCheckSettings
    assert autocode_tests.LayoutConfig is autocode_tests.LayoutSettings
    assert issubclass(autocode_tests.TestCheckSettings, CheckSettings)
    assert issubclass(autocode_tests.LayoutSettings, CheckSettings)
    assert TestCheckPlugin.description.isascii()
    assert autocode_tests.TestCheckSettings().outputs() == []  # JUnit goes to a temporary folder


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
