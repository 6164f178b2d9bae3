"""The contract's routes: a router for the users resource, explicit routes
onto ViewSet actions for the rest."""
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api import views_basic as basic
from api import views_cache as cache
from api import views_data as data
from api import views_search_flow as search_flow
from api import views_stats as stats
from api import views_writes as writes

router = SimpleRouter(trailing_slash=False)
router.register("users", data.UserViewSet, basename="user")


def route(pattern, viewset, **actions):
    return re_path(rf"^{pattern}$", viewset.as_view(actions))


urlpatterns = [
    path("health", basic.BasicViewSet.as_view({"get": "health"})),
    path("echo", basic.BasicViewSet.as_view({"post": "echo"})),
    path("external", basic.BasicViewSet.as_view({"get": "external"})),
    path("external/http", basic.BasicViewSet.as_view({"get": "external_http"})),
    path("protected", basic.protected_view),
    path("upload", basic.BasicViewSet.as_view({"post": "upload"})),
    *router.urls,
    route(r"column-overhead/type/(?P<kind>[^/]+)", data.ColumnViewSet, get="by_type"),
    route(r"column-overhead/(?P<width>[^/]+)", data.ColumnViewSet, get="by_width"),
    route(r"n-plus-one/(?P<strategy>[^/]+)", data.AuthorViewSet, get="with_posts"),
    route(r"bulk-operations/cleanup", writes.BulkViewSet, delete="cleanup"),
    route(r"bulk-operations/(?P<operation>[^/]+)", writes.BulkViewSet, post="run"),
    route(r"transactions/reset", writes.StockViewSet, post="reset"),
    route(r"transactions/products/(?P<pk>[^/]+)", writes.StockViewSet, get="retrieve"),
    route(r"transactions/decrement/(?P<method>[^/]+)", writes.StockViewSet, post="decrement"),
    route(r"cache/users/(?P<user_id>[^/]+)/no-cache", cache.CacheViewSet, get="no_cache"),
    route(r"cache/users/(?P<user_id>[^/]+)/cached", cache.CacheViewSet, get="cached"),
    route(r"cache/warmup", cache.CacheViewSet, post="warmup"),
    route(r"cache/flush", cache.CacheViewSet, delete="flush"),
    route(r"cache/users/(?P<user_id>[^/]+)", cache.CacheViewSet, delete="forget"),
    route(r"auth/public", cache.AuthViewSet, get="public"),
    route(r"auth/login/jwt", cache.AuthViewSet, post="login_jwt"),
    route(r"auth/login/session", cache.AuthViewSet, post="login_session"),
    route(r"auth/protected/jwt", cache.JWTProtectedViewSet, get="list"),
    route(r"auth/protected/session", cache.SessionProtectedViewSet, get="list"),
    route(r"aggregation/count/(?P<variant>[^/]+)", stats.AggregationViewSet, get="counts"),
    route(r"aggregation/stats/country/(?P<variant>[^/]+)", stats.AggregationViewSet, get="by_country"),
    route(r"aggregation/stats/author/(?P<variant>[^/]+)", stats.AggregationViewSet, get="by_author"),
    route(r"io/sleep", stats.WorkloadViewSet, get="sleep"),
    route(r"io/db", stats.WorkloadViewSet, get="db"),
    route(r"cpu/fibonacci", stats.WorkloadViewSet, get="fibonacci"),
    route(r"cpu/hash", stats.WorkloadViewSet, get="hash"),
    route(r"cpu/json-serialize", stats.WorkloadViewSet, get="json_serialize"),
    route(r"mixed/report", stats.WorkloadViewSet, get="report"),
    route(r"search/posts", search_flow.SearchViewSet, get="posts"),
    route(r"flow/login", search_flow.FlowLoginViewSet, post="login"),
    route(r"flow/feed", search_flow.FlowViewSet, get="feed"),
    route(r"flow/posts", search_flow.FlowViewSet, post="create"),
    route(r"flow/posts/(?P<pk>[^/]+)", search_flow.FlowViewSet, get="retrieve"),
]

handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
handler400 = "api.errors.bad_request"
