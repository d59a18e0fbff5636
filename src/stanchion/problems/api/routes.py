"""The API endpoints of problems, registered on the shared router."""


def register(router):
    """Add this app's viewsets to ``router`` (called by stanchion.api.urls)."""
    from .views import ProblemIncidentViewSet, ProblemViewSet, RootCauseCategoryViewSet

    router.register("problems", ProblemViewSet)
    router.register("problem-incidents", ProblemIncidentViewSet)
    router.register("root-cause-categories", RootCauseCategoryViewSet)
