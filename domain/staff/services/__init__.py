"""Use cases of the staff context, one module per aggregate."""
