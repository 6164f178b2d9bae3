# Scenarios 10 and 11: column overhead, and authors with posts three ways.
class ReadsController < ApplicationController
  def columns
    key = params[:kind] ? "type/#{params[:kind]}" : params[:width]
    model = ColumnTables::MODELS[key] or not_found!("table '#{key}'")
    limit = int_param(:limit, default: 100, min: 1, max: 1000)
    render json: model.order(:id).limit(limit).map(&:attributes)
  end

  STRATEGIES = %w[lazy eager subquery].freeze

  def n_plus_one
    strategy = params[:strategy]
    not_found!("strategy '#{strategy}'") unless STRATEGIES.include?(strategy)
    limit = int_param(:limit, default: 20, min: 1, max: 100)
    offset = int_param(:offset, default: 0, min: 0, max: 10_000_000)
    page = Author.order(:id).limit(limit).offset(offset)
    authors = case strategy
              when "lazy" then page.to_a # each author's posts load when serialized: 1 + N queries
              when "eager" # one LEFT OUTER JOIN (the page as a subquery, so no second query)
                Author.where(id: page.select(:id)).eager_load(:posts).order(:id, "posts.id").to_a
              else page.preload(:posts).to_a # authors, then posts WHERE author_id IN (...)
              end
    render json: authors
  end
end
