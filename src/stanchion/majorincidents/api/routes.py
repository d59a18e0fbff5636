"""The API endpoints of major incidents, registered on the shared router."""


def register(router):
    """Add this app's viewsets to ``router`` (called by stanchion.api.urls)."""
    from .views import (
        MajorIncidentUpdateViewSet,
        MajorIncidentViewSet,
        PostIncidentReviewViewSet,
        ReviewActionViewSet,
        ServiceSubscriptionViewSet,
    )

    router.register("major-incidents", MajorIncidentViewSet)
    router.register("major-incident-updates", MajorIncidentUpdateViewSet)
    router.register("service-subscriptions", ServiceSubscriptionViewSet)
    router.register("post-incident-reviews", PostIncidentReviewViewSet)
    router.register("review-actions", ReviewActionViewSet)
