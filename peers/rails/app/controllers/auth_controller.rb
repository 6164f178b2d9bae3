# Scenario 17: stateless JWT (HS256) versus sessions in Redis (Rails.cache).
class AuthController < ApplicationController
  TOKEN_TTL = 1800

  before_action :started
  before_action :authenticate_jwt, only: :protected_jwt
  before_action :authenticate_session, only: :protected_session

  def public
    render json: { message: "public endpoint", authenticated: false }
  end

  def login_jwt
    user = login_user
    claims = { sub: user.id.to_s, email: user.email, exp: Time.now.to_i + TOKEN_TTL }
    render json: { access_token: JWT.encode(claims, BenchlabEnv.jwt_secret, "HS256"), token_type: "bearer",
                   elapsed_ms: elapsed_ms }
  end

  def login_session
    user = login_user
    token = SecureRandom.urlsafe_base64(32)
    Rails.cache.write("session:#{token}", user.id, expires_in: TOKEN_TTL)
    render json: { session_token: token, token_type: "session", elapsed_ms: elapsed_ms }
  end

  def protected_jwt = granted("jwt")
  def protected_session = granted("session")

  private

  def login_user
    raise InvalidParameter, "user_id: required" if params[:user_id].blank?

    user_or_401(int_param(:user_id, default: nil, min: -2**63, max: 2**63 - 1))
  end

  def user_or_401(id)
    (User.key?(id) && User.select(:id, :email).find_by(id: id)) or raise Unauthorized, "no user #{id}"
  end

  def bearer
    scheme, token = request.authorization.to_s.split(" ", 2)
    token = token.to_s.strip
    raise Unauthorized, "missing bearer token" unless scheme&.casecmp?("bearer") && !token.empty?

    token
  end

  def authenticate_jwt
    claims, = JWT.decode(bearer, BenchlabEnv.jwt_secret, true, algorithm: "HS256")
    raise Unauthorized, "invalid token: exp and sub are required" unless claims["exp"] && claims["sub"]

    @user = user_or_401(Integer(claims["sub"].to_s, 10))
  rescue JWT::DecodeError, ArgumentError, TypeError => e
    raise Unauthorized, "invalid token: #{e.message}"
  end

  def authenticate_session
    token = request.headers["X-Session-Token"].presence || bearer
    user_id = Rails.cache.read("session:#{token}") if token.length <= 256
    raise Unauthorized, "unknown or expired session" unless user_id

    @user = user_or_401(user_id.to_i)
  end

  def granted(kind)
    render json: { message: "#{kind} authentication successful", auth_type: kind, user_id: @user.id,
                   email: @user.email, elapsed_ms: elapsed_ms }
  end
end
