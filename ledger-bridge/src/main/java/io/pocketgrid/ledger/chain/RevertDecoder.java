package io.pocketgrid.ledger.chain;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.abi.datatypes.CustomError;

/**
 * Names the error in revert data by its 4-byte selector: Solidity's {@code Error(string)} and
 * {@code Panic(uint256)} plus the custom errors declared in generated web3j wrappers.
 */
public final class RevertDecoder {

    private final Map<String, String> names = new HashMap<>();

    private RevertDecoder() {
        names.put("0x08c379a0", "Error");
        names.put("0x4e487b71", "Panic");
    }

    /** A decoder for the custom errors declared as {@code CustomError} constants in the given wrapper classes. */
    public static RevertDecoder forWrappers(Class<?>... wrappers) {
        RevertDecoder decoder = new RevertDecoder();
        for (Class<?> wrapper : wrappers) {
            for (Field field : wrapper.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == CustomError.class) {
                    try {
                        CustomError error = (CustomError) field.get(null);
                        decoder.names.put(CustomErrorEncoder.encode(error).substring(0, 10).toLowerCase(Locale.ROOT),
                                error.getName());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return decoder;
    }

    /** The error name for revert data {@code 0x…}, or null. */
    public String name(String data) {
        if (data == null) {
            return null;
        }
        String hex = data.strip().replace("\"", "").toLowerCase(Locale.ROOT);
        return hex.length() >= 10 && hex.startsWith("0x") ? names.get(hex.substring(0, 10)) : null;
    }

    /** An exception for a revert with {@code data} and the node's {@code message}. */
    public ContractRevertException exception(String what, String data, String message) {
        String name = name(data);
        return new ContractRevertException(name, data,
                what + " reverted" + (name != null ? " with " + name : "") + ": " + message);
    }
}
