# Scenarios 03, 04, 09: the users resource and its two pagination styles.
class UsersController < ApplicationController
  COLUMNS = %i[id name email created_at].freeze

  def index
    render json: User.select(COLUMNS).order(:id)
  end

  def show
    render json: find_user
  end

  def create
    user = User.new(user_params.merge(created_at: Time.current))
    user.save!
    render status: :created, json: user
  rescue ActiveRecord::RecordNotUnique
    raise Conflict, "email #{user.email} already exists"
  end

  def update
    changes = user_params
    raise InvalidParameter, "body: name or email is required" if changes.empty?

    user = find_user
    user.update!(changes)
    render json: user
  rescue ActiveRecord::RecordNotUnique
    raise Conflict, "email #{changes['email']} already exists"
  end

  def destroy
    id = path_id
    deleted = User.key?(id) ? User.where(id: id).delete_all : 0
    not_found!("user #{id}") if deleted.zero?
    head :no_content
  end

  def offset
    page = int_param(:page, default: 1, min: 1, max: 10_000_000)
    size = int_param(:size, default: 20, min: 1, max: 100)
    items = PaginatedUser.select(COLUMNS).order(:id).limit(size).offset((page - 1) * size).map(&:attributes)
    total = PaginatedUser.count
    render json: { items: items, total: total, page: page, size: size, total_pages: (total + size - 1) / size }
  end

  def cursor
    after = int_param(:cursor, default: 0, min: 0, max: INT4_MAX)
    size = int_param(:size, default: 20, min: 1, max: 100)
    rows = PaginatedUser.select(COLUMNS).where("id > ?", after).order(:id).limit(size + 1).map(&:attributes)
    items = rows.first(size)
    render json: { items: items, next_cursor: rows.length > size ? items.last["id"] : nil, size: size }
  end

  private

  def find_user
    id = path_id
    (User.key?(id) && User.select(COLUMNS).find_by(id: id)) or not_found!("user #{id}")
  end

  # The JSON body's name and email, as sent (the model checks their types).
  def user_params
    request.request_parameters.slice("name", "email")
  end
end
