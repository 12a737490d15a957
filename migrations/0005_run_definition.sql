-- Each run keeps the shape of the pipeline it ran (steps and their dependencies), so its history
-- shows the graph as it was, even after the definition changes or for pipelines defined ad hoc.

-- Up Migration
ALTER TABLE ops.pipeline_runs ADD COLUMN definition jsonb;

-- Down Migration
ALTER TABLE ops.pipeline_runs DROP COLUMN definition;
