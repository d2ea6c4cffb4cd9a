"""`/metrics` for Prometheus, and the middleware that counts every request.

Who may scrape: a request from an allowed network (FANGPIN_METRICS_ALLOW, CIDRs, default the
loopback addresses) that did not come through a proxy, or one that presents the bearer token
FANGPIN_METRICS_TOKEN. Anyone else gets the site's 404 page, as for a page that does not
exist. A request carrying a proxy's forwarding header is never let in by its address: behind
nginx on the same machine every visitor would otherwise come from 127.0.0.1.

Requests are labelled by the pattern of the route that answered (`households/<int:pk>/`),
never by their path, so no ID number, household number or query string reaches a label.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from fangpin.core import metrics

# Set by a proxy that passes a request on; their presence means the address is the proxy's.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
UNMATCHED = "unmatched"
STATIC = "static"


def route_label(request: HttpRequest) -> str:
    """The route pattern that answered, or a fixed word when none did."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    if request.path.startswith(settings.STATIC_URL):
        return STATIC  # WhiteNoise answers before the URLs are resolved
    return UNMATCHED


class RequestMetricsMiddleware:
    """Count each request, its time and its database queries, by route (outermost)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with metrics.query_counter() as queries:
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_label(request)
        method = metrics.method_label(request.method)
        metrics.HTTP_REQUESTS.labels(
            route=route, method=method, status=metrics.status_class(response.status_code)
        ).inc()
        metrics.HTTP_LATENCY.labels(route=route, method=method).observe(elapsed)
        metrics.HTTP_QUERIES.labels(route=route).observe(queries[0])
        return response


def _address_allowed(request: HttpRequest) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in settings.FANGPIN_METRICS_ALLOW]
    return any(address.version == net.version and address in net for net in networks)


def _token_presented(request: HttpRequest) -> bool:
    token = settings.FANGPIN_METRICS_TOKEN
    if not token:
        return False
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip(), token)


def metrics_allowed(request: HttpRequest) -> bool:
    return _token_presented(request) or _address_allowed(request)


@csrf_exempt  # a refused POST must look like any unknown path (404), not a CSRF failure
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body = generate_latest(metrics.scrape_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
