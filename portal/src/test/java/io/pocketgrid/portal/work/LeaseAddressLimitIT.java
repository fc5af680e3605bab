package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DrillPortal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drill: many volunteer tokens from one address share that address's lease budget. */
class LeaseAddressLimitIT extends DrillPortal {

    @Test
    void manyTokensFromOneAddressShareItsLeaseBudget() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tokens.add(api.registerVolunteer());
        }
        int granted = 0;
        Response refused = null;
        for (int round = 0; round < 3; round++) {
            for (String token : tokens) { // 18 leases asked, each volunteer under its own cap of 8
                Response r = postFrom("203.0.113.30", "/api/v1/work/lease", token, "{}");
                if (r.status() == 429) {
                    refused = r;
                } else {
                    assertThat(r.status()).isIn(200, 204);
                    granted++;
                }
            }
        }
        assertThat(granted).isEqualTo(LEASE_BURST);
        assertThat(refused.error()).isEqualTo("RATE_LIMITED");
        assertThat(refused.json().get("message").asString()).contains("address");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();

        // another address, and the same volunteers from there, are not held back
        assertThat(postFrom("203.0.113.31", "/api/v1/work/lease", tokens.getFirst(), "{}").status()).isIn(200, 204);
    }
}
