"""The rules capability's URLs: work rules (urls_workrules) and duty disputes (urls_disputes)."""

from .urls_disputes import urlpatterns as disputes
from .urls_workrules import urlpatterns as workrules

app_name = "rules"

urlpatterns = [*workrules, *disputes]
