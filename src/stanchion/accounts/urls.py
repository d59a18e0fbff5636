from django.urls import path

from . import token_views, views

app_name = "accounts"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.PersonEditView.as_view(), name="person-create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/new/", views.TeamEditView.as_view(), name="team-create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team-edit"),
    path("teams/<int:pk>/delete/", views.TeamDeleteView.as_view(), name="team-delete"),
    path("teams/<int:pk>/members/", views.TeamMembersView.as_view(), name="team-member-add"),
    path(
        "teams/<int:pk>/members/<int:membership_pk>/remove/",
        views.TeamMembersView.as_view(),
        name="team-member-remove",
    ),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserEditView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user-edit"),
    path("tokens/", token_views.TokenListView.as_view(), name="token-list"),
    path("tokens/new/", token_views.TokenCreateView.as_view(), name="token-create"),
    path("tokens/<int:pk>/revoke/", token_views.TokenRevokeView.as_view(), name="token-revoke"),
]
