# Scenario 19: the same text search three ways over search_posts.body.
class SearchController < ApplicationController
  METHODS = %w[like trgm fts].freeze

  def posts
    q = params[:q]
    unless q.is_a?(String) && q.length.between?(1, 100) && !q.match?(/[\x00-\x1f\x7f]/)
      raise InvalidParameter, "q: 1..100 characters of text are required"
    end
    method = params[:method]
    raise InvalidParameter, "method: one of like, trgm, fts is required" unless METHODS.include?(method)

    limit = int_param(:limit, default: 20, min: 1, max: 100)
    pattern = "%#{SearchPost.sanitize_sql_like(q)}%"
    scope = case method
            # ILIKE '%q%' (Arel's matches): no index can serve it, a scan
            when "like" then SearchPost.where(SearchPost.arel_table[:body].matches(pattern))
            # lower(body) LIKE lower('%q%'): the pg_trgm GIN index on lower(body)
            when "trgm" then SearchPost.where("lower(body) LIKE lower(?)", pattern)
            # the tsvector column and its GIN index
            else SearchPost.where("tsv @@ websearch_to_tsquery('english', ?)", q)
            end
    items = scope.select(:id, :title, :body, :created_at).order(created_at: :desc, id: :desc).limit(limit).to_a
    render json: { method: method, q: q, count: items.size, items: items }
  end
end
