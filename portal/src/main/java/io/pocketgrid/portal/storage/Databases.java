package io.pocketgrid.portal.storage;

import java.util.List;
import java.util.function.Function;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * Which database a template talks to, for the few statements that differ: on PostgreSQL the hot
 * paths write a batch's rows with one set-based statement over arrays ({@code UPDATE … FROM
 * unnest(?, ?)}), where a JDBC batch runs one statement per row; H2 keeps the batch, and its
 * {@code CHECKPOINT} makes commits durable.
 */
public final class Databases {

    private Databases() {
    }

    public static boolean isPostgres(JdbcTemplate jdbc) {
        return "PostgreSQL".equals(product(jdbc));
    }

    public static boolean isH2(JdbcTemplate jdbc) {
        return "H2".equals(product(jdbc));
    }

    /**
     * One column of a batch's rows as an array parameter of a PostgreSQL type ({@code bigint},
     * {@code varchar}, {@code int}, {@code boolean}); null values stay null.
     */
    public static <T> SqlArrayValue array(String type, List<T> rows, Function<T, ?> column) {
        return new SqlArrayValue(type, rows.stream().map(column).toArray());
    }

    private static String product(JdbcTemplate jdbc) {
        return jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
    }
}
