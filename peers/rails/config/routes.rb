Rails.application.routes.draw do
  # No ".format" suffixes: /users/1.5 is the id "1.5" (422), not user 1 as "5".
  scope format: false do
    get "health", to: "basic#health"
    post "echo", to: "basic#echo"
    get "external", to: "basic#external"
    get "external/http", to: "basic#external_http"
    get "protected", to: "protected#show"
    post "upload", to: "basic#upload"

    get "users/offset", to: "users#offset"
    get "users/cursor", to: "users#cursor"
    resources :users, only: %i[index show create update destroy], constraints: { id: %r{[^/]+} }

    get "column-overhead/type/:kind", to: "reads#columns"
    get "column-overhead/:width", to: "reads#columns"
    get "n-plus-one/:strategy", to: "reads#n_plus_one"

    delete "bulk-operations/cleanup", to: "writes#cleanup"
    post "bulk-operations/:operation", to: "writes#bulk"
    post "transactions/reset", to: "writes#reset"
    get "transactions/products/:id", to: "writes#product"
    post "transactions/decrement/:method", to: "writes#decrement"

    get "cache/users/:id/no-cache", to: "cache#no_cache"
    get "cache/users/:id/cached", to: "cache#cached"
    post "cache/warmup", to: "cache#warmup"
    delete "cache/flush", to: "cache#flush"
    delete "cache/users/:id", to: "cache#forget"

    get "auth/public", to: "auth#public"
    post "auth/login/jwt", to: "auth#login_jwt"
    post "auth/login/session", to: "auth#login_session"
    get "auth/protected/jwt", to: "auth#protected_jwt"
    get "auth/protected/session", to: "auth#protected_session"

    get "aggregation/count/:variant", to: "stats#counts"
    get "aggregation/stats/country/:variant", to: "stats#by_country"
    get "aggregation/stats/author/:variant", to: "stats#by_author"

    get "io/sleep", to: "workloads#io_sleep"
    get "io/db", to: "workloads#io_db"
    get "cpu/fibonacci", to: "workloads#fibonacci"
    get "cpu/hash", to: "workloads#hash"
    get "cpu/json-serialize", to: "workloads#json_serialize"
    get "mixed/report", to: "workloads#mixed_report"

    get "search/posts", to: "search#posts"
    post "flow/login", to: "flow#login"
    get "flow/feed", to: "flow#feed"
    post "flow/posts", to: "flow#create"
    get "flow/posts/:id", to: "flow#show"
  end
end
