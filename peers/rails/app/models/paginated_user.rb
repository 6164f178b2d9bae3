class PaginatedUser < ApplicationRecord
  self.table_name = "users_pagination"
end
