app_name = "pilotage"

urlpatterns = []
