-- Scheduled automations (`ticket.every_day`): one row for each enabled automation with a
-- schedule, written with the automation. The scheduler of every server process reads them
-- across workspaces to find what is due (on PostgreSQL this table is outside row-level
-- security, like the run queue; it holds no record's data). Each period of each automation is
-- claimed once in `scheduled_runs` (job `automation:<id>`), in the transaction that writes its
-- runs, so however many processes share the database a period runs once.
CREATE TABLE automation_schedules (
    automation_id TEXT NOT NULL PRIMARY KEY REFERENCES automations (id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    trigger_event TEXT NOT NULL
);
