package io.pocketgrid.portal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link DatabaseBlobStore} and {@link SharedSecrets} on the local PostgreSQL, in a schema of their own. */
class DatabaseBlobStorePostgresIT {

    private static final String SCHEMA = "pocketgrid_blob_store_it";
    private static final String URL = System.getProperty("pocketgrid.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("pocketgrid.pg.user", "postgres");
    private static final int MIB = 1 << 20;

    private JdbcTemplate jdbc;
    private DataSourceTransactionManager transactions;
    private DatabaseBlobStore store;

    @BeforeEach
    void freshSchema() {
        String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        Flyway flyway = Flyway.configure().dataSource(url, USER, "").schemas(SCHEMA).cleanDisabled(false)
                .locations("classpath:db/migration", "classpath:db/vendor/postgresql").load();
        flyway.clean();
        flyway.migrate();
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, USER, "", true);
        jdbc = new JdbcTemplate(dataSource);
        transactions = new DataSourceTransactionManager(dataSource);
        store = new DatabaseBlobStore(jdbc, transactions, Clock.systemUTC(), 0);
    }

    @Test
    void streamsABlobInChunksAndReadsAnyRangeBack() throws IOException {
        byte[] bytes = random(2 * MIB + 12_345);
        String sha = store.put(new ByteArrayInputStream(bytes));

        assertThat(sha).isEqualTo(sha256(bytes));
        assertThat(store.size(sha)).isEqualTo(bytes.length);
        assertThat(jdbc.queryForList("SELECT length(data) FROM blob_chunk WHERE sha256 = ? ORDER BY seq", Integer.class, sha))
                .containsExactly(MIB, MIB, 12_345);
        long[][] ranges = {{0, 10}, {MIB - 3, 7}, {MIB - 1, MIB + 2}, {0, bytes.length}, {2 * MIB, 12_345}, {5, 0}};
        for (long[] r : ranges) {
            assertThat(store.read(sha, r[0], (int) r[1])).as("bytes [%d, +%d)", r[0], r[1])
                    .isEqualTo(Arrays.copyOfRange(bytes, (int) r[0], (int) (r[0] + r[1])));
        }
        try (InputStream in = store.open(sha)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store.readAll(sha)).isEqualTo(bytes);
    }

    @Test
    void readsTheSameRangesThroughAChunkCacheSmallerThanTheBlob() {
        byte[] bytes = random(3 * MIB + 77);
        String sha = store.put(new ByteArrayInputStream(bytes));
        DatabaseBlobStore cached = new DatabaseBlobStore(jdbc, transactions, Clock.systemUTC(), 2L * MIB);

        long[][] ranges = {{0, 10}, {MIB - 3, 7}, {MIB - 1, MIB + 2}, {3 * MIB, 77}, {0, bytes.length}, {5, 100}};
        for (int round = 0; round < 2; round++) {
            for (long[] r : ranges) {
                assertThat(cached.read(sha, r[0], (int) r[1])).as("bytes [%d, +%d)", r[0], r[1])
                        .isEqualTo(Arrays.copyOfRange(bytes, (int) r[0], (int) (r[0] + r[1])));
            }
        }
        assertThatThrownBy(() -> cached.read(sha, 3 * MIB + 70, 8)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cached.read("0".repeat(64), 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesARangePastTheEndOrABlobThatIsNotThere() {
        String sha = store.put(random(1000));

        assertThatThrownBy(() -> store.read(sha, 990, 20)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.read("0".repeat(64), 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.size("0".repeat(64))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.readAll(List.of(sha, "1".repeat(64)))).isInstanceOf(IllegalStateException.class);
        assertThat(store.exists(sha)).isTrue();
        assertThat(store.exists("not a hash")).isFalse();
    }

    @Test
    void storingTheSameContentTwiceKeepsOneCopyAndNoTemporaryChunks() {
        byte[] bytes = random(MIB + 1);
        String first = store.put(new ByteArrayInputStream(bytes));
        String second = store.put(new ByteArrayInputStream(bytes));

        assertThat(second).isEqualTo(first);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM blob", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT DISTINCT sha256 FROM blob_chunk", String.class)).containsExactly(first);
    }

    @Test
    void anUploadWhoseTransactionRollsBackLeavesNothing() {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            store.put(new ByteArrayInputStream(random(MIB + 10)));
            status.setRollbackOnly();
        });

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM blob", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM blob_chunk", Integer.class)).isZero();
    }

    @Test
    void smallBlobsAreStoredOnlyByTheTransactionThatStoresThemAndOnceEach() {
        byte[] a = random(1280);
        byte[] b = random(40);
        BlobStore.Small smallA = store.small(a);
        assertThat(store.exists(smallA.sha256())).as("not stored before storeSmall").isFalse();
        String bStored = store.put(b);

        new TransactionTemplate(transactions).executeWithoutResult(status ->
                store.storeSmall(List.of(smallA, store.small(b), store.small(a.clone()))));

        // read by another instance: from the database, not from what this one keeps of its own writes
        DatabaseBlobStore other = new DatabaseBlobStore(jdbc, transactions, Clock.systemUTC(), 0);
        Map<String, byte[]> read = other.readAll(List.of(smallA.sha256(), bStored));
        assertThat(read.get(smallA.sha256())).isEqualTo(a);
        assertThat(read.get(bStored)).isEqualTo(b);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM blob_chunk", Integer.class)).isEqualTo(2);
        assertThat(store.readAll(List.of(bStored, smallA.sha256()))).containsExactly(Map.entry(bStored, b),
                Map.entry(smallA.sha256(), a));
    }

    @Test
    void anEmptyAndALargerThanAChunkSmallBlobAreStoredWithTheOthers() {
        byte[] empty = new byte[0];
        byte[] large = random(MIB + 3);
        byte[] tiny = random(12);
        new TransactionTemplate(transactions).executeWithoutResult(status ->
                store.storeSmall(List.of(store.small(large), store.small(empty), store.small(tiny))));

        DatabaseBlobStore other = new DatabaseBlobStore(jdbc, transactions, Clock.systemUTC(), 0);
        String emptySha = sha256(empty);
        String largeSha = sha256(large);
        Map<String, byte[]> read = other.readAll(List.of(emptySha, largeSha, sha256(tiny)));
        assertThat(read.get(emptySha)).isEmpty();
        assertThat(read.get(largeSha)).isEqualTo(large);
        assertThat(read.get(sha256(tiny))).isEqualTo(tiny);
        assertThat(other.size(largeSha)).isEqualTo(MIB + 3);
        assertThat(jdbc.queryForList("SELECT length(data) FROM blob_chunk WHERE sha256 = ? ORDER BY seq", Integer.class,
                largeSha)).containsExactly(MIB, 3);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM blob_chunk WHERE sha256 = ?", Integer.class, emptySha))
                .as("an empty blob has a row and no chunk").isZero();
    }

    @Test
    void aSecretIsCreatedOnceAndEveryoneGetsTheFirst() {
        SharedSecrets secrets = new SharedSecrets(jdbc);
        byte[] first = secrets.getOrCreate("lease-hmac-key", () -> new byte[] {1, 2, 3});
        byte[] second = new SharedSecrets(jdbc).getOrCreate("lease-hmac-key", () -> new byte[] {9});

        assertThat(first).containsExactly(1, 2, 3);
        assertThat(second).containsExactly(1, 2, 3);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
