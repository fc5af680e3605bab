package io.pocketgrid.portal.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A blob as the portal stored it, read without the portal's code: from {@code blob_chunk} when the
 * database holds it (blob store {@code database}), else from {@code <data-dir>/blobs}. The blob last
 * read is kept, as tests slice one inputs blob task by task.
 */
public final class StoredBlobs {

    private final JdbcTemplate jdbc;
    private final Path files;
    private String lastSha;
    private byte[] last;

    public StoredBlobs(JdbcTemplate jdbc, Path dataDir) {
        this.jdbc = jdbc;
        this.files = dataDir.resolve("blobs");
    }

    public synchronized byte[] read(String sha) {
        if (!sha.equals(lastSha)) {
            last = load(sha);
            lastSha = sha;
        }
        return last;
    }

    public byte[] slice(String sha, long offset, int length) {
        return Arrays.copyOfRange(read(sha), Math.toIntExact(offset), Math.toIntExact(offset + length));
    }

    /** True when the database holds the blob (and so not the data directory). */
    public boolean inDatabase(String sha) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM blob WHERE sha256 = ?", Integer.class, sha) == 1;
    }

    private byte[] load(String sha) {
        if (inDatabase(sha)) {
            List<byte[]> chunks = jdbc.queryForList("SELECT data FROM blob_chunk WHERE sha256 = ? ORDER BY seq",
                    byte[].class, sha);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            chunks.forEach(out::writeBytes);
            return out.toByteArray();
        }
        try {
            return Files.readAllBytes(files.resolve(sha.substring(0, 2)).resolve(sha));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
