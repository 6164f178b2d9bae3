class WideUser < ApplicationRecord
  self.table_name = "users_wide"
end
