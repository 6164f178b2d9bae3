# The exceptions app: errors raised outside a controller action (no route,
# a body the params parser rejects) as {"error", "detail"}.
class ErrorsController < ActionController::API
  NAMES = { 400 => "bad_request", 404 => "not_found", 405 => "method_not_allowed",
            406 => "not_acceptable", 413 => "payload_too_large", 422 => "validation_error" }.freeze

  def show
    status = request.path_info.delete_prefix("/").to_i
    status = 500 unless status.between?(400, 599)
    exception = request.env["action_dispatch.exception"]
    detail = status == 404 ? "no route for #{request.env['action_dispatch.original_path']}" : exception&.message.to_s
    render status: status, json: { error: NAMES.fetch(status, status >= 500 ? "internal_error" : "error"),
                                   detail: detail.lines.first.to_s.strip }
  end
end
