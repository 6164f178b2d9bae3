# Scenario 20's accounts (the lab seeds them, with bcrypt password hashes).
class Account < ApplicationRecord
  include ActiveModel::SecurePassword
  has_secure_password validations: false # authenticate(password) against password_digest
  alias_attribute :password_digest, :password_hash
  has_many :posts, class_name: "AccountPost"
end
