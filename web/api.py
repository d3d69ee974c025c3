"""The API router: every app's endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import OrgUnitViewSet, me
from assessment import api as assessment_api
from fairs import api as fairs_api
from funds.api import (
    AnomalyViewSet,
    BudgetViewSet,
    FundViewSet,
    LedgerViewSet,
    PaymentRequestViewSet,
    PurposeViewSet,
    reconciliation,
)
from households.api import (
    ExitRequestViewSet,
    GoalViewSet,
    HouseholdViewSet,
    MemberSkillViewSet,
    MemberViewSet,
    PairingViewSet,
    PlanViewSet,
    VisitViewSet,
)
from jobs.api import (
    ApplicationViewSet,
    CandidateViewSet,
    EmployerViewSet,
    EmploymentServiceViewSet,
    PlacementViewSet,
    PostingViewSet,
    RetentionCheckViewSet,
)
from matching.api import MatchViewSet
from notifications import api as notifications_api
from relief import api as relief_api
from skills.api import (
    OccupationViewSet,
    ReviewPhraseViewSet,
    SkillViewSet,
    understand_occupation,
    understand_skill,
)
from training import api as training_api
from ventures import api as ventures_api

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("member-skills", MemberSkillViewSet, basename="member-skill")
router.register("plans", PlanViewSet, basename="plan")
router.register("goals", GoalViewSet, basename="goal")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("visits", VisitViewSet, basename="visit")
router.register("exit-requests", ExitRequestViewSet, basename="exit-request")
router.register("skills", SkillViewSet, basename="skill")
router.register("occupations", OccupationViewSet, basename="occupation")
router.register("review-phrases", ReviewPhraseViewSet, basename="review-phrase")
router.register("employers", EmployerViewSet, basename="employer")
router.register("postings", PostingViewSet, basename="posting")
router.register("applications", ApplicationViewSet, basename="application")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("placements", PlacementViewSet, basename="placement")
router.register("retention-checks", RetentionCheckViewSet, basename="retention-check")
router.register("employment-services", EmploymentServiceViewSet, basename="employment-service")
router.register("funds", FundViewSet, basename="fund")
router.register("fund-purposes", PurposeViewSet, basename="fund-purpose")
router.register("budgets", BudgetViewSet, basename="budget")
router.register("payment-requests", PaymentRequestViewSet, basename="payment-request")
router.register("ledger", LedgerViewSet, basename="ledger-transaction")
router.register("anomalies", AnomalyViewSet, basename="anomaly")
router.register("matches", MatchViewSet, basename="match")
ventures_api.register(router)
training_api.register(router)
fairs_api.register(router)
notifications_api.register(router)
relief_api.register(router)
assessment_api.register(router)

urlpatterns = [
    path("me/", me, name="api-me"),
    path("reconciliation/", reconciliation, name="api-reconciliation"),
    path("understand/skill/", understand_skill, name="api-understand-skill"),
    path("understand/occupation/", understand_occupation, name="api-understand-occupation"),
    *router.urls,
]
