"""1C:Enterprise exchange (CommerceML 2 over HTTP): the integrations, the exchange sessions and
their log, and the catalogue 1C sends (product groups, products, prices, stock)."""
