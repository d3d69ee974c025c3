"""Who may approve how much: the one table of approval limits.

A payment is approved by an organizer (``Action.APPROVE_PAYMENT``) whose unit's reach covers the
unit the payment serves, who did not request it, and whose limit covers the amount. The limit
depends on the level of the approver's unit in the union's tree (``OrgUnit.depth``):

=====  ==========================================  ================
depth  unit                                        limit (yuan)
=====  ==========================================  ================
0      the county federation (旗总工会)             no limit
1      towns, industry unions, assistance centre   20,000
2+     stations                                    2,000
=====  ==========================================  ================

Helpers may request but never approve; auditors do neither. An amount above an organizer's limit
waits in the queue for the level above, which sees it (its reach covers the unit below). The table
can be replaced in settings as ``FUNDS_APPROVAL_LIMITS`` (depth -> yuan, None for no limit); the
deepest level listed applies to every level below it.
"""

from __future__ import annotations

from django.conf import settings

from accounts import visibility
from accounts.models import User
from accounts.visibility import Action

DEFAULT_APPROVAL_LIMITS: dict[int, int | None] = {0: None, 1: 20_000, 2: 2_000}


def limits() -> dict[int, int | None]:
    return dict(getattr(settings, "FUNDS_APPROVAL_LIMITS", DEFAULT_APPROVAL_LIMITS))


def approval_limit(user: User) -> int | None:
    """The most ``user`` may approve, in fen: ``None`` for no limit, 0 when they approve nothing."""
    if not visibility.may(user, Action.APPROVE_PAYMENT):
        return 0
    if visibility.is_admin(user):
        return None
    unit = user.org_unit
    if unit is None:
        return 0
    table = limits()
    depth = min(unit.depth, max(table))
    while depth not in table:  # a gap in the table: the level above's limit applies
        depth -= 1
        if depth < 0:
            return 0
    yuan = table[depth]
    return None if yuan is None else yuan * 100


def within_limit(user: User, amount: int) -> bool:
    limit = approval_limit(user)
    return limit is None or amount <= limit
