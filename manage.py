#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
    batch = sys.argv[1:2] == ["rank_files"]
    if batch:
        # A batch run in a short-lived process: the cyclic collector would only slow the start-up
        # (Django, the pinyin dictionary) and the command down (docs/rank-files.md, "Figures").
        import gc

        gc.disable()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
    if batch:
        # Done and written (the output file is renamed into place and synced): leave without the
        # interpreter's finalisation, which would walk millions of objects for half a second.
        import logging

        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
