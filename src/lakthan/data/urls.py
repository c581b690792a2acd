app_name = "data"

urlpatterns: list = []
