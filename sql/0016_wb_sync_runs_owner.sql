-- Which process runs a WB sync stream (host and pid), so a run left `running` by a process that
-- died (kill -9, a crash, a reboot) is closed as `died` at the next start instead of forever.
alter table wb_sync_runs add column host text, add column pid integer;
alter table wb_sync_runs drop constraint wb_sync_runs_status_check;
alter table wb_sync_runs add constraint wb_sync_runs_status_check check (status in ('running', 'ok', 'skipped', 'failed', 'died'));
