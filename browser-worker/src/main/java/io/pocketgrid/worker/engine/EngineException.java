package io.pocketgrid.worker.engine;

/** Anything the engine cannot do with a model or its inputs; the message says what and where. */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
