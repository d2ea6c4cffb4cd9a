from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from fangpin.api import api

admin.site.site_header = "防贫 后台管理"
admin.site.site_title = "防贫"
admin.site.index_title = "后台管理"


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """An unknown /api/v1/ path answers like every other API error, in JSON, whatever the
    method: the API is not CSRF-protected (tokens), so a POST there must not meet the CSRF
    page either."""
    body = {"detail": "接口不存在,请查看 /api/v1/docs", "code": "not_found"}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
    path("", include("fangpin.web.urls")),
]
# Uploaded files are never served from MEDIA_URL: only through the scoped download views,
# as attachments (fangpin.core.files.download).

# JSON `{detail, code}` under /api/, Chinese pages elsewhere (413 for an oversized body).
handler400 = "fangpin.web.errors.bad_request"
handler500 = "fangpin.web.errors.server_error"
