"""Seminars, workshops and trainings: sessions, registration, attendance at the door,
certificates."""
