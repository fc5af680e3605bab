package io.pocketgrid.portal.storage;

import io.pocketgrid.portal.config.PocketGridProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Content-addressed files under {@code <data-dir>/blobs/ab/abcdef…}: models, inputs and outputs.
 * A blob is written to a temporary file while its SHA-256 is computed, then moved into place
 * atomically, so a crash never leaves a half-written blob under a real name.
 */
@Component
public class BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;

    public BlobStore(PocketGridProperties properties) {
        this.root = properties.dataDir().toAbsolutePath().normalize().resolve("blobs");
        try {
            Files.createDirectories(root.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob directory " + root, e);
        }
    }

    /** Stores everything the stream yields and returns its SHA-256 (hex). */
    public String put(InputStream in) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(root.resolve("tmp"), "blob", ".part");
            MessageDigest digest = sha256();
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
     * Stores bytes already in memory: hashed first, so content that is stored already (the second
     * replica of a result, say) costs one file check instead of a write.
     */
    public String put(byte[] bytes) {
        String sha = sha256Hex(bytes);
        if (Files.isRegularFile(path(sha))) {
            return sha;
        }
        return put(new java.io.ByteArrayInputStream(bytes));
    }

    /** The file of a stored blob, if there is one with this hash. */
    public Optional<Path> find(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path p = path(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Removes a blob; used only when an upload that stored it failed and nothing refers to it. */
    public void delete(String sha256) {
        find(sha256).ifPresent(BlobStore::deleteQuietly);
    }

    public Path require(String sha256) {
        return find(sha256).orElseThrow(() -> new IllegalStateException("blob " + sha256 + " is missing"));
    }

    /** A stored blob of raw little-endian float32 values (outputs), as floats. */
    public float[] readFloats(String sha256) {
        try {
            return floats(Files.readAllBytes(require(sha256)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Raw little-endian float32 bytes (the wire and storage format of tensors) as floats. */
    public static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private Path path(String sha) {
        return root.resolve(sha.substring(0, 2)).resolve(sha);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
