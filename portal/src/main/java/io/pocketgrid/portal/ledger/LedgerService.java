package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.ledger.LedgerNetwork.Connection;
import io.pocketgrid.portal.volunteer.VolunteerService;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.stereotype.Service;

/**
 * The ledger as the API and the UI see it: where it lives, its epochs, their leaves, proofs and claims.
 * Reads come from the database (the epochs are its records; the chain holds their roots), so they work
 * while the chain is away; claims need the contract's address and encoding.
 */
@Service
public class LedgerService {

    private final LedgerNetwork network;
    private final LedgerStore store;
    private final EpochTrees trees;
    private final LedgerProperties properties;
    private final VolunteerService volunteers;

    LedgerService(LedgerNetwork network, LedgerStore store, EpochTrees trees, LedgerProperties properties,
                  VolunteerService volunteers) {
        this.network = network;
        this.store = store;
        this.trees = trees;
        this.properties = properties;
        this.volunteers = volunteers;
    }

    /** Where to verify; empty while the ledger is off or its chain has not been reached yet. */
    public Optional<LedgerInfo> info() {
        return network.current().map(c -> new LedgerInfo(c.network().chainId(), c.network().rpcUrl(),
                c.network().contractAddress(), c.network().tokenAddress(), properties.epochInterval().toString(),
                store.lastCommittedEpoch(), c.network().deployBlock(), c.network().kind()));
    }

    /** Why the ledger is unavailable, for an error message. */
    public String unavailableReason() {
        return network.offReason().orElse("the ledger's chain has not been reached yet");
    }

    /** The newest epochs first, those before {@code before} when given. */
    public List<EpochView> epochs(Long before, int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("BAD_PARAMETER", "limit is 1–1000");
        }
        return store.epochs(before, limit);
    }

    public EpochView epoch(long epoch) {
        return store.epoch(epoch).orElseThrow(() -> unknownEpoch(epoch));
    }

    /** The leaves of {@code epoch} in the order of its canonical export. */
    public List<Leaf> leaves(long epoch) {
        return tree(epoch).leaves();
    }

    /**
     * The leaf and proof of an account in an epoch.
     *
     * @param account {@code 0x} + 64 hex digits, or a volunteer id
     */
    public AccountProof proof(long epoch, String account) {
        Bytes32 accountId = AccountIds.parse(account).orElseThrow(() -> ApiException.badRequest("BAD_ACCOUNT_ID",
                "an account id is 0x and 64 hex digits, or a volunteer id"));
        StandardMerkleTree tree = tree(epoch);
        OptionalInt index = tree.indexOf(accountId);
        if (index.isEmpty()) {
            throw new ApiException(Kind.NOT_FOUND, "UNKNOWN_ACCOUNT", "account " + accountId
                    + " has no credit in epoch " + epoch);
        }
        Leaf leaf = tree.leaf(index.getAsInt());
        return new AccountProof(epoch, leaf.accountId().toHex(), leaf.payout().toHex(), leaf.amount().toString(),
                tree.proof(index.getAsInt()).stream().map(Bytes32::toHex).toList(), tree.root().toHex());
    }

    /**
     * The claim of an account (a volunteer), proven against the newest committed epoch.
     *
     * @throws ApiException 503 when the ledger is unavailable, 404 when nothing is committed or the account
     *                      has no leaf
     */
    public ClaimData claim(String account) {
        Connection connection = network.current().orElseThrow(() -> new ApiException(Kind.UNAVAILABLE,
                "LEDGER_UNAVAILABLE", unavailableReason()));
        long epoch = store.lastCommittedEpoch();
        if (epoch == 0) {
            throw new ApiException(Kind.NOT_FOUND, "NO_EPOCH", "no epoch is committed yet");
        }
        AccountProof proof = proof(epoch, account);
        Leaf leaf = Leaf.of(proof.accountId(), proof.payout(), new BigInteger(proof.amount()));
        String calldata = connection.client().contract().encodeClaim(leaf, proof.proof().stream().map(Bytes32::fromHex)
                .toList());
        return new ClaimData(connection.network().chainId(), connection.network().contractAddress(), proof, calldata);
    }

    /**
     * Asks the contract itself whether this proof holds: {@code verify(epoch, accountId, payout, amount, proof)}
     * is a view call on the chain, independent of this portal's database.
     */
    public boolean verifyOnChain(AccountProof proof) {
        Connection connection = network.current().orElseThrow(() -> new ApiException(Kind.UNAVAILABLE,
                "LEDGER_UNAVAILABLE", unavailableReason()));
        Leaf leaf = Leaf.of(proof.accountId(), proof.payout(), new BigInteger(proof.amount()));
        return connection.client().contract().verify(proof.epoch(), leaf,
                proof.proof().stream().map(Bytes32::fromHex).toList());
    }

    /** The claims of every volunteer (browser) linked to an account that has a leaf in the newest committed epoch. */
    public List<ClaimData> claimsOfAccount(long accountId) {
        long epoch = store.lastCommittedEpoch();
        if (epoch == 0) {
            return List.of();
        }
        StandardMerkleTree tree = tree(epoch);
        List<ClaimData> claims = new ArrayList<>();
        for (String volunteer : volunteers.publicIdsOfAccount(accountId)) {
            if (tree.indexOf(AccountIds.ofVolunteer(volunteer)).isPresent()) {
                claims.add(claim(volunteer));
            }
        }
        return claims;
    }

    private StandardMerkleTree tree(long epoch) {
        return trees.tree(epoch).orElseThrow(() -> unknownEpoch(epoch));
    }

    private static ApiException unknownEpoch(long epoch) {
        return new ApiException(Kind.NOT_FOUND, "UNKNOWN_EPOCH", "there is no epoch " + epoch);
    }
}
