package io.pocketgrid.portal.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The most recently read chunks of blobs, up to a number of bytes, so that the tasks cut from one
 * chunk of inputs (about ten of them at 100 KB) and their replicas cost one query together, not one
 * each. A chunk wanted by several threads at once is loaded once. Blobs never change, so an entry is
 * never stale.
 */
final class ChunkCache {

    record Key(String sha256, int seq) {
    }

    private final long maxBytes;
    private final Map<Key, byte[]> chunks = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Key, CompletableFuture<byte[]>> loading = new ConcurrentHashMap<>();
    private long bytes;

    ChunkCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    byte[] get(Key key, Function<Key, byte[]> load) {
        byte[] cached = cached(key);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> theirs = loading.putIfAbsent(key, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            byte[] chunk = load.apply(key);
            put(key, chunk);
            mine.complete(chunk);
            return chunk;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key);
        }
    }

    /** The entry if it is here; nothing is loaded. */
    byte[] peek(Key key) {
        return cached(key);
    }

    /** Keeps an entry known without a load (what was just written). */
    void offer(Key key, byte[] chunk) {
        put(key, chunk);
    }

    private synchronized byte[] cached(Key key) {
        return chunks.get(key);
    }

    private synchronized void put(Key key, byte[] chunk) {
        if (maxBytes <= 0 || chunks.containsKey(key)) {
            return;
        }
        chunks.put(key, chunk);
        bytes += chunk.length;
        var eldest = chunks.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().length;
            eldest.remove();
        }
    }
}
