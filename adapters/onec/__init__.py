"""1C:Enterprise exchange adapters: the CommerceML reader and the exchange files on disk."""
