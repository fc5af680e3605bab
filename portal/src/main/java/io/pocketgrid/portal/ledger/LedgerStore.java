package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.portal.credit.CreditService;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.volunteer.VolunteerService;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The ledger's tables. Leaves are stored as changes: a {@code ledger_leaf} row is written for epoch
 * {@code n} only when a volunteer's leaf differs from its leaf in the epochs before, so the leaves of
 * epoch {@code n} are, per volunteer, its row with the greatest epoch {@code <= n}, in volunteer order.
 * Callers own the transactions.
 */
@Repository
class LedgerStore {

    private static final String EPOCH_COLUMNS = "epoch, root, total, leaf_count, export_hash, status, tx_hash,"
            + " block_number, created_at, committed_at, attempts";
    private static final String LEAVES_UP_TO = """
            SELECT l.volunteer_id, l.account_id, l.payout, l.amount FROM ledger_leaf l
            JOIN (SELECT volunteer_id, MAX(epoch) AS epoch FROM ledger_leaf WHERE epoch <= ? GROUP BY volunteer_id) m
              ON m.volunteer_id = l.volunteer_id AND m.epoch = l.epoch
            ORDER BY l.volunteer_id""";

    private final JdbcTemplate jdbc;
    private final VolunteerService volunteers;
    private final CreditService credit;

    LedgerStore(JdbcTemplate jdbc, VolunteerService volunteers, CreditService credit) {
        this.jdbc = jdbc;
        this.volunteers = volunteers;
        this.credit = credit;
    }

    /** A chain and contract the ledger was committed to. */
    record NetworkRow(long id, String kind, long chainId, String rpcUrl, String contractAddress, String tokenAddress,
                      long deployBlock) {
    }

    /** A volunteer's leaf. */
    record VolunteerLeaf(long volunteerId, Leaf leaf) {
    }

    /** A volunteer's credit now: its public id, its account's payout address (raw, may be null) and total. */
    record Snapshot(long volunteerId, String publicId, String payoutAddress, long microCredits) {
    }

    Optional<NetworkRow> activeNetwork() {
        return jdbc.query("SELECT id, kind, chain_id, rpc_url, contract_address, token_address, deploy_block"
                + " FROM ledger_network WHERE active = TRUE ORDER BY id DESC", (rs, i) -> new NetworkRow(rs.getLong(1),
                rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7)))
                .stream().findFirst();
    }

    /** Makes a new network the active one. */
    NetworkRow activate(String kind, long chainId, String rpcUrl, String contract, String token, long deployBlock,
                        Instant now) {
        jdbc.update("UPDATE ledger_network SET active = FALSE WHERE active = TRUE");
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(c -> {
            var ps = c.prepareStatement("INSERT INTO ledger_network (kind, chain_id, rpc_url, contract_address,"
                    + " token_address, deploy_block, active, created_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?)", new String[] {"id"});
            ps.setString(1, kind);
            ps.setLong(2, chainId);
            ps.setString(3, rpcUrl);
            ps.setString(4, contract);
            ps.setString(5, token);
            ps.setLong(6, deployBlock);
            ps.setObject(7, Utc.at(now));
            return ps;
        }, key);
        return new NetworkRow(key.getKey().longValue(), kind, chainId, rpcUrl, contract, token, deployBlock);
    }

    void updateRpcUrl(long networkId, String rpcUrl) {
        jdbc.update("UPDATE ledger_network SET rpc_url = ? WHERE id = ?", rpcUrl, networkId);
    }

    /** Every epoch must be committed again (to a new contract); returns how many there are. */
    int reopenAll() {
        return jdbc.update("UPDATE ledger_epoch SET status = 'PENDING', network_id = NULL, tx_hash = NULL,"
                + " block_number = NULL, committed_at = NULL");
    }

    /** Committed epochs the chain does not have (lost state, reorg) must be committed again. */
    int reopenAbove(long chainLastEpoch) {
        return jdbc.update("UPDATE ledger_epoch SET status = 'PENDING', committed_at = NULL WHERE status = 'COMMITTED'"
                + " AND epoch > ?", chainLastEpoch);
    }

    List<EpochView> epochs(Long before, int limit) {
        return jdbc.query("SELECT " + EPOCH_COLUMNS + " FROM ledger_epoch WHERE epoch < ? ORDER BY epoch DESC"
                + " FETCH FIRST " + limit + " ROWS ONLY", LedgerStore::epoch, before == null ? Long.MAX_VALUE : before);
    }

    Optional<EpochView> epoch(long epoch) {
        return jdbc.query("SELECT " + EPOCH_COLUMNS + " FROM ledger_epoch WHERE epoch = ?", LedgerStore::epoch, epoch)
                .stream().findFirst();
    }

    /** Epochs not committed yet, oldest first. */
    List<Long> outstanding() {
        return jdbc.queryForList("SELECT epoch FROM ledger_epoch WHERE status <> 'COMMITTED' ORDER BY epoch", Long.class);
    }

    /** The newest epoch, 0 before the first. */
    long lastEpoch() {
        Long last = jdbc.queryForObject("SELECT MAX(epoch) FROM ledger_epoch", Long.class);
        return last == null ? 0 : last;
    }

    /**
     * Since when credit has waited to reach the chain: the closing of the newest committed epoch (before
     * the first, the first credit) when credit was granted after it or an epoch waits; empty when the
     * chain has all of it. An epoch's total is every volunteer's cumulative credit at its closing, and
     * credit only grows, so more credit now than that total means credit after it.
     */
    Optional<Instant> uncommittedSince() {
        boolean waiting = !jdbc.queryForList("SELECT epoch FROM ledger_epoch WHERE status <> 'COMMITTED'"
                + " FETCH FIRST 1 ROWS ONLY", Long.class).isEmpty();
        long granted = volunteers.microCreditsOfAll();
        List<Object[]> last = jdbc.query("SELECT created_at, total FROM ledger_epoch WHERE status = 'COMMITTED'"
                + " ORDER BY epoch DESC FETCH FIRST 1 ROWS ONLY",
                (rs, i) -> new Object[] {rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getLong(2)});
        if (last.isEmpty()) {
            if (granted == 0 && !waiting) {
                return Optional.empty();
            }
            return credit.firstGrantedAt();
        }
        return waiting || granted > (long) last.get(0)[1] ? Optional.of((Instant) last.get(0)[0]) : Optional.empty();
    }

    /** The newest committed epoch, 0 before the first. */
    long lastCommittedEpoch() {
        Long last = jdbc.queryForObject("SELECT MAX(epoch) FROM ledger_epoch WHERE status = 'COMMITTED'", Long.class);
        return last == null ? 0 : last;
    }

    void markCommitted(long epoch, long networkId, String txHash, Long block, Instant at) {
        jdbc.update("UPDATE ledger_epoch SET status = 'COMMITTED', network_id = ?, tx_hash = COALESCE(?, tx_hash),"
                + " block_number = COALESCE(?, block_number), committed_at = ? WHERE epoch = ?",
                networkId, txHash, block, Utc.at(at), epoch);
    }

    void markFailed(long epoch, String error) {
        String message = error == null ? "unknown" : error.length() > 1000 ? error.substring(0, 1000) : error;
        jdbc.update("UPDATE ledger_epoch SET status = 'FAILED', attempts = attempts + 1, last_error = ? WHERE epoch = ?",
                message, epoch);
    }

    /** The leaves of {@code epoch}, in volunteer order. */
    List<VolunteerLeaf> leaves(long epoch) {
        return jdbc.query(LEAVES_UP_TO, LedgerStore::leaf, epoch);
    }

    /** Each volunteer's latest leaf. */
    List<VolunteerLeaf> latestLeaves() {
        return leaves(Long.MAX_VALUE);
    }

    /** Every volunteer with credit, with its account's payout address. */
    List<Snapshot> snapshot() {
        return jdbc.query("SELECT v.id, v.public_id, a.payout_address, v.total_micro_credits FROM volunteer v"
                + " LEFT JOIN account a ON a.id = v.account_id WHERE v.total_micro_credits > 0 ORDER BY v.id",
                (rs, i) -> new Snapshot(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    /** Stores a new epoch with the leaves that changed since the one before. */
    void insertEpoch(long epoch, Bytes32 root, long total, int leafCount, Bytes32 exportHash, Map<Long, Leaf> changed,
                     Instant now) {
        jdbc.update("INSERT INTO ledger_epoch (epoch, root, total, leaf_count, export_hash, status, created_at)"
                + " VALUES (?, ?, ?, ?, ?, 'PENDING', ?)", epoch, root.toHex(), total, leafCount, exportHash.toHex(), Utc.at(now));
        List<Object[]> rows = new ArrayList<>(changed.size());
        changed.forEach((volunteerId, leaf) -> rows.add(new Object[] {volunteerId, epoch, leaf.accountId().toHex(),
                leaf.payout().toHex(), leaf.amount().longValueExact()}));
        jdbc.batchUpdate("INSERT INTO ledger_leaf (volunteer_id, epoch, account_id, payout, amount) VALUES (?, ?, ?, ?, ?)",
                rows);
    }

    private static EpochView epoch(ResultSet rs, int row) throws SQLException {
        long block = rs.getLong(8);
        Long blockNumber = rs.wasNull() ? null : block;
        OffsetDateTime committed = rs.getObject(10, OffsetDateTime.class);
        return new EpochView(rs.getLong(1), rs.getString(2), Long.toString(rs.getLong(3)), rs.getInt(4), rs.getString(5),
                rs.getString(6), rs.getString(7), blockNumber, rs.getObject(9, OffsetDateTime.class).toInstant(),
                committed == null ? null : committed.toInstant(), rs.getInt(11));
    }

    private static VolunteerLeaf leaf(ResultSet rs, int row) throws SQLException {
        return new VolunteerLeaf(rs.getLong(1), new Leaf(Bytes32.fromHex(rs.getString(2)), EthAddress.fromHex(rs.getString(3)),
                BigInteger.valueOf(rs.getLong(4))));
    }
}
