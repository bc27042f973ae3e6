-- Label selectors are answered in the database: the labels of every object as jsonb, kept in
-- step with the body by PostgreSQL itself, with a GIN index for containment (labels @> '{"k":"v"}').
-- Without it a selective selector read and parsed every object of the kind, page after page.
ALTER TABLE resources
    ADD COLUMN labels jsonb GENERATED ALWAYS AS ((body::jsonb) -> 'metadata' -> 'labels') STORED;
CREATE INDEX resources_labels ON resources USING gin (labels jsonb_path_ops);
