"""The `pcrm` console script: every Django management command, with PCRM's settings.

`pcrm import customers FILE`, `pcrm playbook run`, `pcrm demo`, `pcrm migrate` …
are all management commands living in the app that owns them.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
