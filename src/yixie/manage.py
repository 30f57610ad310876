"""The `yixie` console command: Django's management commands with the project's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yixie.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Operators type `yixie ledger-import`; Django names commands after their files (ledger_import).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
