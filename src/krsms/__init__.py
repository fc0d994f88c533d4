"""krsms."""
