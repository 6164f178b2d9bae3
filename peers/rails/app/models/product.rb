# products: `version` is ActiveRecord's optimistic-locking column, so every
# save compares and bumps it (update_all writes bump it by hand).
class Product < ApplicationRecord
  self.locking_column = :version
end
