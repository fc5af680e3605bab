package io.pocketgrid.ledger.chain;

import java.nio.file.Path;

/**
 * A JVM that starts anvil the way the portal does (state file, state interval) and then just lives: a test
 * runs it as a child process and kills it with SIGKILL, as the fault drill killed the portal.
 */
final class AnvilHolder {

    private AnvilHolder() {
    }

    /** Args: the state file. Prints {@code READY <anvil pid> <port>} once the node listens. */
    public static void main(String[] args) throws InterruptedException {
        AnvilNode node = AnvilNode.builder().stateFile(Path.of(args[0])).arg("--state-interval", "30").start();
        System.out.println("READY " + node.pid() + " " + node.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
