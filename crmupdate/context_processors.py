from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"PRACTICE_CRM": settings.PRACTICE_CRM}
