"""Complaints (рекламации): recorded on a client or deal, answered by their owner by a deadline."""
