"""HTTP edge: FastAPI app, routers, problem+json errors (the only place that imports FastAPI)."""
