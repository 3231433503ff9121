package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.Wires;

/**
 * Base of every config section: a Chronicle Wire marshallable that refuses keys it does not know, so a typo in a
 * YAML file is an error that names the key instead of a setting silently ignored, and that reads a section over the
 * values it already has, so a file can be read over a base config ({@link PipelineConfig#load(java.nio.file.Path,
 * PipelineConfig)}).
 */
public abstract class StrictConfig extends SelfDescribingMarshallable {
    /** The section's path in the YAML file, for messages, e.g. {@code risk.symbols[2]}. */
    protected abstract String section();

    /**
     * Sets the keys the YAML gives and keeps every other field as it is; a nested section already in place is read
     * into the same way, and a list is replaced whole. A fresh section has the class's defaults, so reading into one
     * gives what it always gave. Chronicle's default instead resets the other fields from one shared default instance,
     * nested sections by reference: every config read or {@code deepCopy()}-ed then shared its sections with the
     * others, so a change to one reached them all and a key left out of a file took the last loaded config's value.
     */
    @Override
    public void readMarshallable(WireIn wire) {
        Wires.readMarshallable(this, wire, false);
    }

    @Override
    public void unexpectedField(Object event, ValueIn valueIn) {
        throw new ConfigException("unknown key '" + event + "' in " + section() + " (check the spelling against conf/pipeline.yaml)");
    }
}
