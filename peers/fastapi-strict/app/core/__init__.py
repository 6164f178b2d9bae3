"""Configuration, pools and the error format (what every layer may use)."""
