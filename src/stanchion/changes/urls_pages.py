"""Changes, approvals, CAB meetings, templates, windows and blackouts."""

urlpatterns = []
