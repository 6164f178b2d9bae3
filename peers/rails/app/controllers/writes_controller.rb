# Scenarios 12 and 13: bulk writes five ways, stock decrements four ways.
class WritesController < ApplicationController
  OPERATIONS = %w[insert-individual insert-batch insert-raw update-individual update-bulk].freeze
  METHODS = %w[no-lock pessimistic optimistic serializable].freeze
  OPTIMISTIC_RETRIES = 5

  def cleanup
    BulkItem.connection.execute("TRUNCATE bulk_items RESTART IDENTITY")
    render json: { message: "bulk_items truncated" }
  end

  def bulk
    operation = params[:operation]
    not_found!("bulk operation '#{operation}'") unless OPERATIONS.include?(operation)
    n = int_param(:count, default: 1000, min: 1, max: 10_000)
    started
    done = send(operation.tr("-", "_"), n)
    render json: { operation: operation, count: done, elapsed_ms: elapsed_ms }
  end

  def reset
    Product.update_all(stock: 1000, version: 0, updated_at: Time.current)
    render json: { message: "products reset" }
  end

  def product
    id = path_id
    product = (Product.find_by(id: id) if id.between?(1, INT4_MAX)) or not_found!("product #{id}")
    render json: product.slice(:id, :name, :stock, :version, :updated_at)
  end

  def decrement
    method = params[:method]
    not_found!("method '#{method}'") unless METHODS.include?(method)
    product_id = int_param(:product_id, default: 1, min: 1, max: INT4_MAX)
    quantity = int_param(:quantity, default: 1, min: 1, max: 1_000_000)
    @out = { success: false, method: method, product_id: product_id, old_stock: nil, new_stock: nil,
             retries: 0, elapsed_ms: 0.0, error: nil }
    started
    send("decrement_#{method.tr('-', '_')}", product_id, quantity)
    @out[:elapsed_ms] = elapsed_ms
    render json: @out
  end

  private

  def insert_individual(n)
    (1..n).each { |i| BulkItem.create!(name: "item_#{i}", value: i) } # a transaction per row
    n
  end

  def insert_batch(n)
    BulkItem.transaction { (1..n).each { |i| BulkItem.create!(name: "item_#{i}", value: i) } }
    n
  end

  def insert_raw(n)
    # one multi-row INSERT ... VALUES (created_at: the column's default)
    BulkItem.insert_all((1..n).map { |i| { name: "item_#{i}", value: i } }).length
  end

  def update_individual(n)
    (1..n).sum { |i| BulkItem.where(id: i).update_all(value: i * 10) }
  end

  def update_bulk(n)
    cases = (1..n).map { |i| "WHEN #{i} THEN #{i * 10}" }.join(" ") # integers made here
    BulkItem.where(id: 1..n).update_all("value = CASE id #{cases} END")
  end

  def find_product(scope, id) = scope.find_by(id: id) || not_found!("product #{id}")

  def enough?(stock, quantity)
    @out[:old_stock] = @out[:new_stock] = stock
    return true if stock >= quantity

    @out[:error] = "insufficient stock"
    false
  end

  def write_stock(id, stock)
    Product.where(id: id).update_all(["stock = ?, version = version + 1, updated_at = now()", stock])
    @out[:success] = true
    @out[:new_stock] = stock
  end

  def decrement_no_lock(id, quantity)
    product = find_product(Product, id)
    write_stock(id, product.stock - quantity) if enough?(product.stock, quantity)
  end

  def decrement_pessimistic(id, quantity)
    Product.transaction do
      product = find_product(Product.lock, id)
      write_stock(id, product.stock - quantity) if enough?(product.stock, quantity)
    end
  end

  def decrement_optimistic(id, quantity)
    loop do
      product = find_product(Product, id)
      return unless enough?(product.stock, quantity)

      begin
        product.update!(stock: product.stock - quantity, updated_at: Time.current) # WHERE version = ...
        @out[:success] = true
        @out[:new_stock] = product.stock
        return
      rescue ActiveRecord::StaleObjectError
        if @out[:retries] == OPTIMISTIC_RETRIES
          @out[:error] = "version conflict: gave up after #{OPTIMISTIC_RETRIES} retries"
          return
        end
        @out[:retries] += 1
      end
    end
  end

  def decrement_serializable(id, quantity)
    Product.transaction(isolation: :serializable) do
      product = find_product(Product, id)
      write_stock(id, product.stock - quantity) if enough?(product.stock, quantity)
    end
  rescue ActiveRecord::SerializationFailure
    @out[:success] = false
    @out[:new_stock] = @out[:old_stock]
    @out[:error] = "serialization failure"
  end
end
