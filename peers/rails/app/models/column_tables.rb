# The column-overhead tables: SELECT * of each, as ActiveRecord models.
module ColumnTables
  NAMES = {
    "narrow" => "users_narrow", "wide" => "users_wide", "extra-wide" => "users_extra_wide",
    "type/int" => "users_type_int", "type/varchar" => "users_type_varchar",
    "type/text" => "users_type_text", "type/jsonb" => "users_type_jsonb",
    "type/timestamp" => "users_type_timestamp", "type/uuid" => "users_type_uuid"
  }.freeze

  MODELS = NAMES.transform_values do |table|
    Class.new(ApplicationRecord) { self.table_name = table }
  end.freeze
end
