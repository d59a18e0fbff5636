"""The API endpoints of major incidents, registered on the shared router."""


def register(router):
    """Add this app's viewsets to ``router`` (called by stanchion.api.urls)."""
