package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a binding keeps on the host as tensors rather than in its {@link Region}: non-float
 * graph inputs, the inputs and results of generic steps, and outputs that are such values or
 * constants. Slots are numbered at binding; steps fill them at run time.
 */
final class HostSlots {

    private final List<Tensor> slots = new ArrayList<>();
    private final Map<String, Integer> inputs = new HashMap<>();
    private final Map<String, Integer> outputs = new HashMap<>();
    private final Map<String, Tensor> constantOutputs = new HashMap<>();

    /** A new, empty slot; its number. */
    int slot() {
        slots.add(null);
        return slots.size() - 1;
    }

    Tensor get(int slot) {
        return slots.get(slot);
    }

    void set(int slot, Tensor t) {
        slots.set(slot, t);
    }

    /** Graph input {@code name} is set as a tensor into {@code slot}. */
    void input(String name, int slot) {
        inputs.put(name, slot);
    }

    /** Graph output {@code name} is read from {@code slot}. */
    void output(String name, int slot) {
        outputs.put(name, slot);
    }

    /** Graph output {@code name} is {@code constant}, whatever the inputs. */
    void output(String name, Tensor constant) {
        constantOutputs.put(name, constant);
    }

    /** Sets graph input {@code name} for the next run. */
    void setInput(String name, Tensor t) {
        Integer s = inputs.get(name);
        if (s == null) {
            throw new EngineException("input '" + name + "' is written to memory, not set as a tensor");
        }
        slots.set(s, t);
    }

    /** Graph output {@code name} as the last run left it. */
    Tensor output(String name) {
        Tensor c = constantOutputs.get(name);
        return c != null ? c : slots.get(outputs.get(name));
    }
}
