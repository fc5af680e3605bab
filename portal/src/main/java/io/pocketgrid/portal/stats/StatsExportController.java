package io.pocketgrid.portal.stats;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.ProjectProgress;
import io.pocketgrid.portal.project.ProjectQueries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Public statistics export, like BOINC's: volunteers, teams and projects as JSON or CSV. A
 * volunteer's name appears only when it was claimed into an account (its owner chose that name);
 * anonymous browsers are listed by id alone.
 */
@RestController
class StatsExportController {

    private final JdbcTemplate jdbc;
    private final ProjectQueries projects;

    StatsExportController(JdbcTemplate jdbc, ProjectQueries projects) {
        this.jdbc = jdbc;
        this.projects = projects;
    }

    @GetMapping("/api/v1/stats/volunteers")
    ResponseEntity<?> volunteers(@RequestParam(defaultValue = "json") String format) {
        List<Map<String, Object>> rows = jdbc.query("""
                SELECT v.public_id, a.display_name, t.name, v.total_micro_credits,
                       (SELECT COUNT(*) FROM result r WHERE r.volunteer_id = v.id AND r.status = 'VALID')
                FROM volunteer v LEFT JOIN account a ON a.id = v.account_id LEFT JOIN team t ON t.id = a.team_id
                WHERE v.banned = FALSE AND v.total_micro_credits > 0 ORDER BY v.total_micro_credits DESC, v.id""",
                (rs, i) -> row("id", rs.getString(1), "name", rs.getString(2), "team", rs.getString(3),
                        "microCredits", rs.getLong(4), "validResults", rs.getLong(5)));
        return respond(format, rows);
    }

    @GetMapping("/api/v1/stats/teams")
    ResponseEntity<?> teams(@RequestParam(defaultValue = "json") String format) {
        List<Map<String, Object>> rows = jdbc.query("""
                SELECT t.id, t.name, COUNT(DISTINCT a.id), COALESCE(SUM(v.total_micro_credits), 0)
                FROM team t LEFT JOIN account a ON a.team_id = t.id LEFT JOIN volunteer v ON v.account_id = a.id
                GROUP BY t.id, t.name ORDER BY 4 DESC, t.id""",
                (rs, i) -> row("id", rs.getLong(1), "name", rs.getString(2), "members", rs.getLong(3),
                        "microCredits", rs.getLong(4)));
        return respond(format, rows);
    }

    @GetMapping("/api/v1/stats/projects")
    ResponseEntity<?> projects(@RequestParam(defaultValue = "json") String format) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ProjectProgress p : projects.all()) {
            rows.add(row("id", p.id(), "name", p.name(), "status", p.status().name(), "items", p.items(),
                    "tasks", p.tasks(), "tasksValidated", p.tasksValidated(), "flopsPerItem", p.flopsPerItem()));
        }
        return respond(format, rows);
    }

    private static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static ResponseEntity<?> respond(String format, List<Map<String, Object>> rows) {
        return switch (format) {
            case "json" -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(rows);
            case "csv" -> ResponseEntity.ok().contentType(new MediaType("text", "csv")).body(csv(rows));
            default -> throw ApiException.badRequest("BAD_PARAMETER", "format must be json or csv");
        };
    }

    private static String csv(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
        for (Map<String, Object> r : rows) {
            sb.append(String.join(",", r.values().stream().map(StatsExportController::cell).toList())).append('\n');
        }
        return sb.toString();
    }

    /**
     * RFC 4180: quote a cell with a comma, quote or line break; double its quotes. A text cell that a
     * spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return: a
     * project, team or display name such as {@code =HYPERLINK(…)}) gets a leading single quote and is
     * quoted, as OWASP advises, so it is shown as text. Numbers are never altered: -1 stays a number.
     */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        boolean formula = !(value instanceof Number) && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0;
        if (formula) {
            s = "'" + s;
        }
        return formula || s.matches("(?s).*[,\"\r\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
