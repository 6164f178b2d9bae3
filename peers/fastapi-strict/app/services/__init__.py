"""Use cases: each service takes its repositories (constructor injection),
applies the contract's rules and raises domain errors. No HTTP, no SQL."""
