from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from ml import taxonomy
from skills import services


class Command(BaseCommand):
    help = "Write the skill taxonomy as JSON Lines (the import format)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", dest="path", default="-", help="output file, or - for standard output")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        entries = services.taxonomy_export()
        if path == "-":
            sys.stdout.writelines(taxonomy.dump(entries))
            return
        target = Path(path)
        # Write beside the target and rename, so a failure never leaves half a file behind.
        fd, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.writelines(taxonomy.dump(entries))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stderr.write(f"{len(entries)} skills written to {target}")
