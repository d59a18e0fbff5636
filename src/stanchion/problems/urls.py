app_name = "problems"

urlpatterns = []
