-- Several replicas on one PostgreSQL: a job is claimed by one replica (owner) until its lease expires (epoch millis);
-- the owner renews the lease while the job runs, another replica takes the job over once it has expired.
ALTER TABLE prompt_jobs ADD COLUMN owner VARCHAR(200);
ALTER TABLE prompt_jobs ADD COLUMN lease_expires BIGINT;
