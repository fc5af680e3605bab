package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One live node per anvil {@code --state} file. Two anvils on one file each dump their own chain over the
 * other's every state interval, so the file flips between an old and the current chain.
 *
 * <p>The starting JVM holds an OS file lock on {@code <state>.lock} for the node's life. The kernel drops it
 * when that JVM dies, however it dies, so a held lock means a live owner: the start is refused rather than
 * stopping a chain that a running portal still uses. With the lock taken, any anvil still running on the file
 * is an orphan of a dead JVM (or of a version without the parent watchdog) and is taken over: stopped with
 * SIGTERM, so it dumps its (newest) state, and waited for before the new node loads the file. Orphans are
 * found by their command line in {@code /proc}, not by a recorded pid, which may be stale or reused;
 * the lock file still names the node's pid, for people. Without {@code /proc} (not Linux) no orphan is
 * looked for.
 */
final class StateFileGuard implements AutoCloseable {

    private static final long STOP_SECONDS = 15;
    /**
     * State files claimed in this JVM. Checked before the lock file is opened: closing any channel on a file
     * drops every lock this process holds on it (POSIX), so a second channel must never be opened and closed.
     */
    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Path state;
    private final FileChannel channel;
    private final FileLock lock;

    private StateFileGuard(Path state, FileChannel channel, FileLock lock) {
        this.state = state;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code stateFile} for this JVM and stops every orphaned anvil running on it.
     *
     * @throws IllegalStateException when another live process (or another node in this JVM) holds it
     */
    static StateFileGuard claim(Path stateFile) {
        Path state = stateFile.toAbsolutePath().normalize();
        if (!CLAIMED.add(state)) {
            throw new IllegalStateException("the anvil state file " + state + " is in use by another node of this JVM");
        }
        try {
            StateFileGuard guard = lock(state, state.resolveSibling(state.getFileName() + ".lock"));
            stopOrphans(state);
            return guard;
        } catch (RuntimeException e) {
            CLAIMED.remove(state);
            throw e;
        }
    }

    private static StateFileGuard lock(Path state, Path lockFile) {
        try {
            Files.createDirectories(state.getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException unexpected) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("the anvil state file " + state + " is in use by a live node (" + lockFile
                        + " is locked by " + holder(lockFile) + "); give each portal its own data directory");
            }
            return new StateFileGuard(state, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    /** Notes the node's pid in the lock file. */
    void recordPid(long pid) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            CLAIMED.remove(state);
        }
    }

    private static void stopOrphans(Path state) {
        List<ProcessHandle> orphans = ProcessHandle.allProcesses().filter(p -> runsOn(p.pid(), state)).toList();
        orphans.forEach(ProcessHandle::destroy);
        for (ProcessHandle orphan : orphans) {
            try {
                orphan.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                orphan.destroyForcibly();
                orphan.onExit().completeOnTimeout(orphan, STOP_SECONDS, TimeUnit.SECONDS).join();
            }
        }
    }

    /** Whether process {@code pid} is an anvil with {@code --state} (or {@code --dump-state}) on {@code state}. */
    static boolean runsOn(long pid, Path state) {
        List<String> args = commandLine(pid);
        if (!isAnvil(args)) {
            return false;
        }
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--state") || args.get(i).equals("--dump-state")) {
                try {
                    // a relative path is relative to that process's working directory
                    Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
                    if (cwd.resolve(args.get(i + 1)).normalize().equals(state)) {
                        return true;
                    }
                } catch (IOException | RuntimeException goneOrNotOurs) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Whether a command line (see {@link #commandLine}) runs a binary named {@code anvil}. */
    static boolean isAnvil(List<String> args) {
        return !args.isEmpty() && !args.getFirst().isEmpty()
                && "anvil".equals(String.valueOf(Path.of(args.getFirst()).getFileName()));
    }

    /** A process's arguments from {@code /proc}; empty when it exited, is not readable, or there is no /proc. */
    static List<String> commandLine(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException | RuntimeException goneOrNotOurs) {
            return List.of();
        }
    }

    private static String holder(Path lockFile) {
        try {
            String pid = Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "another process" : "the process of anvil " + pid;
        } catch (IOException e) {
            return "another process";
        }
    }
}
