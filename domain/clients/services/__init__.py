"""Use cases of the clients context, one module per aggregate."""
