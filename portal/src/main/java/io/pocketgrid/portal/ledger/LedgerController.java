package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.LeafExport;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The public ledger API: where to verify, the epochs, their leaves and per-account proofs. */
@RestController
class LedgerController {

    private static final MediaType CSV = MediaType.parseMediaType("text/csv");

    private final LedgerService ledger;

    LedgerController(LedgerService ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/api/v1/ledger")
    LedgerInfo ledger() {
        return ledger.info().orElseThrow(() -> new ApiException(Kind.UNAVAILABLE, "LEDGER_UNAVAILABLE",
                ledger.unavailableReason()));
    }

    @GetMapping("/api/v1/epochs")
    List<EpochView> epochs(@RequestParam(required = false) Long before,
                           @RequestParam(defaultValue = "100") int limit) {
        return ledger.epochs(before, limit);
    }

    @GetMapping("/api/v1/epochs/{epoch}")
    EpochView epoch(@PathVariable long epoch) {
        return ledger.epoch(epoch);
    }

    /**
     * Every leaf of the epoch, streamed: the canonical CSV (its Keccak-256 is the committed export hash) unless
     * JSON is asked for with {@code ?format=json} or {@code Accept: application/json}:
     * {@code {"epoch", "root", "leaves": [{"accountId", "payout", "amount"}]}}, amounts as decimal strings.
     */
    @GetMapping("/api/v1/epochs/{epoch}/leaves")
    ResponseEntity<StreamingResponseBody> leaves(@PathVariable long epoch, @RequestParam(required = false) String format,
                                                 @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        String root = ledger.epoch(epoch).root();
        List<Leaf> leaves = ledger.leaves(epoch);
        if (wantsJson(format, accept)) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> writeJson(epoch, root, leaves, out));
        }
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("epoch-" + epoch + "-leaves.csv").build().toString())
                .body(out -> LeafExport.writeCsv(leaves, out));
    }

    @GetMapping("/api/v1/epochs/{epoch}/proof/{accountId}")
    AccountProof proof(@PathVariable long epoch, @PathVariable String accountId) {
        return ledger.proof(epoch, accountId);
    }

    private static boolean wantsJson(String format, String accept) {
        if (format != null) {
            return switch (format.toLowerCase(Locale.ROOT)) {
                case "json" -> true;
                case "csv" -> false;
                default -> throw ApiException.badRequest("BAD_PARAMETER", "format is csv or json");
            };
        }
        return accept != null && accept.contains(MediaType.APPLICATION_JSON_VALUE) && !accept.contains("text/csv");
    }

    /** Hex strings and decimal numbers only, so nothing needs escaping. */
    private static void writeJson(long epoch, String root, List<Leaf> leaves, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII));
        w.write("{\"epoch\":" + epoch + ",\"root\":\"" + root + "\",\"leaves\":[");
        for (int i = 0; i < leaves.size(); i++) {
            Leaf l = leaves.get(i);
            w.write((i == 0 ? "" : ",") + "{\"accountId\":\"" + l.accountId().toHex() + "\",\"payout\":\""
                    + l.payout().toHex() + "\",\"amount\":\"" + l.amount() + "\"}");
        }
        w.write("]}");
        w.flush();
    }
}
