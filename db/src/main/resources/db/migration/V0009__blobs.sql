-- Blobs (models, inputs, labels, results) and instance-shared secrets in the database (issue 14), so
-- that portal instances on one PostgreSQL share nothing else. On the postgres profile the portal keeps
-- its blobs here (DatabaseBlobStore); the H2 default keeps them as files under the data directory and
-- leaves these tables empty.

-- A content-addressed blob: its SHA-256 (hex) and length. A blob is inserted in the transaction that
-- wrote its last chunk, so a row here means every chunk is there.
CREATE TABLE blob (
    sha256     VARCHAR(64)              NOT NULL PRIMARY KEY,
    size       BIGINT                   NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The bytes, in chunks of 1 MiB (the last one shorter): chunk seq holds bytes
-- [seq * 1048576, seq * 1048576 + length(data)). While a blob streams in, its chunks are kept under a
-- temporary key (not 64 hex digits) and renamed to the hash once it is known.
CREATE TABLE blob_chunk (
    sha256 VARCHAR(64) NOT NULL,
    seq    INTEGER     NOT NULL,
    data   BYTEA       NOT NULL,
    CONSTRAINT blob_chunk_pk PRIMARY KEY (sha256, seq)
);

-- Secrets and settings every instance must agree on, e.g. the key that signs lease tokens (inserted
-- by the first instance that needs it; the others read the row that won).
CREATE TABLE shared_secret (
    name  VARCHAR(64)  NOT NULL PRIMARY KEY,
    secret VARCHAR(200) NOT NULL
);
