# Scenario 20's posts: read as a feed, written, read back.
class AccountPost < ApplicationRecord
  belongs_to :account

  validate :strings_only
  validates :title, length: { in: 1..200 }
  validates :body, length: { in: 1..10_000 }

  def as_json(*)
    { "id" => id, "account_id" => account_id, "title" => title, "body" => body, "created_at" => created_at }
  end

  private

  def strings_only
    %i[title body].each do |field|
      errors.add(field, "must be a string") unless read_attribute_before_type_cast(field).is_a?(String)
    end
  end
end
