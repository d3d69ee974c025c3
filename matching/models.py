"""Stored matches: a person and a posting the engine ranked together, with its score and the facts
that explain it (``ml.matching.Explanation``), so that pages and the API read them without scoring.

What is stored is the union of both sides' best: for each seeker their best
``settings.MATCHES_PER_SIDE`` postings, and for each posting its best seekers (overall, and among
those who agreed to be found by employers). ``matching.services`` keeps the rows fresh.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import JSONTextField


class Match(models.Model):
    # Keyed by the pair itself: one row per member and posting, and no surrogate id whose own index
    # every written row would also have to enter (a third of a COPY's cost into an emptied range:
    # 92,000-102,000 rows/s with it, 131,000-153,000 without; docs/scaling.md).
    pk = models.CompositePrimaryKey("member", "posting")
    # Derived rows, rewritten in millions by every re-match: no foreign-key constraint in the database.
    # Its check locks each referenced member and posting (FOR KEY SHARE) for every row written, which
    # costs about half the COPY's speed and makes a re-match chunk wait on, and hold up, anybody
    # updating those rows. Deleting a member or a posting still deletes its matches (Django's
    # cascade); a row whose posting or member vanished while a chunk was being written is dropped by
    # the readers' joins and by the next re-match (``rematch_plan`` clears them).
    member = models.ForeignKey(
        "households.Member",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("member"),
        db_constraint=False,
        db_index=False,  # the primary key (member, posting) starts with it
    )
    posting = models.ForeignKey(
        "jobs.JobPosting",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("posting"),
        db_constraint=False,
        db_index=False,
    )
    score = models.FloatField(_("score"))  # 0..1, higher is better
    # The engine's Explanation as facts (skill codes, location/capacity/salary/occupation facts, the
    # weighted parts) plus the values the sentences quote; ``matching.explain`` words them. Text, not
    # jsonb: read whole, never queried inside (see ``core.fields.JSONTextField``).
    explanation = JSONTextField(_("explanation"), default=dict)
    engine_version = models.CharField(_("engine version"), max_length=16)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        # A worker's best jobs are read from the primary key's range of theirs (a few dozen rows, a
        # few hundred at most, sorted by score in memory). An index on (member, -score) saved those
        # reads nothing (each joins or filters before it sorts) and cost a quarter of the write's
        # speed (docs/scaling.md). A posting's people (hundreds to thousands of rows) are read in
        # order from their own index.
        indexes = [models.Index(fields=["posting", "-score"], name="match_posting_best")]

    def __str__(self) -> str:
        return f"{self.member_id} ~ {self.posting_id} ({self.score:.2f})"

    @property
    def percent(self) -> int:
        return round(self.score * 100)


class PendingMatch(models.Model):
    """A person whose matches are being computed (people just imported from a spreadsheet): their
    page says so ("正在计算推荐") rather than "no jobs match you". Removed when their matches are in."""

    member = models.OneToOneField(
        "households.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    since = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending match")
        verbose_name_plural = _("pending matches")

    def __str__(self) -> str:
        return f"{self.member_id} (since {self.since:%Y-%m-%d %H:%M})"


class MatchWeights(models.Model):
    """Match weights learned from outcomes (``matching.learning``), with the offline evaluation that
    let them go live. The newest active row is the weighting the market uses; none: the engine's."""

    weights = models.JSONField(_("weights"))
    report = models.JSONField(_("evaluation"), default=dict)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("learned match weights")
        verbose_name_plural = _("learned match weights")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({'in use' if self.active else 'not in use'})"


class RematchRun(models.Model):
    """One full re-match (the nightly run), cut into chunks of seekers that workers run in parallel.

    The run records which chunks finished: a chunk's rows and its "done" commit in one transaction,
    so a chunk whose worker was killed is simply pending, and ``matching.services.rematch_sweep``
    sends it again (or gives it up after ``REMATCH_MAX_ATTEMPTS``). A newer run supersedes an
    unfinished older one (it recomputes everything anyway)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        INCOMPLETE = "incomplete", _("Finished with chunks given up")
        SUPERSEDED = "superseded", _("Superseded by a newer run")

    state = models.CharField(_("state of the run"), max_length=12, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # [posting id, N-th best score overall, N-th best among consenting] (``services.posting_thresholds``),
    # assembled from the threshold parts when the last of them finishes; the seeker chunks are sent then.
    thresholds = models.JSONField(_("thresholds"), default=list)
    thresholds_at = models.DateTimeField(_("thresholds assembled at"), null=True, blank=True)
    chunk_count = models.PositiveIntegerField(_("chunks"), default=0)
    part_count = models.PositiveIntegerField(_("threshold parts"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("re-match run")
        verbose_name_plural = _("re-match runs")

    def __str__(self) -> str:
        return f"re-match {self.started_at:%Y-%m-%d %H:%M} ({self.state})"


class RematchPiece(models.Model):
    """What a run's seeker chunks and threshold parts share: recorded before they are sent, each run
    once by any worker, tried again up to ``REMATCH_MAX_ATTEMPTS`` times, then given up."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to run")
        DONE = "done", _("Done")
        FAILED = "failed", _("Given up")

    index = models.PositiveIntegerField(_("index"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True


class RematchChunk(RematchPiece):
    run = models.ForeignKey(RematchRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run"))
    member_ids = models.JSONField(_("seekers"), default=list)
    state = models.CharField(
        _("state of the chunk"), max_length=8, choices=RematchPiece.State.choices, default=RematchPiece.State.PENDING
    )
    written = models.PositiveIntegerField(_("matches written"), default=0)

    class Meta:
        ordering = ["run", "index"]
        verbose_name = _("re-match chunk")
        verbose_name_plural = _("re-match chunks")
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_chunk_per_index")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index} ({self.state})"


class RematchThresholdPart(RematchPiece):
    """Some postings' best lists, the run's first phase (``matching.services.rematch_run_part``): any
    worker ranks a part's postings, and the last part to finish assembles ``RematchRun.thresholds``
    and sends the seeker chunks, which need all of them. Recorded, retried and swept as the chunks are."""

    run = models.ForeignKey(RematchRun, on_delete=models.CASCADE, related_name="threshold_parts", verbose_name=_("run"))
    posting_ids = models.JSONField(_("postings"), default=list)
    state = models.CharField(
        _("state of the part"), max_length=8, choices=RematchPiece.State.choices, default=RematchPiece.State.PENDING
    )
    # The part's rows of ``RematchRun.thresholds``, kept until the last part assembles them.
    thresholds = models.JSONField(_("thresholds"), default=list)

    class Meta:
        ordering = ["run", "index"]
        verbose_name = _("re-match threshold part")
        verbose_name_plural = _("re-match threshold parts")
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_threshold_part_per_index")]

    def __str__(self) -> str:
        return f"{self.run_id}#t{self.index} ({self.state})"


class MarketChange(models.Model):
    """One change to a table behind the matching market, written by database triggers (migration
    0007), never by the application: a member, their household, skills or job preference; a
    posting, its skills or hires. A cached market (``matching.changes``) reads the changes it has
    not seen yet, an index range whatever the region's size, and rebuilds unless each of them was
    taken in by a refresh of this process.

    ``target``: the member's id for the seekers' side (a household's change: minus the household's
    id; a preference's region or occupation whose preference is gone: 0), the posting's id for the
    postings' side. ``xid``: PostgreSQL's id of the writing transaction, so that a change committed
    after a later one is still read (SQLite has one writer at a time: its order is the id's)."""

    SEEKERS, POSTINGS = "s", "p"

    id = models.BigAutoField(primary_key=True)
    side = models.CharField(max_length=1)
    target = models.BigIntegerField()
    xid = models.BigIntegerField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("market change")
        verbose_name_plural = _("market changes")
        indexes = [models.Index(fields=["xid"], name="market_change_xid")]

    def __str__(self) -> str:
        return f"{self.side}{self.target} #{self.id}"
