# Scenario 18: aggregations as ActiveRecord plans them ("orm": several
# statements, joined here) versus one hand-written statement ("raw").
class StatsController < ApplicationController
  before_action :variant

  def counts
    if @orm
      render json: { count_star: WideUser.count, count_id: WideUser.count(:id),
                     count_distinct_status: WideUser.distinct.count(:status) }
    else
      render json: select_all("SELECT count(*) AS count_star, count(id) AS count_id, " \
                              "count(DISTINCT status) AS count_distinct_status FROM users_wide").first
    end
  end

  def by_country
    limit = int_param(:limit, default: 10, min: 1, max: 1000)
    return render json: floats(select_all(<<~SQL, limit), "avg_logins") unless @orm
      SELECT country, count(*) AS user_count, sum(login_count) AS total_logins, avg(login_count) AS avg_logins
      FROM users_wide GROUP BY country ORDER BY user_count DESC, country LIMIT ?
    SQL

    ranked = WideUser.group(:country).order(Arel.sql("count(*) DESC, country")).limit(limit).count
    sums = WideUser.where(country: ranked.keys).group(:country)
                   .pluck(:country, Arel.sql("sum(login_count)"), Arel.sql("avg(login_count)"))
                   .to_h { |country, total, avg| [country, [total, avg.to_f]] }
    render json: ranked.map { |country, n|
      { country: country, user_count: n, total_logins: sums[country][0], avg_logins: sums[country][1] }
    }
  end

  def by_author
    limit = int_param(:limit, default: 10, min: 1, max: 1000)
    return render json: floats(select_all(<<~SQL, limit), "avg_views") unless @orm
      SELECT a.id AS author_id, a.name AS author_name, count(p.id) AS post_count,
             sum(p.view_count) AS total_views, avg(p.view_count) AS avg_views
      FROM authors a JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name
      ORDER BY post_count DESC, a.id LIMIT ?
    SQL

    ranked = Post.group(:author_id).order(Arel.sql("count(*) DESC, author_id")).limit(limit)
                 .pluck(:author_id, Arel.sql("count(*)"), Arel.sql("sum(view_count)"), Arel.sql("avg(view_count)"))
    names = Author.where(id: ranked.map(&:first)).pluck(:id, :name).to_h
    render json: ranked.map { |id, n, total, avg|
      { author_id: id, author_name: names[id], post_count: n, total_views: total, avg_views: avg.to_f }
    }
  end

  private

  def variant
    not_found!("variant '#{params[:variant]}'") unless %w[orm raw].include?(params[:variant])
    @orm = params[:variant] == "orm"
  end

  def select_all(sql, *binds)
    ActiveRecord::Base.connection.select_all(ActiveRecord::Base.sanitize_sql([sql, *binds])).to_a
  end

  def floats(rows, key) = rows.each { |r| r[key] = r[key]&.to_f }
end
