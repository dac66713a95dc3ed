"""Call lists: a telemarketers' shared queue of numbers to call, with outcomes and retries."""
