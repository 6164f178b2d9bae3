class Post < ApplicationRecord
  belongs_to :author

  def as_json(*)
    { "id" => id, "title" => title, "content" => content, "view_count" => view_count,
      "created_at" => created_at }
  end
end
