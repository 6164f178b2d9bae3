# users: the lab creates and seeds the table; validations are the contract's.
class User < ApplicationRecord
  validate :strings_only
  validates :name, length: { in: 1..100 }
  validates :email, length: { in: 3..255 }, format: { with: /\A[^@]+@[^@]+\z/, message: "needs one '@'" }

  def self.key?(id) = id.between?(1, 2**31 - 1)

  def as_json(*) = { "id" => id, "name" => name, "email" => email, "created_at" => created_at }

  private

  def strings_only
    %i[name email].each do |field|
      raw = read_attribute_before_type_cast(field)
      errors.add(field, "must be a string") unless raw.is_a?(String)
    end
  end
end
