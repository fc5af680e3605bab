package io.pocketgrid.portal.storage;

import io.pocketgrid.portal.config.PocketGridProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Content-addressed files under {@code <data-dir>/blobs/ab/abcdef…}: the embedded default. A blob is
 * written to a temporary file while its SHA-256 is computed, then moved into place atomically, so a
 * crash never leaves a half-written blob under a real name.
 */
@Component
@ConditionalOnProperty(name = "pocketgrid.blob-store", havingValue = "files", matchIfMissing = true)
public class FileBlobStore implements BlobStore {

    private final Path root;

    public FileBlobStore(PocketGridProperties properties) {
        this.root = properties.dataDir().toAbsolutePath().normalize().resolve("blobs");
        try {
            Files.createDirectories(root.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob directory " + root, e);
        }
    }

    @Override
    public String put(InputStream in) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(root.resolve("tmp"), "blob", ".part");
            MessageDigest digest = BlobStore.sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                in.transferTo(out);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            Path target = path(sha);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.delete(tmp);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return sha;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot store a blob", e);
        }
    }

    /**
     * Hashed first, so content that is stored already (the second replica of a result, say) costs one
     * file check instead of a write.
     */
    @Override
    public String put(byte[] bytes) {
        String sha = BlobStore.sha256Hex(bytes);
        if (Files.isRegularFile(path(sha))) {
            return sha;
        }
        return put(new java.io.ByteArrayInputStream(bytes));
    }

    @Override
    public Small small(byte[] bytes) {
        return new Small(put(bytes), bytes);
    }

    @Override
    public void storeSmall(List<Small> blobs) {
        // written by small() already
    }

    @Override
    public boolean exists(String sha256) {
        return BlobStore.isSha256(sha256) && Files.isRegularFile(path(sha256));
    }

    @Override
    public long size(String sha256) {
        try {
            return Files.size(require(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(String sha256) {
        try {
            return Files.newInputStream(require(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] read(String sha256, long offset, int length) {
        byte[] bytes = new byte[length];
        try (RandomAccessFile file = new RandomAccessFile(require(sha256).toFile(), "r")) {
            file.seek(offset);
            file.readFully(bytes);
        } catch (java.io.EOFException e) {
            throw new IllegalStateException("blob " + sha256 + " is shorter than " + (offset + length) + " bytes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    @Override
    public byte[] readAll(String sha256) {
        try {
            return Files.readAllBytes(require(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, byte[]> readAll(Collection<String> sha256s) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String sha : sha256s) {
            out.computeIfAbsent(sha, this::readAll);
        }
        return out;
    }

    @Override
    public void delete(String sha256) {
        if (exists(sha256)) {
            deleteQuietly(path(sha256));
        }
    }

    private Path require(String sha256) {
        if (!exists(sha256)) {
            throw BlobStore.missing(sha256);
        }
        return path(sha256);
    }

    private Path path(String sha) {
        return root.resolve(sha.substring(0, 2)).resolve(sha);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the temporary file stays; it has no real name and is never read
        }
    }
}
