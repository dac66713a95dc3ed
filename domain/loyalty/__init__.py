"""Loyalty: a survey after each closed deal, answered by the client through a link without
signing in (0-10 and a comment), and the net promoter score per account manager."""
