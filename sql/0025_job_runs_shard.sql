-- The shard a run handled (`i/n`, null = all products): two shards of one job hold two different
-- job locks (issue 16), so `mp jobs status` needs the shard to tell a running run from a dead one.
alter table job_runs add column shard text;
