# The Rails API-only application, configured from the launcher's BENCHLAB_*
# variables (docs/peers.md). Debian's gems, no Bundler: nothing is fetched.
require_relative "../lib/benchlab_env"

ENV["RAILS_ENV"] ||= "production"
ENV["DATABASE_URL"] = BenchlabEnv.database_url

require "rails"
require "active_record/railtie"
require "action_controller/railtie"
require "jwt"
require "bcrypt"
require "redis"
require "puma/const" # /health reports the Puma version

class BenchApp < Rails::Application
  config.load_defaults 6.1
  config.api_only = true
  config.eager_load = true
  config.cache_classes = true
  config.consider_all_requests_local = false
  config.secret_key_base = BenchlabEnv.jwt_secret
  config.time_zone = "UTC"
  config.active_record.default_timezone = :utc
  config.active_record.dump_schema_after_migration = false
  config.active_record.migration_error = false
  config.public_file_server.enabled = false
  config.action_dispatch.show_exceptions = true
  # Every error leaves as {"error", "detail"}, routing errors included.
  config.exceptions_app = ->(env) { ErrorsController.action(:show).call(env) }
  config.cache_store = :redis_cache_store, { url: BenchlabEnv.redis_url, reconnect_attempts: 1,
                                             error_handler: ->(method:, returning:, exception:) {
                                               Rails.logger.error("redis #{method}: #{exception}")
                                             } }
  config.logger = BenchlabEnv.logger
  config.log_level = BenchlabEnv.log_level
  config.active_record.logger = nil
  config.hosts.clear
end
