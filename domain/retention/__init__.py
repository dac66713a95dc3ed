"""Retention: which clients carry the turnover (ABC analysis), which stopped buying (sleeping
clients, each woken by a reactivation task), and what to offer after a sale (cross-sell
reminders N days after a won deal with a matching product)."""
