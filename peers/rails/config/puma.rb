# Puma for the Rails peer: BENCHLAB_WORKERS processes (1 = single mode, N =
# cluster mode) x BENCHLAB_THREADS threads each (Rails' default 5).
require_relative "../lib/benchlab_env"
require "pg"
require "redis"

listen = ENV.fetch("BENCHLAB_LISTEN")
host, _, port = listen.rpartition(":")
# The trailing "/" ends the port in the process title ("puma 5.6.5
# (tcp://HOST:PORT/) ..."), where `benchlab down` looks for it.
bind "tcp://#{host}:#{port}/"
threads BenchlabEnv.threads, BenchlabEnv.threads
workers_count = Integer(ENV.fetch("BENCHLAB_WORKERS", "1"))
workers workers_count if workers_count > 1
environment "production"
rackup File.expand_path("../config.ru", __dir__)
persistent_timeout 5
worker_shutdown_timeout 10
raise_exception_on_sigterm false # SIGTERM: drain, then exit 0
quiet BenchlabEnv.log_level_name != "info" && BenchlabEnv.log_level_name != "debug"

# Fail fast, in one line, on an unreachable database or Redis (before any
# worker boots: a cluster would otherwise respawn failing workers forever).
begin
  PG.connect(BenchlabEnv.database_url.sub(/[?&]pool=.*\z/, "")).close
  Redis.new(url: BenchlabEnv.redis_url, reconnect_attempts: 0).tap(&:ping).close
rescue StandardError => e
  warn "rails peer: cannot start: #{e.class}: #{e.message.lines.first&.strip}"
  exit! 3
end
