"""autocode-tests: the ``test_check`` plugin of autocode.

Every module has a test, and the tests pass: code files are mapped to the test
files expected for them (``LayoutSettings``), and with ``auto_execute`` the
mapped tests run once under pytest in the project's own interpreter. The
check itself lives in ``autocode_tests.plugin`` (entry point ``test_check``);
importing this package only imports the settings models.
"""

from autocode_tests.settings import LayoutConfig, LayoutSettings, TestCheckSettings, TestConfig

__all__ = ["LayoutConfig", "LayoutSettings", "TestCheckSettings", "TestConfig"]
