"""Every indicator the assessment knows, one module per area; importing this package registers
them all (``AssessmentConfig.ready``). Where relief tracks (``relief/``) add theirs: ``relief.py``."""

from assessment.indicators import employment, funds, households, relief, training, ventures  # noqa: F401
