"""Visitors: gate counting, e-tickets and their check-in, the visitor survey."""
