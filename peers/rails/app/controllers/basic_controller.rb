require "net/http"

# Scenarios 01, 02, 05, 07: health, echo, external, upload.
class BasicController < ApplicationController
  FRAMEWORK = "Rails/#{Rails.version} Puma/#{Puma::Const::PUMA_VERSION} Ruby/#{RUBY_VERSION}".freeze

  def health
    response.set_header("X-Benchlab-Framework", FRAMEWORK)
    render json: { status: "ok", server: BenchlabEnv.name }
  end

  def echo
    body = request.request_parameters
    message = body["message"]
    raise InvalidParameter, "message: a string is required" unless message.is_a?(String)
    data = body["data"]
    raise InvalidParameter, "data: an object is required" unless data.nil? || data.is_a?(Hash)

    render json: { message: message, data: data }
  end

  def external
    # A Puma thread waits the 100 ms out; the others keep serving.
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    sleep 0.1
    render json: { source: "simulated_external_api",
                   latency_ms: (Process.clock_gettime(Process::CLOCK_MONOTONIC) - start) * 1000.0,
                   data: { message: "External API response" } }
  end

  def external_http
    return problem(503, "service_unavailable", "BENCHLAB_UPSTREAM is not configured") if BenchlabEnv.upstream.empty?

    start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    begin
      reply = Net::HTTP.get_response(URI("#{BenchlabEnv.upstream}/"))
      raise "status #{reply.code}" unless reply.is_a?(Net::HTTPSuccess)

      data = JSON.parse(reply.body)
    rescue StandardError => e
      return problem(502, "bad_gateway", "upstream failed: #{e.class}")
    end
    render json: { source: "upstream",
                   latency_ms: (Process.clock_gettime(Process::CLOCK_MONOTONIC) - start) * 1000.0, data: data }
  end

  def upload
    file = begin
      params[:file]
    rescue ActionController::BadRequest => e # a multipart body Rack cannot parse
      raise InvalidParameter, "file: #{e.message}"
    end
    raise InvalidParameter, "file: field required" unless file.respond_to?(:original_filename)

    render json: { filename: file.original_filename, size: file.size, content_type: file.content_type }
  end
end
