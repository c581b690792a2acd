"""Shared plumbing with no Django import: durable file writes, the Bangkok zone, Thai dates and digits."""
