"""Maarid: an open platform to run social and solidarity economy fairs."""
