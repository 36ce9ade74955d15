"""Awards: categories judged by a jury or computed from the fair's data, and their results."""
