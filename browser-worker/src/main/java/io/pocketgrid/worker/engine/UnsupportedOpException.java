package io.pocketgrid.worker.engine;

/**
 * A node the engine cannot run: an unknown op type or domain, or an attribute value or mode it
 * does not implement. Thrown at load time so that no model gives a wrong answer.
 */
public class UnsupportedOpException extends EngineException {

    private final String opType;
    private final String nodeName;

    public UnsupportedOpException(String opType, String nodeName, String why) {
        super("unsupported op " + opType + " (node '" + nodeName + "'): " + why);
        this.opType = opType;
        this.nodeName = nodeName;
    }

    public String opType() {
        return opType;
    }

    public String nodeName() {
        return nodeName;
    }
}
