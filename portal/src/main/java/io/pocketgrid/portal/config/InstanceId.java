package io.pocketgrid.portal.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This portal instance's name, the same across restarts: {@code pocketgrid.instance-id} when set, else
 * a random id created once in {@code <data-dir>/instance-id}. Rows an instance marks as its own (leases
 * it issued, ledger locks it holds) can then be recognised by the same instance after a crash and
 * taken back at once, instead of waiting for them to time out. Two instances must never share an id:
 * give each its own data directory or its own {@code pocketgrid.instance-id}.
 */
@Component
public class InstanceId {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,36}");

    private final String id;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    InstanceId(@Value("${pocketgrid.instance-id:}") String configured, PocketGridProperties properties) {
        this.id = configured.isBlank() ? readOrCreate(properties.dataDir().resolve("instance-id")) : check(configured);
    }

    /** The id, at most 36 characters of {@code [A-Za-z0-9._-]}. */
    public String get() {
        return id;
    }

    /**
     * The id and a random word for this run of the process ({@code id/run}, at most 45 characters): what
     * this run marks as its own, told apart from what an earlier run of the same instance left behind.
     */
    public String run() {
        return id + "/" + run;
    }

    @Override
    public String toString() {
        return id;
    }

    private static String check(String id) {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("pocketgrid.instance-id must be 1-36 characters of A-Z a-z 0-9 . _ -");
        }
        return id;
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return check(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            Files.createDirectories(file.getParent());
            String id = UUID.randomUUID().toString();
            try {
                Files.writeString(file, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                return id;
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                return check(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the instance id in " + file, e);
        }
    }
}
