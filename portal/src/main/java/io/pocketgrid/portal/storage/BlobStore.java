package io.pocketgrid.portal.storage;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Content-addressed blobs: models, inputs, labels and results, named by the SHA-256 (hex) of their
 * bytes, never changed once stored. {@link FileBlobStore} keeps them as files under the data directory
 * (the H2 default); {@link DatabaseBlobStore} keeps them in PostgreSQL, so instances share nothing but
 * the database ({@code pocketgrid.blob-store=database}, the postgres profile's choice).
 */
public interface BlobStore {

    Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Stores everything the stream yields, never holding it all in memory, and returns its SHA-256. */
    String put(InputStream in);

    /** Stores bytes already in memory; returns their SHA-256. */
    default String put(byte[] bytes) {
        return put(new ByteArrayInputStream(bytes));
    }

    /**
     * A small blob (a result's outputs) on its way into the store: hashed here, stored by
     * {@link #storeSmall} in the caller's transaction together with the rows that name it. The file
     * store writes it here already (a file takes part in no transaction).
     */
    Small small(byte[] bytes);

    /** Stores the blobs of {@link #small} that are not stored yet, in one go, within the caller's transaction. */
    void storeSmall(List<Small> blobs);

    /** Bytes and their hash, from {@link #small}. */
    record Small(String sha256, byte[] bytes) {
    }

    boolean exists(String sha256);

    /** The length of a stored blob; IllegalStateException when it is missing. */
    long size(String sha256);

    /** The blob's bytes as a stream (read piece by piece); IllegalStateException when it is missing. */
    InputStream open(String sha256);

    /** {@code length} bytes from {@code offset} (a task's slice of its inputs); IllegalStateException when they are missing. */
    byte[] read(String sha256, long offset, int length);

    /** A whole blob that fits in memory (a model, a result). */
    default byte[] readAll(String sha256) {
        return read(sha256, 0, Math.toIntExact(size(sha256)));
    }

    /** Several small blobs at once (results), by hash; IllegalStateException when one is missing. */
    Map<String, byte[]> readAll(Collection<String> sha256s);

    /** Removes a blob; used only when an upload that stored it failed and nothing refers to it. */
    void delete(String sha256);

    /** A stored blob of raw little-endian float32 values (outputs), as floats. */
    default float[] readFloats(String sha256) {
        return floats(readAll(sha256));
    }

    /** Raw little-endian float32 bytes (the wire and storage format of tensors) as floats. */
    static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    static IllegalStateException missing(String sha256) {
        return new IllegalStateException("blob " + sha256 + " is missing");
    }
}
