"""The API endpoints of knowledge, registered on the shared router."""


def register(router):
    """Add this app's viewsets to ``router`` (called by stanchion.api.urls)."""
    from . import views

    router.register("articles", views.ArticleViewSet)
    router.register("article-versions", views.ArticleVersionViewSet)
    router.register("article-feedback", views.ArticleFeedbackViewSet)
    router.register("ticket-articles", views.TicketArticleViewSet)
