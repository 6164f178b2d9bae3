'use strict';
// Scenario 11: authors with their posts, loaded three ways.
const express = require('express');
const { notFound, intParam } = require('../errors');

const AUTHORS = 'SELECT id, name, email, bio, created_at FROM authors ORDER BY id LIMIT $1 OFFSET $2';
const POST_COLUMNS = 'id, title, content, view_count, created_at';

// 1 query for the authors + 1 per author, as a lazy-loading ORM does.
async function lazy(client, limit, offset) {
  const { rows: authors } = await client.query(AUTHORS, [limit, offset]);
  for (const a of authors) {
    const { rows } = await client.query(
      `SELECT ${POST_COLUMNS} FROM posts WHERE author_id = $1 ORDER BY id`, [a.id]);
    a.posts = rows;
  }
  return authors;
}

// One LEFT JOIN; the authors are rebuilt from the joined rows.
async function eager(client, limit, offset) {
  const { rows } = await client.query(
    'SELECT a.id, a.name, a.email, a.bio, a.created_at, p.id AS post_id, p.title, p.content, '
    + 'p.view_count, p.created_at AS post_created_at '
    + 'FROM (SELECT * FROM authors ORDER BY id LIMIT $1 OFFSET $2) a '
    + 'LEFT JOIN posts p ON p.author_id = a.id ORDER BY a.id, p.id', [limit, offset]);
  const authors = new Map();
  for (const r of rows) {
    let a = authors.get(r.id);
    if (!a) {
      a = { id: r.id, name: r.name, email: r.email, bio: r.bio, created_at: r.created_at, posts: [] };
      authors.set(r.id, a);
    }
    if (r.post_id !== null) {
      a.posts.push({ id: r.post_id, title: r.title, content: r.content, view_count: r.view_count, created_at: r.post_created_at });
    }
  }
  return [...authors.values()];
}

// Two queries: the authors, then all their posts WHERE author_id = ANY(...).
async function subquery(client, limit, offset) {
  const { rows: authors } = await client.query(AUTHORS, [limit, offset]);
  const { rows: posts } = await client.query(
    `SELECT author_id, ${POST_COLUMNS} FROM posts WHERE author_id = ANY($1::int[]) ORDER BY author_id, id`,
    [authors.map((a) => a.id)]);
  const byAuthor = new Map(authors.map((a) => [a.id, []]));
  for (const { author_id: authorId, ...post } of posts) byAuthor.get(authorId).push(post);
  for (const a of authors) a.posts = byAuthor.get(a.id);
  return authors;
}

const STRATEGIES = { lazy, eager, subquery };

module.exports = function nPlusOneRoutes({ pool }) {
  const router = express.Router();
  router.get('/n-plus-one/:strategy', async (req, res) => {
    const load = Object.hasOwn(STRATEGIES, req.params.strategy) && STRATEGIES[req.params.strategy];
    if (!load) throw notFound(`unknown strategy '${req.params.strategy}' (lazy, eager, subquery)`);
    const limit = intParam(req.query.limit, 'limit', { def: 20, min: 1, max: 100 });
    const offset = intParam(req.query.offset, 'offset', { def: 0, min: 0, max: 10_000_000 });
    const client = await pool.connect();
    try {
      res.json(await load(client, limit, offset));
    } finally {
      client.release();
    }
  });
  return router;
};
