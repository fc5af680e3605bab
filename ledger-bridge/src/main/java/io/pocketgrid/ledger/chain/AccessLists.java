package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.AccessListObject;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.utils.Numeric;

/**
 * EIP-2930 access lists from the node's {@code eth_createAccessList}, keeping only the entries that make a
 * transaction cheaper: contracts it calls into other than its target (2,400 gas an address and 1,900 a
 * slot listed, against 2,600 and 2,100 for cold first accesses). The target is warm anyway, so listing it
 * would cost more than it saves.
 */
final class AccessLists {

    private AccessLists() {
    }

    /** A list and the gas the node measured with the full list. */
    record Result(List<AccessListObject> entries, BigInteger gasUsed) {
    }

    /** The useful access list of a call, or empty if the node has no {@code eth_createAccessList} or the call fails. */
    static Optional<Result> create(Web3jService service, String from, String to, String data) throws IOException {
        Transaction call = Transaction.createEthCallTransaction(from, to, data);
        Response<CreateAccessListResult> response = new Request<>("eth_createAccessList", List.of(call, "latest"),
                service, CreateAccessListResponse.class).send();
        CreateAccessListResult result = response.getResult();
        if (response.hasError() || result == null || result.error != null || result.gasUsed == null) {
            return Optional.empty();
        }
        List<AccessListObject> useful = new ArrayList<>();
        for (Entry entry : result.accessList == null ? List.<Entry>of() : result.accessList) {
            String address = entry.address.toLowerCase(Locale.ROOT);
            if (!address.equals(to.toLowerCase(Locale.ROOT)) && !address.equals(from.toLowerCase(Locale.ROOT))) {
                useful.add(new AccessListObject(entry.address, entry.storageKeys == null ? List.of() : entry.storageKeys));
            }
        }
        return Optional.of(new Result(useful, Numeric.decodeQuantity(result.gasUsed)));
    }

    /** JSON of {@code eth_createAccessList}'s result. */
    public static final class CreateAccessListResult {
        public List<Entry> accessList;
        public String gasUsed;
        public String error;
    }

    /** One address and its storage keys. */
    public static final class Entry {
        public String address;
        public List<String> storageKeys;
    }

    /** The JSON-RPC response. */
    public static final class CreateAccessListResponse extends Response<CreateAccessListResult> {
    }
}
