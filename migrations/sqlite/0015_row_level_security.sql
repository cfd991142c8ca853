-- Row-level security is PostgreSQL's (see postgres/0015). SQLite is one file owned by one
-- process: the grant-bound queries are its only wall. Kept so both folders number alike.
SELECT 1;
