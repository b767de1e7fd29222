-- Fan-out looks at wb_events created in the last 6 hours as well as the 10,000 ids below the newest
-- fanned-out one: a sync transaction that commits late (or a gap summary held while its sync runs)
-- is found however many newer events were fanned out meanwhile.
create index wb_events_created_idx on wb_events (created_at);
