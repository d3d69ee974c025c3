"""All the reference data the service cannot run without, loaded in one place.

Migrations load it on a new database; ``manage.py load_reference_data`` refreshes it; tests call
:func:`ensure_reference_data` after a transactional test has flushed the tables.
"""

from __future__ import annotations

from django.db import transaction

from core.models import Region
from core.reference import load_regions
from funds.models import Purpose
from funds.purposes import load_purposes
from households.lookups import load_lookups
from households.models import HardshipCause, TargetGroup
from ml import taxonomy
from relief import defaults as relief_defaults
from skills.models import Occupation, Skill
from skills.reference import BUILTIN_TAXONOMY, load_occupations
from skills.services import upsert_taxonomy


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    regions = load_regions(Region)
    occupations = load_occupations(Occupation)
    load_lookups(TargetGroup, HardshipCause)
    load_purposes(Purpose)
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        result = upsert_taxonomy(taxonomy.parse(handle))
    relief_defaults.load_all()
    return {"regions": regions, "occupations": occupations, "skills": result.created + result.updated}


def ensure_reference_data() -> None:
    if not (
        Region.objects.exists()
        and Occupation.objects.exists()
        and Skill.objects.exists()
        and TargetGroup.objects.exists()
        and Purpose.objects.exists()
    ):
        load_reference_data()
    else:
        relief_defaults.load_all()  # the relief tracks' rates and rules (idempotent, a few rows)
