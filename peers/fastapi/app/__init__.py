"""benchlab's FastAPI peer: the API contract of docs/peers.md, served by uvicorn."""
