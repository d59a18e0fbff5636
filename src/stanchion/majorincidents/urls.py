app_name = "majorincidents"

urlpatterns = []
