package io.pocketgrid.ledger.chain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ties a child process's life to this JVM's. A JVM cannot make its children die on SIGKILL (its shutdown
 * hooks do not run), and Debian has no shell command for {@code prctl(PR_SET_PDEATHSIG)}. So the command is
 * started by {@code /bin/sh} with a watcher: the JVM keeps the write end of the shell's stdin pipe open and
 * never writes to it; the kernel closes it when the JVM dies, however it dies; the watcher's {@code read}
 * then sees end of file and stops the command with SIGTERM (anvil then dumps its state), SIGKILL after
 * {@value #GRACE_SECONDS} s. No polling, and no pid that could be reused: the shell waits for the command,
 * so its pid stays taken until the shell has reaped it, and the shell then ends the watcher.
 *
 * <p>The command itself gets {@code /dev/null} as stdin and no copy of the pipe, so only the JVM holds it.
 * Without {@code /bin/sh} (Windows) the command runs directly, unwatched.
 */
final class ParentWatchdog {

    static final int GRACE_SECONDS = 10;

    private static final Path SHELL = Path.of("/bin/sh");

    private static final String SCRIPT = String.join("\n",
            "exec 3<&0 0</dev/null",
            "\"$@\" 3<&- &",
            "child=$!",
            "( read -r eof <&3; kill -TERM \"$child\" 2>/dev/null; sleep " + GRACE_SECONDS
                    + "; kill -KILL \"$child\" 2>/dev/null ) &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$child\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit $status");

    private ParentWatchdog() {
    }

    /** Whether commands can be watched here. */
    static boolean available() {
        return Files.isExecutable(SHELL);
    }

    /** {@code command} run under the watcher; start it with {@code stdin} a pipe (the default) and keep that open. */
    static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(SHELL.toString(), "-c", SCRIPT, "pocketgrid-anvil-watchdog"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The watched command's process: the shell's child whose command line names {@code binary}'s file. */
    static Optional<ProcessHandle> command(Process shell, Path binary) {
        String name = binary.getFileName().toString();
        return shell.children().filter(child -> {
            List<String> args = StateFileGuard.commandLine(child.pid());
            return !args.isEmpty() && name.equals(String.valueOf(Path.of(args.getFirst()).getFileName()));
        }).findFirst();
    }
}
