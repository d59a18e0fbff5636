from django.urls import path

from . import panel, views, views_portal

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.ArticleListView.as_view(), name="article-list"),
    path("knowledge/new/", views.ArticleFormView.as_view(), name="article-new"),
    path("knowledge/<str:number>/", views.ArticleDetailView.as_view(), name="article"),
    path("knowledge/<str:number>/edit/", views.ArticleFormView.as_view(), name="article-edit"),
    path(
        "knowledge/<str:number>/versions/",
        views.ArticleHistoryView.as_view(),
        name="article-history",
    ),
    path(
        "knowledge/<str:number>/<str:action>/",
        views.ArticleActionView.as_view(),
        name="article-action",
    ),
    path("help/articles/", views_portal.PortalArticleListView.as_view(), name="portal-list"),
    path("help/articles/suggest/", views_portal.PortalSuggestView.as_view(), name="portal-suggest"),
    path(
        "help/articles/<str:number>/",
        views_portal.PortalArticleView.as_view(),
        name="portal-article",
    ),
    path(
        "knowledge/tickets/<str:number>/links/",
        panel.TicketLinkView.as_view(),
        name="ticket-link",
    ),
    path(
        "knowledge/tickets/<str:number>/links/<int:pk>/delete/",
        panel.TicketUnlinkView.as_view(),
        name="ticket-unlink",
    ),
]
