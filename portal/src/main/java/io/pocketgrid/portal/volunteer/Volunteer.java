package io.pocketgrid.portal.volunteer;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.time.Instant;

/** A browser (or any client) that computes tasks. Anonymous; only a hash of its token is kept. */
@Entity
public class Volunteer {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "public_id", nullable = false, unique = true)
    private String publicId;

    @Column(name = "token_sha256", nullable = false, unique = true)
    private String tokenSha256;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_seen_at")
    private Instant lastSeenAt;

    protected Volunteer() {
    }

    Volunteer(String publicId, String tokenSha256, Instant createdAt) {
        this.publicId = publicId;
        this.tokenSha256 = tokenSha256;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getPublicId() {
        return publicId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
