class BulkItem < ApplicationRecord
end
