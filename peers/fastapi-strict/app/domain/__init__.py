"""What the services speak: entities as plain dicts, and domain errors."""
