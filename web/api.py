"""The API router: every app's endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import OrgUnitViewSet, me
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
from skills.api import (
    OccupationViewSet,
    ReviewPhraseViewSet,
    SkillViewSet,
    understand_occupation,
    understand_skill,
)

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

urlpatterns = [
    path("me/", me, name="api-me"),
    path("understand/skill/", understand_skill, name="api-understand-skill"),
    path("understand/occupation/", understand_occupation, name="api-understand-occupation"),
    *router.urls,
]
