package io.pocketgrid.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import java.time.Instant;

/** A person who signed up: owns projects, and may claim browsers' credit into a name and a team. */
@Entity
public class Account {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    private String email;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(name = "display_name")
    private String displayName;

    @Column(name = "team_id")
    private Long teamId;

    @Column(name = "payout_address")
    private String payoutAddress;

    /** The portal language the person chose ("de", "en"), or null to follow the browser. */
    private String locale;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Account() {
    }

    Account(String username, String passwordHash, String email, Role role, Instant createdAt) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.email = email;
        this.role = role;
        this.displayName = username;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    public String getEmail() {
        return email;
    }

    public Role getRole() {
        return role;
    }

    public String getDisplayName() {
        return displayName;
    }

    public Long getTeamId() {
        return teamId;
    }

    public String getPayoutAddress() {
        return payoutAddress;
    }

    void updateProfile(String displayName, Long teamId, String payoutAddress) {
        this.displayName = displayName;
        this.teamId = teamId;
        this.payoutAddress = payoutAddress;
    }

    public String getLocale() {
        return locale;
    }

    void setLocale(String locale) {
        this.locale = locale;
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    void setRole(Role role) {
        this.role = role;
    }
}
