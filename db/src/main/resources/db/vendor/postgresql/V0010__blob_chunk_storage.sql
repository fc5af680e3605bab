-- PostgreSQL only (db/vendor/postgresql): keep blob chunks out of line but uncompressed. Tensors are
-- float32 and compress badly or slowly: with the default (pglz) writing the demo inputs ran at 22 MB/s
-- against 104 MB/s uncompressed, and only an uncompressed value lets substring() fetch just the
-- TOAST pieces a task's 100 KB slice spans (0.2 ms against 1.3 ms).
ALTER TABLE blob_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
