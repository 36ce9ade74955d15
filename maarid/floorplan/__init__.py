"""The floor plan: the venue of an edition, its booths, the allocation, the maps."""
