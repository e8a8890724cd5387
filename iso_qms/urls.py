app_name = "iso_qms"

urlpatterns: list = []
