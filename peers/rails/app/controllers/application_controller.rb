class ApplicationController < ActionController::API
  # Query and path parameters that are not what the contract allows: 422.
  class InvalidParameter < StandardError; end
  class Conflict < StandardError; end
  class Unauthorized < StandardError; end

  INT4_MAX = 2**31 - 1

  wrap_parameters false

  rescue_from InvalidParameter, ActiveRecord::RecordInvalid do |e|
    problem(422, "validation_error", e.message)
  end
  rescue_from(Conflict, ActiveRecord::RecordNotUnique) { |e| problem(409, "conflict", e.message.lines.first.strip) }
  rescue_from(ActiveRecord::RecordNotFound) { |e| problem(404, "not_found", e.message) }
  rescue_from(Unauthorized) do |e|
    response.headers["WWW-Authenticate"] = "Bearer"
    problem(401, "unauthorized", e.message)
  end
  rescue_from(ActionDispatch::Http::Parameters::ParseError) { |e| problem(400, "bad_request", e.message) }

  private

  def problem(status, error, detail)
    render status: status, json: { error: error, detail: detail }
  end

  def not_found!(what) = raise(ActiveRecord::RecordNotFound, "#{what} not found")

  # An integer query parameter in min..max; absent or empty: the default.
  def int_param(name, default:, min:, max:)
    raw = params[name]
    return default if raw.nil? || raw == ""
    value = Integer(raw.to_s, 10, exception: false)
    raise InvalidParameter, "#{name}: '#{raw}' is not an integer in #{min}..#{max}" unless value&.between?(min, max)

    value
  end

  # A path {id}: an integer, else 422.
  def path_id(name = :id)
    Integer(params[name].to_s, 10, exception: false) or
      raise InvalidParameter, "#{name}: '#{params[name]}' is not an integer"
  end

  def started = @started ||= Process.clock_gettime(Process::CLOCK_MONOTONIC)
  def elapsed_ms = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - started) * 1000.0
end
