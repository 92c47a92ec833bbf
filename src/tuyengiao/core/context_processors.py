from django.conf import settings


def site(request):
    from django.apps import apps

    has_sample = False
    if settings.SAMPLE_DATA_BANNER and request.user.is_authenticated:
        Unit = apps.get_model("org", "Unit")
        has_sample = Unit.objects.filter(is_sample=True).exists()
    return {"sample_data": has_sample, "app_name": "Tuyên giáo số"}
