# Scenario 19's corpus (the lab seeds it); tsv is a generated tsvector column.
class SearchPost < ApplicationRecord
  def as_json(*) = { "id" => id, "title" => title, "body" => body, "created_at" => created_at }
end
