"""Infrastructure: Redis clients, keys, locks, events, wall cache, enqueuer, bulk writes, clock."""
