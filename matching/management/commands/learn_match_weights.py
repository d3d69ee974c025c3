"""python manage.py learn_match_weights [--apply]

Learn the match weights from outcomes (interviews, offers, hires), evaluated offline on the later
outcomes (a time split) against the weights in use; prints the evaluation. With ``--apply`` the
learned weights go live only when they rank the later outcomes clearly better (``ml.outcomes``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from matching.learning import weights_learn


class Command(BaseCommand):
    help = "Learn the match weights from interviews and hires; --apply puts them live only if they do better."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="put the learned weights live if they win")

    def handle(self, *args: Any, apply: bool, **options: Any) -> None:
        report, row = weights_learn(apply=apply)
        self.stdout.write(
            f"outcomes: {report.rows} ({report.train} earlier to learn from, {report.positives_train} good; "
            f"{report.test} later to judge by, {report.positives_test} good)"
        )
        if report.auc_current is not None:
            self.stdout.write(
                f"later outcomes, area under the ROC curve: current weights {report.auc_current:.4f}, "
                f"learned {report.auc_learned:.4f}"
            )
            self.stdout.write("learned weights: " + ", ".join(f"{k} {v:.3f}" for k, v in report.weights.items()))
        self.stdout.write(report.reason)
        if row is not None:
            self.stdout.write(self.style.SUCCESS(f"the learned weights are live (row {row.pk})"))
        elif apply:
            self.stdout.write("nothing changed")
