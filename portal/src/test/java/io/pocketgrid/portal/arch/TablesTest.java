package io.pocketgrid.portal.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Who owns which table (see the portal's README): the SQL in the portal's sources, read from their
 * string literals, writes a table only in the package that owns it, and reads another feature's table
 * only in a read model ({@code stats}, {@code leaderboard}: reports across features, writing nothing) or
 * in one of the joins listed here with the reason it stays a join; the statements live in package-private
 * classes (the package's row classes and hot paths), never in its public services. Everything else asks the owner: its
 * public service, a query interface of the asking package that the owner implements
 * ({@code project.ProjectTasks}, {@code validation.JudgedTasks}, {@code volunteer.ResultCounts}), or an
 * event.
 */
class TablesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/pocketgrid/portal");
    private static final Path MIGRATIONS = Path.of("../db/src/main/resources/db");

    /** Table → the package that owns it. */
    static final Map<String, String> OWNERS = Map.ofEntries(
            Map.entry("account", "account"), Map.entry("api_token", "account"), Map.entry("team", "account"),
            Map.entry("credit", "credit"),
            Map.entry("ledger_epoch", "ledger"), Map.entry("ledger_leaf", "ledger"), Map.entry("ledger_lock", "ledger"),
            Map.entry("ledger_network", "ledger"),
            Map.entry("project", "project"), Map.entry("project_input", "project"), Map.entry("project_output", "project"),
            Map.entry("result", "validation"),
            Map.entry("spot_check", "validation"),
            Map.entry("blob", "storage"), Map.entry("blob_chunk", "storage"), Map.entry("shared_secret", "storage"),
            Map.entry("task", "work"), Map.entry("assignment", "work"),
            Map.entry("volunteer", "volunteer"));

    /** Packages that report across features: they may read any table and write none. */
    static final Set<String> READ_MODELS = Set.of("stats", "leaderboard");

    /** "file: table" reads of another feature's table that stay joins, each for a reason. */
    static final Set<String> LISTED_JOINS = Set.of(
            // a result batch's read: each result with its volunteer's record, one query in the result writer's transaction
            "validation/TaskBook.java: volunteer",
            // a project's progress (results received) and its results file (canonical outputs): results per project
            "work/TaskRows.java: result",
            // a project ends when none of its tasks is open: one statement in the result writer's transaction
            "project/ProjectRows.java: task",
            // a lease is inserted only while its project runs: the guard is part of the one INSERT … SELECT
            "work/LeaseBatch.java: project",
            // the epoch snapshot: every volunteer's credit with its account's payout address, one consistent read
            "ledger/LedgerStore.java: account",
            "ledger/LedgerStore.java: volunteer");

    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"(.*?)\"\"\"", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern WRITE = Pattern.compile("(?i)\\b(?:insert\\s+into|update|delete\\s+from|merge\\s+into)\\s+(\\w+)");
    private static final Pattern READ = Pattern.compile("(?i)\\b(?:from|join)\\s+(\\w+)");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("(?m)^public (?:final |abstract )?(?:class|record|interface|enum) ");
    private static final Pattern CREATE = Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)");

    @Test
    void everyTableHasOneOwner() throws IOException {
        Set<String> created = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MIGRATIONS)) {
            files.filter(f -> f.toString().endsWith(".sql")).forEach(f -> {
                Matcher m = CREATE.matcher(read(f));
                while (m.find()) {
                    created.add(m.group(1).toLowerCase());
                }
            });
        }
        assertThat(created).as("tables the migrations create").isNotEmpty();
        assertThat(OWNERS.keySet()).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void onlyTheOwnerWritesATable() throws IOException {
        Map<String, Set<String>> foreign = new TreeMap<>();
        sql().forEach((file, sql) -> tables(WRITE, sql).stream()
                .filter(t -> !packageOf(file).equals(OWNERS.get(t)))
                .forEach(t -> foreign.computeIfAbsent(file, f -> new TreeSet<>()).add(t)));
        assertThat(foreign).as("files writing a table their package does not own").isEmpty();
    }

    @Test
    void anotherFeaturesTableIsReadOnlyInAReadModelOrAListedJoin() throws IOException {
        Set<String> foreign = new TreeSet<>();
        sql().forEach((file, sql) -> tables(READ, sql).stream()
                .filter(t -> !packageOf(file).equals(OWNERS.get(t)) && !READ_MODELS.contains(packageOf(file)))
                .forEach(t -> foreign.add(file + ": " + t)));
        assertThat(foreign).as("reads of another feature's table").containsExactlyInAnyOrderElementsOf(LISTED_JOINS);
    }

    @Test
    void aFeaturesSqlLivesInPackagePrivateClasses() throws IOException {
        // public services ask their package's row classes; storage's blob store and the read models are SQL by nature
        Set<String> publicWithSql = new TreeSet<>();
        for (Map.Entry<String, String> e : sql().entrySet()) {
            String pkg = packageOf(e.getKey());
            if (READ_MODELS.contains(pkg) || pkg.equals("storage")) {
                continue;
            }
            boolean hasSql = !tables(WRITE, e.getValue()).isEmpty() || !tables(READ, e.getValue()).isEmpty();
            if (hasSql && PUBLIC_TYPE.matcher(read(SOURCES.resolve(e.getKey()))).find()) {
                publicWithSql.add(e.getKey());
            }
        }
        assertThat(publicWithSql).as("public classes with SQL of their own").isEmpty();
    }

    @Test
    void theScannerFindsStatementsInBothKindsOfLiteral() {
        String source = """
                jdbc.update("UPDATE volunteer SET banned = TRUE WHERE id = ?", id);
                jdbc.query(\"\"\"
                        SELECT r.id FROM result r
                        JOIN task t ON t.id = r.task_id\"\"\", rs -> { });
                // a comment naming update project is not SQL
                """;
        String sql = literals(source);
        assertThat(tables(WRITE, sql)).containsExactly("volunteer");
        assertThat(tables(READ, sql)).containsExactlyInAnyOrder("result", "task");
    }

    /** Each source file (relative to the portal's root package) with the text of its string literals. */
    private static Map<String, String> sql() throws IOException {
        Map<String, String> sql = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .forEach(f -> sql.put(SOURCES.relativize(f).toString().replace('\\', '/'), literals(read(f))));
        }
        assertThat(sql).as("portal sources under " + SOURCES.toAbsolutePath()).isNotEmpty();
        return sql;
    }

    private static String literals(String source) {
        StringBuilder out = new StringBuilder();
        Matcher blocks = TEXT_BLOCK.matcher(source);
        StringBuilder rest = new StringBuilder();
        while (blocks.find()) {
            out.append(blocks.group(1)).append(' ');
            blocks.appendReplacement(rest, " ");
        }
        blocks.appendTail(rest);
        Matcher strings = STRING.matcher(rest);
        while (strings.find()) {
            out.append(strings.group(1)).append(' ');
        }
        return out.toString();
    }

    private static Set<String> tables(Pattern statement, String sql) {
        Set<String> tables = new TreeSet<>();
        Matcher m = statement.matcher(sql);
        while (m.find()) {
            String name = m.group(1).toLowerCase();
            if (OWNERS.containsKey(name)) {
                tables.add(name);
            }
        }
        return tables;
    }

    private static String packageOf(String file) {
        int slash = file.indexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
