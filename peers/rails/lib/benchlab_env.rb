require "logger"
require "shellwords"
require "uri"

# The launcher interface's variables, read once.
module BenchlabEnv
  LEVELS = { "off" => :fatal, "error" => :error, "warn" => :warn, "warning" => :warn, "info" => :info,
             "debug" => :debug }.freeze

  module_function

  def name = ENV.fetch("BENCHLAB_NAME", "").then { |n| n.empty? ? "rails" : n }
  def redis_url = ENV.fetch("BENCHLAB_REDIS", "").then { |u| u.empty? ? "redis://127.0.0.1:6379" : u }
  def upstream = ENV.fetch("BENCHLAB_UPSTREAM", "").chomp("/")
  def jwt_secret = ENV.fetch("BENCHLAB_JWT_SECRET", "").then { |s| s.empty? ? "benchlab-dev-secret" : s }
  def threads = Integer(ENV.fetch("BENCHLAB_THREADS", "5"))
  def db_pool = [Integer(ENV.fetch("BENCHLAB_DB_POOL", "5")), threads].max
  def log_level_name = ENV.fetch("BENCHLAB_LOG_LEVEL", "off").downcase
  def log_level = LEVELS.fetch(log_level_name, :error)

  def logger
    return Logger.new(IO::NULL) if log_level_name == "off"

    Logger.new($stderr, level: log_level)
  end

  # A postgresql:// URL (with the pool size) from a libpq URI or keyword string.
  def database_url
    dsn = ENV.fetch("BENCHLAB_PG", "").strip
    url = if dsn.start_with?("postgresql://", "postgres://")
            dsn
          else
            kv = Shellwords.split(dsn).to_h { |item| item.split("=", 2) }
            query = kv["host"]&.start_with?("/") ? "?host=#{URI.encode_www_form_component(kv['host'])}" : ""
            host = query.empty? ? kv.fetch("host", kv.fetch("hostaddr", "127.0.0.1")) : ""
            auth = kv["user"] ? URI.encode_www_form_component(kv["user"]) : ""
            auth += ":#{URI.encode_www_form_component(kv['password'])}" if kv["password"]
            auth += "@" unless auth.empty?
            port = kv["port"] ? ":#{kv['port']}" : ""
            "postgresql://#{auth}#{host}#{port}/#{kv.fetch('dbname', 'benchlab')}#{query}"
          end
    url + (url.include?("?") ? "&" : "?") + "pool=#{db_pool}&prepared_statements=true"
  end
end
