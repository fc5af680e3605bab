package io.pocketgrid.portal.leaderboard;

import io.pocketgrid.portal.api.ApiException;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class LeaderboardController {

    private final LeaderboardService leaderboard;

    LeaderboardController(LeaderboardService leaderboard) {
        this.leaderboard = leaderboard;
    }

    /** {@code ?by=volunteer|team&period=total|24h&limit=100}. */
    @GetMapping("/api/v1/leaderboard")
    List<Standing> standings(@RequestParam(defaultValue = "volunteer") String by,
                             @RequestParam(defaultValue = "total") String period,
                             @RequestParam(defaultValue = "100") int limit) {
        LeaderboardService.By b = switch (by.toLowerCase(Locale.ROOT)) {
            case "volunteer" -> LeaderboardService.By.VOLUNTEER;
            case "team" -> LeaderboardService.By.TEAM;
            default -> throw ApiException.badRequest("BAD_PARAMETER", "by must be volunteer or team");
        };
        LeaderboardService.Period p = switch (period.toLowerCase(Locale.ROOT)) {
            case "total" -> LeaderboardService.Period.TOTAL;
            case "24h", "day" -> LeaderboardService.Period.DAY;
            default -> throw ApiException.badRequest("BAD_PARAMETER", "period must be total or 24h");
        };
        return leaderboard.standings(b, p, limit);
    }
}
