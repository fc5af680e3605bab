package io.pocketgrid.portal.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Admins are named by the operator, never claimed: signing up under a name listed in
 * {@code pocketgrid.admin-usernames} gives an owner account; the start-up grant makes the existing
 * account an admin; an admin then grants and takes back the role of others through the API, but
 * not their own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminGrantsIT {

    @Value("${local.server.port}")
    int port;

    @Autowired
    AdminGrants grants;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.noDemoNoLedger(registry, TempDirs.create("pocketgrid-admins-it"));
        registry.add("pocketgrid.admin-usernames", () -> "alice, nobody");
    }

    @Test
    void theOperatorNamesAdminsAndAnAdminGrantsOthersButSigningUpGrantsNothing() {
        ApiClient api = new ApiClient(port);
        // the race the old rule lost: whoever signs up first under a listed name
        ApiClient.Response first = api.postJson("/api/v1/accounts", null,
                "{\"username\":\"alice\",\"password\":\"correct horse battery\"}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("role").asString()).isEqualTo("OWNER");
        String alice = api.signIn("alice");
        assertThat(setRole(api, alice, "bob", "ADMIN").error()).isEqualTo("NOT_ADMIN");

        grants.run(new DefaultApplicationArguments()); // the start-up grant, as after a restart with the setting
        String bob = api.ownerToken("bob");
        ApiClient.Response granted = setRole(api, alice, "bob", "ADMIN");
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.json().get("role").asString()).isEqualTo("ADMIN");
        assertThat(api.postJson("/api/v1/admin/volunteers/" + "v-unknown" + "/ban", bob, null).status())
                .as("bob may do what admins do").isNotEqualTo(403);

        assertThat(setRole(api, alice, "alice", "OWNER").error()).isEqualTo("OWN_ROLE");
        assertThat(setRole(api, alice, "carol", "ADMIN").error()).isEqualTo("UNKNOWN_ACCOUNT");
        assertThat(setRole(api, alice, "bob", "KING").error()).isEqualTo("BAD_ROLE");
        assertThat(setRole(api, bob, "alice", "OWNER").status()).as("another admin may").isEqualTo(200);
        assertThat(setRole(api, alice, "bob", "OWNER").error()).as("alice is an owner again").isEqualTo("NOT_ADMIN");
    }

    private static ApiClient.Response setRole(ApiClient api, String token, String username, String role) {
        return api.send("PUT", "/api/v1/admin/accounts/" + username + "/role", java.util.Map.of(
                "Authorization", "Bearer " + token, "Content-Type", "application/json"),
                ("{\"role\":\"" + role + "\"}").getBytes());
    }
}
