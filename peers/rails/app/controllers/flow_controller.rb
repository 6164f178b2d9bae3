# Scenario 20, the end-to-end flow: log in (bcrypt) for a JWT, read the feed,
# write a post, read it back.
class FlowController < ApplicationController
  TOKEN_TTL = 1800

  before_action :started
  before_action :authenticate, except: :login

  def login
    email, password = body.values_at("email", "password")
    [["email", email, 255], ["password", password, 72]].each do |name, value, max|
      unless value.is_a?(String) && value.length.between?(1, max)
        raise InvalidParameter, "#{name}: a string of 1..#{max} characters is required"
      end
    end
    account = Account.select(:id, :password_hash).find_by(email: email)
    raise Unauthorized, "wrong email or password" unless account&.authenticate(password)

    claims = { sub: account.id.to_s, email: email, exp: Time.now.to_i + TOKEN_TTL }
    render json: { access_token: JWT.encode(claims, BenchlabEnv.jwt_secret, "HS256"), token_type: "bearer",
                   account_id: account.id, elapsed_ms: elapsed_ms }
  end

  def feed
    limit = int_param(:limit, default: 20, min: 1, max: 100)
    before = int_param(:before, default: INT4_MAX, min: 1, max: INT4_MAX)
    rows = AccountPost.joins(:account).where(account_id: @account_id).where("account_posts.id < ?", before)
                      .order(id: :desc).limit(limit + 1)
                      .select("account_posts.id, account_posts.title, account_posts.body, " \
                              "account_posts.created_at, accounts.name AS author_name").to_a
    items = rows.first(limit).map do |p|
      { "id" => p.id, "title" => p.title, "body" => p.body, "created_at" => p.created_at,
        "author_name" => p.author_name }
    end
    render json: { account_id: @account_id, items: items, next_before: rows.size > limit ? items.last["id"] : nil }
  end

  def create
    post = AccountPost.new(body.slice("title", "body").merge("account_id" => @account_id, "created_at" => Time.current))
    post.save!
    render status: :created, json: post
  end

  def show
    id = path_id
    post = AccountPost.find_by(id: id, account_id: @account_id) if id.between?(1, INT4_MAX)
    not_found!("post") unless post
    render json: post
  end

  private

  def body
    b = request.request_parameters
    raise InvalidParameter, "body: a JSON object is required" if b.key?("_json")

    b
  end

  def authenticate
    scheme, token = request.authorization.to_s.split(" ", 2)
    token = token.to_s.strip
    raise Unauthorized, "missing bearer token" unless scheme&.casecmp?("bearer") && !token.empty?

    claims, = JWT.decode(token, BenchlabEnv.jwt_secret, true, algorithm: "HS256")
    raise Unauthorized, "invalid token: exp and sub are required" unless claims["exp"] && claims["sub"]

    @account_id = Integer(claims["sub"].to_s, 10)
    raise Unauthorized, "invalid token: bad sub" unless @account_id.between?(1, INT4_MAX)
  rescue JWT::DecodeError, ArgumentError, TypeError => e
    raise Unauthorized, "invalid token: #{e.message}"
  end
end
