-- Several inputs and outputs per project (issue 13): a model may take several graph inputs (token ids
-- and an attention mask, ...) of any element type and give several outputs. Each graph input a project
-- feeds is one row of project_input, with the .npy blob holding its items; each graph output the owner
-- collects is one row of project_output. ordinal is the order the lease, the task input and the result
-- list them in. Until now a project had exactly one float32 input and one float32 output in columns of
-- its own: they move here as ordinal 0.

CREATE TABLE project_input (
    project_id  BIGINT       NOT NULL REFERENCES project (id),
    ordinal     INTEGER      NOT NULL,
    name        VARCHAR(200) NOT NULL,
    -- float32, float16, int64, int32, int8, uint8 or bool
    dtype       VARCHAR(16)  NOT NULL,
    -- dims of one item, comma-separated (the item axis is not included)
    item_dims   VARCHAR(200) NOT NULL,
    blob_sha256 VARCHAR(64)  NOT NULL,
    -- byte offset of the first item in the blob (the .npy header's length)
    data_offset BIGINT       NOT NULL,
    CONSTRAINT project_input_pk PRIMARY KEY (project_id, ordinal)
);

CREATE TABLE project_output (
    project_id BIGINT       NOT NULL REFERENCES project (id),
    ordinal    INTEGER      NOT NULL,
    name       VARCHAR(200) NOT NULL,
    dtype      VARCHAR(16)  NOT NULL,
    item_dims  VARCHAR(200) NOT NULL,
    CONSTRAINT project_output_pk PRIMARY KEY (project_id, ordinal)
);

INSERT INTO project_input (project_id, ordinal, name, dtype, item_dims, blob_sha256, data_offset)
SELECT id, 0, input_name, 'float32', item_dims, input_sha256, input_offset FROM project;

INSERT INTO project_output (project_id, ordinal, name, dtype, item_dims)
SELECT id, 0, output_name, 'float32', output_item_dims FROM project;

CREATE INDEX project_input_blob_ix ON project_input (blob_sha256);

ALTER TABLE project DROP COLUMN input_sha256;
ALTER TABLE project DROP COLUMN input_offset;
ALTER TABLE project DROP COLUMN input_name;
ALTER TABLE project DROP COLUMN item_dims;
ALTER TABLE project DROP COLUMN output_name;
ALTER TABLE project DROP COLUMN output_item_dims;
