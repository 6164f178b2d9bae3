# Scenarios 14-16: a user from PostgreSQL, or from Redis (Rails.cache) in front of it.
class CacheController < ApplicationController
  TTL = 300.seconds

  before_action :started

  def no_cache
    answer("database", from_database(path_id))
  end

  def cached
    id = path_id
    user = Rails.cache.read("user:#{id}")
    return answer("cache", user) if user

    user = from_database(id)
    Rails.cache.write("user:#{id}", user, expires_in: TTL)
    answer("database", user)
  end

  def warmup
    count = int_param(:count, default: 100, min: 1, max: 1000)
    users = User.order(:id).limit(count).pluck(:id, :name, :email).map { |id, name, email| { "id" => id, "name" => name, "email" => email } }
    Rails.cache.write_multi(users.to_h { |u| ["user:#{u['id']}", u] }, expires_in: TTL)
    render json: { warmed_count: users.length, elapsed_ms: elapsed_ms }
  end

  def flush
    Rails.cache.clear
    render json: { message: "cache flushed" }
  end

  def forget
    deleted = Rails.cache.delete("user:#{path_id}") # the store answers DEL's count
    render json: { deleted: deleted.is_a?(Integer) ? deleted.positive? : deleted == true, success: true }
  end

  private

  def from_database(id)
    row = (User.where(id: id).pick(:id, :name, :email) if User.key?(id)) or not_found!("user #{id}")
    %w[id name email].zip(row).to_h
  end

  def answer(source, user)
    render json: { source: source, user_id: user["id"], name: user["name"], email: user["email"],
                   elapsed_ms: elapsed_ms }
  end
end
