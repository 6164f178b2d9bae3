"""benchlab's FastAPI "strict" peer: the contract of docs/peers.md in layers.

routers (HTTP: parameters, status codes) -> services (the use cases, domain
errors) -> repositories (SQL and Redis). Nothing below routers imports
FastAPI; nothing above repositories holds SQL. The pair with peers/fastapi
measures what the layering costs.
"""
