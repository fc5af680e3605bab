package io.pocketgrid.worker.loop;

/** The server refused a call or could not be reached; {@code status} 0 means unreachable. */
public class WorkServerException extends RuntimeException {

    private final int status;
    private final String code;

    public WorkServerException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
