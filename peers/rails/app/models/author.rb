class Author < ApplicationRecord
  has_many :posts, -> { order(:id) }, inverse_of: :author

  def as_json(*)
    { "id" => id, "name" => name, "email" => email, "bio" => bio, "created_at" => created_at,
      "posts" => posts.map(&:as_json) }
  end
end
