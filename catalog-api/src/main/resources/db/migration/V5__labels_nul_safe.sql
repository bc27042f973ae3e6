-- The labels column of V3 cast the whole body to jsonb, which refuses "\u0000" anywhere in it
-- (an annotation value, say): such an object could not be stored at all. Labels are extracted by a
-- function that falls back to the body without NUL escapes (label values cannot contain one), and
-- to no labels when even that does not parse; the lister re-checks every row against the selector.
CREATE FUNCTION labels_of(body text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN (body::jsonb) -> 'metadata' -> 'labels';
EXCEPTION WHEN others THEN
  BEGIN
    RETURN (replace(body, '\u0000', '')::jsonb) -> 'metadata' -> 'labels';
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END
$$;

DROP INDEX resources_labels;
ALTER TABLE resources DROP COLUMN labels;
ALTER TABLE resources ADD COLUMN labels jsonb GENERATED ALWAYS AS (labels_of(body)) STORED;
CREATE INDEX resources_labels ON resources USING gin (labels jsonb_path_ops);
