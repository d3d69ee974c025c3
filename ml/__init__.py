"""Pure-Python text understanding and ranking. Nothing here imports Django."""
