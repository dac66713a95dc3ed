"""Use cases of the activities context, one module per aggregate."""
