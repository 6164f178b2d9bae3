# The server-configuration workloads: I/O-bound, CPU-bound, mixed.
class WorkloadsController < ApplicationController
  FIB_MAX = 35
  PASSWORD = "benchmark-password-2026".freeze

  def io_sleep
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    sleep 0.1
    render json: { status: "ok", slept: 0.1, slept_ms: (Process.clock_gettime(Process::CLOCK_MONOTONIC) - start) * 1000.0 }
  end

  def io_db
    authors = author_totals
    render json: { count: authors.length, authors: authors }
  end

  def fibonacci
    n = int_param(:n, default: 32, min: 0, max: FIB_MAX)
    render json: { n: n, result: fib(n) }
  end

  def hash
    render json: { status: "ok", hash_length: BCrypt::Password.create(PASSWORD, cost: 12).to_s.length }
  end

  def json_serialize
    items = (0...10_000).map { |i| { id: i, name: "item_#{i}", email: "user#{i}@example.com", value: i * 1.5 } }
    render json: { status: "ok", items: items.length, bytes: JSON.generate(items).bytesize }
  end

  def mixed_report
    blob = JSON.generate(author_totals)
    authors = JSON.parse(blob)
    posts = authors.sum { |a| a["post_count"] }
    views = authors.sum { |a| a["total_views"] }
    render json: {
      summary: { total_authors: authors.length, total_posts: posts, total_views: views,
                 avg_posts_per_author: authors.empty? ? 0.0 : posts.fdiv(authors.length),
                 avg_views_per_post: posts.zero? ? 0.0 : views.fdiv(posts), json_bytes: blob.bytesize },
      top_by_posts: top(authors, "post_count"), top_by_views: top(authors, "total_views")
    }
  end

  private

  def fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)

  def author_totals
    Author.left_joins(:posts).group(:id).order(:id)
          .pluck(:id, :name, :email, Arel.sql("count(posts.id)"), Arel.sql("coalesce(sum(posts.view_count), 0)"))
          .map { |id, name, email, n, views| { "id" => id, "name" => name, "email" => email, "post_count" => n, "total_views" => views } }
  end

  def top(authors, field)
    authors.sort_by { |a| [-a[field], a["id"]] }.first(10).map { |a| { "id" => a["id"], "name" => a["name"], field => a[field] } }
  end
end
