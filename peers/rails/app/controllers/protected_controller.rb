# Scenario 06: the chain as this controller's callbacks, in order: the request
# id (Rails' RequestId middleware reads X-Request-Id or makes a UUID, and
# echoes it on every response), the access log, then the bearer check.
class ProtectedController < ApplicationController
  before_action :log_request
  before_action :require_bearer

  def show
    render json: { message: "Access granted", user: "user_from_token_#{@token[0, 8]}" }
  end

  private

  def log_request
    logger.info { "request #{request.method} #{request.path} id=#{request.request_id}" }
  end

  def require_bearer
    scheme, token = request.authorization.to_s.split(" ", 2)
    token = token.to_s.strip
    raise Unauthorized, "missing or invalid bearer token" unless scheme&.casecmp?("bearer") && token.length >= 10 && !token.match?(/\s/)

    @token = token
  end
end
