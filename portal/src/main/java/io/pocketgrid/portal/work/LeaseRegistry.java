package io.pocketgrid.portal.work;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this instance handed out and that are still open, in memory: a result for one of them
 * is checked without reading its lease back, and a volunteer's open leases are counted without a
 * query. A lease handed out by another instance (or before a restart) is looked up in the database.
 */
@org.springframework.stereotype.Component
class LeaseRegistry {

    /**
     * What the server needs to know about an open lease when its result arrives; {@code single}
     * when its result will be judged alone (quorum 1), so it may be spot-checked by the server.
     */
    record Issued(long leaseId, long volunteerId, long taskId, long projectId, int start, int end, Instant expiresAt,
                  boolean single) {
    }

    private final Map<Long, Issued> byId = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> byVolunteer = new ConcurrentHashMap<>();

    /** How many leases this instance issued that are not yet returned, given back or pruned. */
    int size() {
        return byId.size();
    }

    void add(Issued lease) {
        byId.put(lease.leaseId(), lease);
        byVolunteer.computeIfAbsent(lease.volunteerId(), v -> ConcurrentHashMap.newKeySet()).add(lease.leaseId());
    }

    Optional<Issued> get(long leaseId) {
        return Optional.ofNullable(byId.get(leaseId));
    }

    void remove(long leaseId) {
        Issued lease = byId.remove(leaseId);
        if (lease != null) {
            Set<Long> open = byVolunteer.get(lease.volunteerId());
            if (open != null) {
                open.remove(leaseId);
            }
        }
    }

    /** The volunteer's leases from this instance that have not expired. */
    int openLeases(long volunteerId, Instant now) {
        Set<Long> open = byVolunteer.get(volunteerId);
        if (open == null) {
            return 0;
        }
        int count = 0;
        for (Long id : open) {
            Issued lease = byId.get(id);
            if (lease != null && lease.expiresAt().isAfter(now)) {
                count++;
            }
        }
        return count;
    }

    /** Forgets expired leases (their results will be refused anyway) and volunteers without leases. */
    void prune(Instant now) {
        byId.values().removeIf(lease -> !lease.expiresAt().isAfter(now));
        byVolunteer.values().forEach(ids -> ids.removeIf(id -> !byId.containsKey(id)));
        byVolunteer.values().removeIf(Set::isEmpty);
    }
}
