"""HTTP only: parameters and their ranges, status codes, which service to call."""
