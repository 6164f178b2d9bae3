# Sourced by bench/driver.sh and bench/driver_profile.sh: a private nginx
# answering GET /health with a small JSON body, on 127.0.0.1:PORT, pinned to
# CPU, with its files in DIR (temporary config; no access log; keep-alive
# without limit). Appends its pid to the caller's `pids` array.
#   start_nginx DIR PORT CPU
start_nginx() {
    local dir=$1 port=$2 cpu=$3
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$port;
        location = /health {
            default_type application/json;
            return 200 '{"status":"ok","server":"nginx"}';
        }
    }
}
CONF
    taskset -c "$cpu" nginx -p "$dir" -c "$dir/nginx.conf" 2>"$dir/stderr" &
    pids+=($!)
}
