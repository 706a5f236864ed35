"""``python -m autocode_core.cli``: the same as the ``autocode`` command."""

import sys

from autocode_core.cli.main import main

sys.exit(main())
